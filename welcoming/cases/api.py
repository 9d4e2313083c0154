"""The staff API for clients and referrals, under `/api/v1/`: thin views over the cases selectors
and services.

Who may see what is decided where the data is read (`selectors`), as for the staff pages: a client
or referral outside the actor's scope is a 404 with the very body of an id that does not exist, and
a malformed id is the same 404. Roles that never see a person (analyst, volunteer coordinator, no
role in this city) are refused every endpoint with a 403, before any id is looked at: it tells
them nothing about any record, and tells them plainly that this is not their door, where an empty
list would look like a city with no clients. Errors: `{"detail": ..., "errors": {field: message}}`
with 400, as the HSDS and triage APIs give them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from welcoming.accounts.actors import Actor, actor_for
from welcoming.accounts.models import Agency, User
from welcoming.cases import selectors, services
from welcoming.cases import serializers as s
from welcoming.cases.models import Client, Referral
from welcoming.directory.api.params import Params
from welcoming.places.selectors import UnknownJurisdiction, jurisdiction_for_request

# one body for every "not there, or not yours", so the two cannot be told apart
NOT_FOUND = gettext_lazy("Not found.")
PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_QUERY = 200


# --- the frame of every endpoint ------------------------------------------------------------------


class WorksWithClients(BasePermission):
    message = gettext_lazy("Your role in this city does not include reading or changing client records.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(view.actor.works_with_clients)


class StaffApiView(APIView):
    """Signed-in staff who work with clients; `self.actor` acts in the request's jurisdiction.
    The domain's refusals become HTTP answers here: NotFound → 404, NotAllowed → 403, Invalid → 400."""

    permission_classes = [IsAuthenticated, WorksWithClients]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]

    @cached_property
    def actor(self) -> Actor:
        try:
            jurisdiction = jurisdiction_for_request(self.request._request)
        except UnknownJurisdiction as exc:
            raise exceptions.NotFound(str(exc)) from exc
        user = self.request.user
        assert isinstance(user, User)  # IsAuthenticated has run
        return actor_for(user, jurisdiction, via="api")

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, selectors.NotFound):
            exc = exceptions.NotFound(NOT_FOUND)
        elif isinstance(exc, services.NotAllowed):
            exc = exceptions.PermissionDenied(str(exc))
        elif isinstance(exc, services.Invalid):
            exc = invalid(_("The request cannot be carried out."), exc.errors)
        return super().handle_exception(exc)


def invalid(detail: str, errors: Mapping[str, str]) -> exceptions.ValidationError:
    return exceptions.ValidationError({"detail": detail, "errors": dict(errors)})


def validated(serializer_class: type[serializers.Serializer[Any]], request: Request, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, **kwargs)
    if not serializer.is_valid():
        raise invalid(_("Invalid request body."), flat_errors(serializer.errors))
    return dict(serializer.validated_data)


def flat_errors(errors: Any, prefix: str = "") -> dict[str, str]:
    """DRF's nested errors as {"languages.0": "message"}: where, and what."""
    if isinstance(errors, Mapping):
        out: dict[str, str] = {}
        for key, value in errors.items():
            name = "body" if key == api_settings.NON_FIELD_ERRORS_KEY else str(key)
            out.update(flat_errors(value, f"{prefix}.{name}" if prefix else name))
        return out
    if isinstance(errors, Sequence) and not isinstance(errors, str):
        if all(isinstance(error, str) for error in errors):
            return {prefix or "body": " ".join(str(error) for error in errors)}
        out = {}
        for index, error in enumerate(errors):
            if error:
                out.update(flat_errors(error, f"{prefix}.{index}" if prefix else str(index)))
        return out
    return {prefix or "body": str(errors)}


def page_of(request: Request) -> tuple[int, int]:
    params = Params(request.query_params)
    page = params.integer("page", 1, 1, 10_000)
    per_page = params.integer("per_page", PER_PAGE, 1, MAX_PER_PAGE)
    params.raise_if_invalid()
    return page, per_page


