"""`/api/v1/applications/`: Fair Entry applications and their decisions, for staff.

Built on the frame of the staff API (`cases/api.py`): the same sign-in, the same refusal of roles
that never see a person, the same error bodies, paging and Idempotency-Key. Authorised through the
same selectors as the staff pages: an application whose applicant's whole record the caller may
not read is a 404, exactly like an id that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from welcoming.cases import eligibility, programme_wording, selectors
from welcoming.cases import programme_selectors as fair
from welcoming.cases import programme_services as services
from welcoming.cases.api import (
    IDEMPOTENCY,
    JURISDICTION,
    PAGING,
    REPLAYED,
    REPLAYED_HEADER,
    Fingerprint,
    StaffApiView,
    conflict,
    invalid,
    page_body,
    page_of,
    validated,
)
from welcoming.cases.models import Application, Decision
from welcoming.cases.serializers import ErrorOut

# --- shapes --------------------------------------------------------------------------------------


class ApplicationIn(serializers.Serializer[Any]):
    applicant = serializers.UUIDField(help_text="The client applying; her whole record must be yours to read.")
    household_size = serializers.IntegerField(min_value=1, max_value=eligibility.MAX_HOUSEHOLD)
    annual_income = serializers.IntegerField(
        min_value=0, max_value=10_000_000, help_text="The household's yearly income before tax, whole units."
    )
    lives_here = serializers.BooleanField(help_text="The household lives in the jurisdiction.")
    applicant_age = serializers.IntegerField(
        min_value=0,
        max_value=eligibility.MAX_AGE,
        required=False,
        allow_null=True,
        help_text="Omit to use her date or year of birth.",
    )
    other_ages = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=eligibility.MAX_AGE),
        max_length=eligibility.MAX_HOUSEHOLD,
        required=False,
        allow_null=True,
        help_text="Ages of the other members; omit to use the registered members of her household.",
    )
    renewal_of = serializers.UUIDField(
        required=False, allow_null=True, help_text="Renew this decided application instead of applying anew."
    )


class DecisionIn(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=["approve", "deny"])
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="Required to deny, and to approve what the rules did not find eligible.",
    )


class ReasonOut(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=[c.value for c in eligibility.Code])
    met = serializers.BooleanField(allow_null=True, help_text="null when it cannot be told yet (an age is missing).")
    numbers = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    text = serializers.CharField(help_text="The reason as a sentence, in the language asked for.")


class ProgrammeRef(serializers.Serializer[Any]):
    slug = serializers.SlugField()
    name = serializers.CharField()


class DecisionOut(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    programme = ProgrammeRef()
    proposed = serializers.ChoiceField(choices=[o.value for o in eligibility.Outcome])
    reasons = serializers.SerializerMethodField()
    state = serializers.ChoiceField(choices=Decision.State.values)
    reason = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True, help_text="When an approval is to be renewed.")

    @extend_schema_field(ReasonOut(many=True))
    def get_reasons(self, decision: Decision) -> list[dict[str, Any]]:
        city = self.context.get("city", "")
        return [{**item, "text": programme_wording.reason_text(item, city=city)} for item in decision.reasons]


class DocumentOut(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


class ApplicantRef(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    code = serializers.CharField(allow_null=True)


class ApplicationOut(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    applicant = ApplicantRef()
    state = serializers.ChoiceField(choices=Application.State.values)
    household_size = serializers.IntegerField()
    annual_income = serializers.IntegerField()
    lives_here = serializers.BooleanField()
    applicant_age = serializers.IntegerField(allow_null=True)
    other_ages = serializers.ListField(child=serializers.IntegerField())
    submitted_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    renewal_of = serializers.UUIDField(source="renewal_of_id", allow_null=True)
    decisions = DecisionOut(many=True, source="decisions.all")
    documents = DocumentOut(many=True, source="documents.all")


class ApplicationPageOut(serializers.Serializer[Any]):
    page = serializers.IntegerField()
    per_page = serializers.IntegerField()
    next = serializers.URLField(allow_null=True, help_text="The next page, if there is one.")
    previous = serializers.URLField(allow_null=True)
    results = ApplicationOut(many=True)


ERRORS = {
    400: "Invalid: `errors` says what and where.",
    401: "Not signed in.",
    403: "Not signed in, or not allowed: your role, or this change.",
    404: "Not found, or not yours to see: the two answers are the same.",
    409: "The Idempotency-Key was already used with a different request.",
}


def _errors(*codes: int) -> dict[int, Any]:
    return {code: OpenApiResponse(ErrorOut, description=ERRORS[code]) for code in (401, 403, 404, *codes)}


def _path(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.UUID, OpenApiParameter.PATH, description=description)


APPLICATION_ID = _path("application_id", "The application's id.")
DECISION_ID = _path("decision_id", "The decision's id (one per programme).")


class FairEntryView(StaffApiView):
    def out(self, application: Application) -> dict[str, Any]:
        return dict(ApplicationOut(application, context={"city": self.actor.jurisdiction.name}).data)


def _earlier(fingerprint: Fingerprint) -> Application | None:
    """The application an earlier request with this key made; 409 if that request was another."""
    earlier = Application.objects.filter(submission__startswith=f"api:{fingerprint.key}:").first()
    if earlier is not None and earlier.submission != fingerprint.submission:
        raise conflict()
    return earlier


class ApplicationsView(FairEntryView):
    @extend_schema(
        tags=["applications"],
        operation_id="applications_list",
        summary="Fair Entry applications of the clients whose record you hold, newest first",
        parameters=[*PAGING, JURISDICTION],
        responses={200: ApplicationPageOut, **_errors(400)},
    )
    def get(self, request: Request) -> Response:
        page, per_page = page_of(request)
        offset = (page - 1) * per_page
        found = fair.applications_list(self.actor, limit=per_page, offset=offset)
        more = fair.applications_in_scope(self.actor)[offset + per_page : offset + per_page + 1].exists()
        context = {"city": self.actor.jurisdiction.name}
        results = list(ApplicationOut(found, many=True, context=context).data)
        return Response(page_body(request, page, per_page, results, more))

    @extend_schema(
        tags=["applications"],
        operation_id="applications_create",
        summary="Apply for every active programme at once, or renew a decided application",
        description="Runs the rules for every active programme and stores a proposed decision, with its "
        "reasons, for each; the city's coordinator then approves or denies each.",
        parameters=[IDEMPOTENCY, JURISDICTION, REPLAYED_HEADER],
        request=ApplicationIn,
        responses={201: ApplicationOut, **_errors(400, 409)},
    )
    def post(self, request: Request) -> Response:
        fingerprint = Fingerprint(request, "application") if Fingerprint.sent(request) else None
        data = validated(ApplicationIn, request)
        if fingerprint is not None:
            earlier = _earlier(fingerprint)
            if earlier is not None:
                return self.created(earlier, replayed=True)
        declared = services.Declared(
            household_size=data["household_size"],
            annual_income=data["annual_income"],
            lives_here=data["lives_here"],
            applicant_age=data.get("applicant_age"),
            other_ages=tuple(data["other_ages"]) if data.get("other_ages") is not None else None,
        )
        submission = fingerprint.submission if fingerprint else ""
        if data.get("renewal_of"):
            renewed = fair.application_for(self.actor, data["renewal_of"], purpose="fair entry renewal through the API")
            if renewed.applicant_id != data["applicant"]:
                raise invalid("The request cannot be carried out.", {"renewal_of": "not an application of hers"})
            application = services.application_renew(
                actor=self.actor, application=renewed, declared=declared, submission=submission
            )
        else:
            applicant = selectors.clients_in_full_scope(self.actor).filter(pk=data["applicant"]).first()
            if applicant is None:
                raise selectors.NotFound
            application = services.application_submit(
                actor=self.actor, applicant=applicant, declared=declared, submission=submission
            )
        return self.created(application, replayed=False)

    def created(self, application: Application, *, replayed: bool) -> Response:
        found = fair.application_for(self.actor, application.pk, purpose="fair entry application through the API")
        return Response(self.out(found), status=201, headers=REPLAYED if replayed else None)


class ApplicationView(FairEntryView):
    @extend_schema(
        tags=["applications"],
        operation_id="applications_read",
        summary="One Fair Entry application with its decisions and documents",
        parameters=[APPLICATION_ID, JURISDICTION],
        responses={200: ApplicationOut, **_errors()},
    )
    def get(self, request: Request, application_id: str) -> Response:
        application = fair.application_for(self.actor, application_id, purpose="fair entry application through the API")
        return Response(self.out(application))


class DecisionView(FairEntryView):
    @extend_schema(
        tags=["applications"],
        operation_id="applications_decide",
        summary="Approve or deny one programme's decision (the city's coordinator)",
        description="An approval gets a renewal date after the programme's renewal period. A denial needs a "
        "reason, and so does an approval of what the rules did not find eligible.",
        parameters=[APPLICATION_ID, DECISION_ID, JURISDICTION],
        request=DecisionIn,
        responses={200: ApplicationOut, **_errors(400)},
    )
    def post(self, request: Request, application_id: str, decision_id: str) -> Response:
        application = fair.application_for(self.actor, application_id, purpose="fair entry decision through the API")
        decision = fair.decision_for(self.actor, application, decision_id)
        data = validated(DecisionIn, request)
        reason = data.get("reason", "")
        if data["action"] == "approve":
            services.decision_approve(actor=self.actor, decision=decision, reason=reason)
        else:
            services.decision_deny(actor=self.actor, decision=decision, reason=reason)
        application = fair.application_for(self.actor, application_id, purpose="fair entry decision through the API")
        return Response(self.out(application))


urlpatterns = [  # included under /api/v1/ by welcoming/urls.py
    path("applications/", ApplicationsView.as_view(), name="applications"),
    path("applications/<str:application_id>/", ApplicationView.as_view(), name="application"),
    path(
        "applications/<str:application_id>/decisions/<str:decision_id>/",
        DecisionView.as_view(),
        name="application-decision",
    ),
]