def page_body(request: Request, page: int, per_page: int, results: list[Any], more: bool) -> dict[str, Any]:
    url = request.build_absolute_uri()
    return {
        "page": page,
        "per_page": per_page,
        "next": replace_query_param(url, "page", page + 1) if more else None,
        "previous": replace_query_param(url, "page", page - 1) if page > 1 else None,
        "results": results,
    }


def in_scope(actor: Actor, client_id: str) -> Client:
    """The client to change, if the actor sees her at all (the service decides whether she may change
    her); nothing of her is shown, so nothing is audited here."""
    try:
        key = uuid.UUID(client_id)
    except ValueError as exc:
        raise selectors.NotFound from exc
    client = selectors.clients_in_scope(actor).filter(pk=key).first()
    if client is None:
        raise selectors.NotFound
    return client


def agency_named(actor: Actor, agency_id: uuid.UUID | None, field: str) -> Agency | None:
    if agency_id is None:
        return None
    agency = Agency.objects.filter(pk=agency_id, jurisdiction=actor.jurisdiction).first()
    if agency is None:
        raise invalid(
            _("The request cannot be carried out."), {field: _("there is no agency with this id in this city")}
        )
    return agency


# --- idempotent creation ----------------------------------------------------------------------------

IDEMPOTENCY_HEADER = "Idempotency-Key"


class Fingerprint:
    """An Idempotency-Key made the user's own (a keyed hash, so the stored value says nothing and
    cannot be forged), and a digest of the request body it came with."""

    def __init__(self, request: Request, kind: str) -> None:
        raw = request.headers.get(IDEMPOTENCY_HEADER, "")
        if not 1 <= len(raw) <= 255 or not raw.isascii() or not raw.isprintable():
            raise invalid(
                _("Invalid %(header)s header.") % {"header": IDEMPOTENCY_HEADER},
                {IDEMPOTENCY_HEADER: _("1 to 255 printable ASCII characters, e.g. a UUID")},
            )
        message = f"{kind}\0{request.user.pk}\0{raw}".encode()
        self.key = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:40]
        body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
        self.body = hashlib.sha256(body.encode()).hexdigest()[:19]

    @staticmethod
    def sent(request: Request) -> bool:
        return IDEMPOTENCY_HEADER in request.headers

    @property
    def submission(self) -> str:
        # exactly the 64 characters of Client.submission and Referral.submission
        return f"api:{self.key}:{self.body}"


def conflict() -> exceptions.APIException:
    error = exceptions.APIException(
        _("This %(header)s was already used with a different request.") % {"header": IDEMPOTENCY_HEADER}
    )
    error.status_code = status.HTTP_409_CONFLICT
    return error


REPLAYED = {"Idempotent-Replayed": "true"}


def earlier_record(records: QuerySet[Any], fingerprint: Fingerprint) -> uuid.UUID | None:
    """The record (client or referral) an earlier request with this key created; 409 if that
    request was another. The key is the user's own, so `records` need only be the jurisdiction's."""
    row = records.filter(submission__startswith=f"api:{fingerprint.key}:").values_list("pk", "submission").first()
    if row is None:
        return None
    if row[1] != fingerprint.submission:
        raise conflict()
    found: uuid.UUID = row[0]
    return found


# --- schema helpers ---------------------------------------------------------------------------------


def _q(name: str, description: str, kind: Any = OpenApiTypes.STR, **kwargs: Any) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description, **kwargs)


def _path(name: str, description: str, kind: Any = OpenApiTypes.UUID) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.PATH, description=description)


JURISDICTION = _q("jurisdiction", "Code of the jurisdiction (default: the deployment's default).")
PAGING = [
    _q(
        "page",
        "Page number, from 1.",
        OpenApiTypes.INT,
    ),
    _q("per_page", f"Items per page (1 to {MAX_PER_PAGE}, default {PER_PAGE}).", OpenApiTypes.INT),
]
CLIENT_ID = _path("id", "The client's id.")
IDEMPOTENCY = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="A key of your choosing (a UUID): sending the same request again with it gives the first "
    "answer without creating a second record (with the header Idempotent-Replayed); the same key with "
    "another body is a 409.",
    pattern=r"^[ -~]{1,255}$",
)

_ERROR = s.ErrorOut
REPLAYED_HEADER = OpenApiParameter(
    "Idempotent-Replayed",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[201],
    enum=["true"],
    description="Present when this is the answer to an earlier request with the same Idempotency-Key.",
)


def _errors(*codes: int) -> dict[int, Any]:
    meanings = {
        400: "Invalid: `errors` says what and where.",
        401: "Not signed in.",
        403: "Not signed in, or not allowed: your role, or this change on this record.",
        404: "Not found, or not yours to see: the two answers are the same.",
        409: "The Idempotency-Key was already used with a different request.",
    }
    return {code: OpenApiResponse(_ERROR, description=meanings[code]) for code in (401, 403, 404, *codes)}


# --- clients ------------------------------------------------------------------------------------------


class ClientList(StaffApiView):
    @extend_schema(
        tags=["clients"],
        operation_id="clients_list",
        summary="Search the clients you may see",
        parameters=[
            _q("q", "A client code, her reference, a phone number or a name in any script; empty lists all."),
            *PAGING,
            JURISDICTION,
        ],
        responses={200: s.ClientPageOut, **_errors(400)},
    )
    def get(self, request: Request) -> Response:
        page, per_page = page_of(request)
        query = request.query_params.get("q", "")
        if len(query) > MAX_QUERY:
            raise invalid(
                _("Invalid query parameters."),
                {"q": _("longer than %(count)d characters.") % {"count": MAX_QUERY}},
            )
        found = selectors.search_clients(self.actor, query, limit=per_page, offset=(page - 1) * per_page)
        accesses = selectors.access_to_many(self.actor, found)
        results = [s.ClientSummaryOut(accesses[c.pk]).data for c in found if c.pk in accesses]
        return Response(page_body(request, page, per_page, results, more=len(found) == per_page))

    @extend_schema(
        tags=["clients"],
        operation_id="clients_create",
        summary="Register a client, with her consent to keep a record",
        parameters=[IDEMPOTENCY, JURISDICTION, REPLAYED_HEADER],
        request=s.ClientCreateIn,
        responses={201: s.ClientOut, **_errors(400, 409)},
    )
    def post(self, request: Request) -> Response:
        fingerprint = Fingerprint(request, "client") if Fingerprint.sent(request) else None
        data = validated(s.ClientCreateIn, request)
        hers = Client.objects.filter(jurisdiction=self.actor.jurisdiction)
        if fingerprint is not None:
            earlier = earlier_record(hers, fingerprint)
            if earlier is not None:
                return self.created(earlier, replayed=True)
        person = services.Person(**{name: data[name] for name in services.PERSON_FIELDS})
        submission = fingerprint.submission if fingerprint else ""
        try:
            client = services.client_register(
                actor=self.actor, person=person, consent_method=data["consent_method"], submission=submission
            )
        except IntegrityError:
            # the same request twice at once: the other one saved first
            if fingerprint is None or (earlier := earlier_record(hers, fingerprint)) is None:
                raise
            return self.created(earlier, replayed=True)
        return self.created(client.pk, replayed=False)

    def created(self, client_id: uuid.UUID, *, replayed: bool) -> Response:
        access = selectors.client_for(self.actor, client_id, purpose="registration through the API")
        return Response(s.ClientOut(access).data, status=201, headers=REPLAYED if replayed else None)


class ClientDetail(StaffApiView):
    @extend_schema(
        tags=["clients"],
        operation_id="clients_read",
        summary="One client, as you may see her",
        description="A receiving agency gets only the parts its referrals share: the other fields are absent "
        "and `shared_only` is true.",
        parameters=[CLIENT_ID, JURISDICTION],
        responses={200: s.ClientOut, **_errors()},
    )
    def get(self, request: Request, id: str) -> Response:
        access = selectors.client_for(self.actor, id, purpose="client record through the API")
        return Response(s.ClientOut(access).data)

    @extend_schema(
        tags=["clients"],
        operation_id="clients_update",
        summary="Change what is known of her (only the agency holding her record)",
        parameters=[CLIENT_ID, JURISDICTION],
        request=s.PersonIn,
        responses={200: s.ClientOut, **_errors(400)},
    )
    def patch(self, request: Request, id: str) -> Response:
        client = in_scope(self.actor, id)
        data = validated(s.PersonIn, request, partial=True)
        person = services.Person(**{name: data.get(name, getattr(client, name)) for name in services.PERSON_FIELDS})
        services.client_update(actor=self.actor, client=client, person=person)
        access = selectors.client_for(self.actor, client.pk, purpose="client record through the API, after a change")
        return Response(s.ClientOut(access).data)


class ClientConsents(StaffApiView):
    @extend_schema(
        tags=["clients"],
        operation_id="client_consents_list",
        summary="Her consents, given and withdrawn",
        parameters=[CLIENT_ID, JURISDICTION],
        responses={200: s.ConsentOut(many=True), **_errors()},
    )
    def get(self, request: Request, id: str) -> Response:
        access = selectors.client_part_for(self.actor, id, "consents", purpose="consents through the API")
        consents = access.client.consents.select_related("agency")
        return Response(s.ConsentOut(consents, many=True).data)

    @extend_schema(
        tags=["clients"],
        operation_id="client_consents_create",
        summary="Record a consent she gave",
        parameters=[CLIENT_ID, JURISDICTION],
        request=s.ConsentIn,
        responses={201: s.ConsentOut, **_errors(400)},
    )
    def post(self, request: Request, id: str) -> Response:
        client = in_scope(self.actor, id)
        data = validated(s.ConsentIn, request)
        consent = services.consent_record(
            actor=self.actor,
            client=client,
            purpose=data["purpose"],
            method=data["method"],
            agency=agency_named(self.actor, data["agency"], "agency"),
        )
        return Response(s.ConsentOut(consent).data, status=201)


class ConsentWithdraw(StaffApiView):
    @extend_schema(
        tags=["clients"],
        operation_id="client_consent_withdraw",
        summary="Withdraw one of her consents, from now on",
        description="Withdrawing her consent to share with an agency ends that agency's access at once.",
        parameters=[CLIENT_ID, _path("consent_id", "The consent's id.", OpenApiTypes.INT), JURISDICTION],
        request=None,
        responses={200: s.ConsentOut, **_errors()},
    )
    def post(self, request: Request, id: str, consent_id: str) -> Response:
        client = in_scope(self.actor, id)
        # a referral never shares her consents: to an agency that sees her through one, they do not
        # exist (a 403 for a real id would tell it which ids are hers), as on the staff page
        if not selectors.access_to(self.actor, client).full:
            raise selectors.NotFound
        if not (consent_id.isascii() and consent_id.isdigit() and len(consent_id) <= 18):
            raise selectors.NotFound
        consent = client.consents.filter(pk=int(consent_id)).first()
        if consent is None:
            raise selectors.NotFound
        return Response(s.ConsentOut(services.consent_withdraw(actor=self.actor, consent=consent)).data)


class ClientAssessments(StaffApiView):
    @extend_schema(
        tags=["clients"],
        operation_id="client_assessments_list",
        summary="Her needs, as assessed (newest first)",
        parameters=[CLIENT_ID, JURISDICTION],
        responses={200: s.AssessmentOut(many=True), **_errors()},
    )
    def get(self, request: Request, id: str) -> Response:
        access = selectors.client_part_for(self.actor, id, "needs", purpose="needs through the API")
        assessments = s.with_notes(access.client.assessments.select_related("agency"), access)
        return Response(s.AssessmentOut(assessments, many=True).data)

    @extend_schema(
        tags=["clients"],
        operation_id="client_assessments_create",
        summary="Record an assessment of her needs",
        parameters=[CLIENT_ID, JURISDICTION],
        request=s.AssessmentIn,
        responses={201: s.AssessmentOut, **_errors(400)},
    )
    def post(self, request: Request, id: str) -> Response:
        client = in_scope(self.actor, id)
        data = validated(s.AssessmentIn, request)
        assessment = services.assessment_record(actor=self.actor, client=client, **data)
        # her own agency wrote it, notes and all
        assessment.show_notes = True  # type: ignore[attr-defined]
        return Response(s.AssessmentOut(assessment).data, status=201)


class ClientNotes(StaffApiView):
    @extend_schema(
        tags=["clients"],
        operation_id="client_notes_list",
        summary="Notes on her: your agency's own, and those other agencies shared",
        parameters=[CLIENT_ID, JURISDICTION],
        responses={200: s.NoteOut(many=True), **_errors()},
    )
    def get(self, request: Request, id: str) -> Response:
        access = selectors.client_part_for(self.actor, id, "notes", purpose="notes through the API")
        return Response(s.NoteOut(selectors.notes_for(self.actor, access), many=True).data)

    @extend_schema(
        tags=["clients"],
        operation_id="client_notes_create",
        summary="Add a note on her, internal to your agency or shared",
        parameters=[CLIENT_ID, JURISDICTION],
        request=s.NoteIn,
        responses={201: s.NoteOut, **_errors(400)},
    )
    def post(self, request: Request, id: str) -> Response:
        client = in_scope(self.actor, id)
        data = validated(s.NoteIn, request)
        note = services.note_add(actor=self.actor, client=client, text=data["text"], shared=data["shared"])
        return Response(s.NoteOut(note).data, status=201)


class ClientNote(StaffApiView):
    @extend_schema(
        tags=["clients"],
        operation_id="client_notes_read",
        summary="One note on her",
        parameters=[CLIENT_ID, _path("note_id", "The note's id."), JURISDICTION],
        responses={200: s.NoteOut, **_errors()},
    )
    def get(self, request: Request, id: str, note_id: str) -> Response:
        try:
            key = uuid.UUID(note_id)
        except ValueError as exc:
            raise selectors.NotFound from exc
        access = selectors.client_part_for(self.actor, id, "notes", purpose="a note through the API")
        note = selectors.notes_for(self.actor, access).filter(pk=key).first()
        if note is None:
            raise selectors.NotFound
        return Response(s.NoteOut(note).data)


class ClientReferrals(StaffApiView):
    @extend_schema(
        tags=["clients"],
        operation_id="client_referrals_list",
        summary="Every referral of hers (only the agency holding her record)",
        parameters=[CLIENT_ID, JURISDICTION],
        responses={200: s.ReferralSummaryOut(many=True), **_errors()},
    )
    def get(self, request: Request, id: str) -> Response:
        access = selectors.client_part_for(self.actor, id, "referrals", purpose="referrals through the API")
        referrals = access.client.referrals.select_related("client", "from_agency", "to_agency", "service")
        return Response(s.ReferralSummaryOut(referrals, many=True).data)


# --- referrals ---------------------------------------------------------------------------------------

BOXES = ("inbox", "received", "sent")


class ReferralList(StaffApiView):
    @extend_schema(
        tags=["referrals"],
        operation_id="referrals_list",
        summary="Referrals waiting for your agency, received by it, or sent by it",
        parameters=[
            _q(
                "box",
                "inbox (default): waiting for your agency to answer or finish, oldest deadline first; "
                "received: everything sent to your agency; sent: what your agency sent (the whole city's, "
                "for a coordinator); newest first.",
                enum=BOXES,
            ),
            *PAGING,
            JURISDICTION,
        ],
        responses={200: s.ReferralPageOut, **_errors(400)},
    )
    def get(self, request: Request) -> Response:
        params = Params(request.query_params)
        box = params.choice("box", BOXES, "inbox")
        params.raise_if_invalid()
        page, per_page = page_of(request)
        referrals: QuerySet[Referral]
        if box == "inbox":
            referrals = selectors.inbox(self.actor)
        elif box == "received":
            referrals = (
                selectors.referrals_received(self.actor)
                .select_related("client", "from_agency", "to_agency", "service")
                .order_by("-sent_at", "-created_at")
            )
        else:
            referrals = selectors.referrals_sent(self.actor).order_by("-created_at")
        start = (page - 1) * per_page
        found = list(referrals[start : start + per_page + 1])
        results = s.ReferralSummaryOut(found[:per_page], many=True).data
        return Response(page_body(request, page, per_page, list(results), more=len(found) > per_page))

    @extend_schema(
        tags=["referrals"],
        operation_id="referrals_create",
        summary="Refer a client to another agency, with her consent to share with it",
        parameters=[IDEMPOTENCY, JURISDICTION, REPLAYED_HEADER],
        request=s.ReferralIn,
        responses={201: s.ReferralOut, **_errors(400, 409)},
    )
    def post(self, request: Request) -> Response:
        fingerprint = Fingerprint(request, "referral") if Fingerprint.sent(request) else None
        data = validated(s.ReferralIn, request)
        with transaction.atomic():
            if fingerprint is not None:
                # one request with this key at a time: the user's row is the lock
                list(User.objects.select_for_update().filter(pk=self.actor.user.pk).values_list("pk"))
                earlier = earlier_record(Referral.objects.filter(created_by=self.actor.user), fingerprint)
                if earlier is not None:
                    referral = selectors.referral_read(self.actor, earlier, purpose="referral through the API")
                    return Response(s.ReferralOut(referral).data, status=201, headers=REPLAYED)
            client = selectors.clients_in_scope(self.actor).filter(pk=data["client"]).first()
            if client is None:
                raise invalid(
                    _("The request cannot be carried out."),
                    {"client": _("there is no client with this id among yours")},
                )
            to_agency = agency_named(self.actor, data["to_agency"], "to_agency")
            assert to_agency is not None
            referral = services.referral_create(
                actor=self.actor,
                client=client,
                to_agency=to_agency,
                shared=data["shared"],
                service_id=data["service"],
                message=data["message"],
                send=data["send"],
                submission=fingerprint.submission if fingerprint else "",
            )
        return Response(s.ReferralOut(referral).data, status=201)


REFERRAL_ID = _path("id", "The referral's id.")


class ReferralDetail(StaffApiView):
    @extend_schema(
        tags=["referrals"],
        operation_id="referrals_read",
        summary="One referral your agency sent or received",
        parameters=[REFERRAL_ID, JURISDICTION],
        responses={200: s.ReferralOut, **_errors()},
    )
    def get(self, request: Request, id: str) -> Response:
        referral = selectors.referral_read(self.actor, id, purpose="referral through the API")
        return Response(s.ReferralOut(referral).data)


class ReferralTransition(StaffApiView):
    @extend_schema(
        tags=["referrals"],
        operation_id="referrals_transition",
        summary="Move a referral on: the sender sends or withdraws it, the receiver answers, starts and closes it",
        description="declined needs a `reason`; completed needs an `outcome`; unresolved may carry a `note`.",
        parameters=[REFERRAL_ID, JURISDICTION],
        request=s.TransitionIn,
        responses={200: s.ReferralOut, **_errors(400)},
    )
    def post(self, request: Request, id: str) -> Response:
        referral = selectors.referral_for(self.actor, id)
        data = validated(s.TransitionIn, request)
        to = data["to"]
        if to == Referral.State.WITHDRAWN:
            services.referral_withdraw(actor=self.actor, referral=referral)
        elif to == Referral.State.SENT:
            services.referral_send(actor=self.actor, referral=referral)
        else:
            services.referral_answer(
                actor=self.actor,
                referral=referral,
                to_state=to,
                reason=data["reason"],
                outcome=data["outcome"],
                note=data["note"],
            )
        referral = selectors.referral_read(self.actor, referral.pk, purpose="referral through the API, after a change")
        return Response(s.ReferralOut(referral).data)
