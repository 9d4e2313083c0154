"""The shapes of the staff API: what a request may carry (`*In`) and what a response holds (`*Out`).

Input serializers only check types and sizes; what makes sense (a real birth date, a consent that
names its agency, a move a referral may make) is decided by the services, whose `Invalid` errors
the API returns in the same `{"detail", "errors"}` shape. Output serializers hold no logic either:
a client is shown through the `ClientAccess` the selectors gave, and only the parts it allows are
read at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField

from welcoming.cases.models import Client, Consent, NeedsAssessment, Referral, Urgency
from welcoming.cases.selectors import ClientAccess, is_late
from welcoming.directory.needs import NEED_SLUGS


class Text(serializers.CharField):
    """Text as people type it. A lone surrogate, which JSON can carry but no database can store,
    is refused here rather than failing on save."""

    def to_internal_value(self, data: Any) -> str:
        value: str = super().to_internal_value(data)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise serializers.ValidationError(_("This is not valid Unicode text.")) from exc
        return value


def _optional(**kwargs: Any) -> dict[str, Any]:
    return {"required": False, **kwargs}


# --- errors -----------------------------------------------------------------------------------------


class ErrorOut(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text="What went wrong, in a sentence.")
    # the metaclass takes declared fields out of the class, so `Serializer.errors` is left as it was
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.CharField(),
        required=False,
        help_text="For a 400: each field in error (dotted for nested ones, e.g. `languages.0`) and what is wrong.",
    )


# --- small references ----------------------------------------------------------------------------


class AgencyRef(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()


class StaffRef(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_name(self, user: Any) -> str:
        return str(user.get_full_name() or user.username)


class ClientRef(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    code = serializers.CharField(allow_null=True)


class ServiceRef(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()


# --- clients ----------------------------------------------------------------------------------------


class PersonIn(serializers.Serializer[Any]):
    """What is known of her. Names in her own script; the Latin ones are transliterated when left out."""

    given_name = Text(max_length=200)
    family_name = Text(max_length=200, allow_blank=True, **_optional(default=""))
    given_name_latin = Text(max_length=200, allow_blank=True, **_optional(default=""))
    family_name_latin = Text(max_length=200, allow_blank=True, **_optional(default=""))
    birth_date = serializers.DateField(allow_null=True, **_optional(default=None))
    birth_year = serializers.IntegerField(
        allow_null=True,
        min_value=1800,
        max_value=2200,
        **_optional(default=None, help_text="When only the year is known."),
    )
    birth_year_approximate = serializers.BooleanField(**_optional(default=False))
    gender = Text(max_length=100, allow_blank=True, **_optional(default="", help_text="As she describes it."))
    languages = serializers.ListField(
        child=serializers.RegexField(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=20),
        max_length=20,
        **_optional(default=list, help_text="Language codes (BCP 47), hers first."),
    )
    interpreter_needed = serializers.BooleanField(**_optional(default=False))
    phone = Text(max_length=40, allow_blank=True, **_optional(default=""))
    email = serializers.EmailField(max_length=254, allow_blank=True, **_optional(default=""))
    preferred_channel = serializers.ChoiceField(
        choices=Client.Channel.choices, allow_blank=True, **_optional(default="")
    )
    area_id = serializers.IntegerField(
        allow_null=True, **_optional(default=None, help_text="Her neighbourhood: the id of an area of the city.")
    )


class ClientCreateIn(PersonIn):
    consent_method = serializers.ChoiceField(
        choices=Consent.Method.choices, help_text="How she consented to a record being kept: no consent, no record."
    )


class AssessmentOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    needs = serializers.ListField(child=serializers.ChoiceField(choices=NEED_SLUGS))
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    notes = serializers.CharField(required=False, help_text="Only for the agency that holds her record.")
    agency = AgencyRef(allow_null=True)
    assessed_at = serializers.DateTimeField()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        # her notes in a needs assessment go only where her whole record goes (see `with_notes`)
        if not getattr(instance, "show_notes", False):
            data.pop("notes")
        return data


def with_notes(assessments: Iterable[NeedsAssessment], access: ClientAccess) -> list[NeedsAssessment]:
    """The assessments, marked for `AssessmentOut` with whether their notes may be shown."""
    marked = list(assessments)
    for assessment in marked:
        assessment.show_notes = access.full  # type: ignore[attr-defined]
    return marked


# which part of her record (`selectors.GROUP_FIELDS`) each field of a client belongs to; None: every
# actor who sees her at all sees it; "full": only the agency holding her record (and the city)
CLIENT_FIELD_PARTS: Mapping[str, str | None] = {
    "id": None,
    "code": None,
    "state": None,
    "shared_only": None,
    "shared": None,
    "agency": None,
    "given_name": "name",
    "family_name": "name",
    "given_name_latin": "name",
    "family_name_latin": "name",
    "phone": "contact",
    "email": "contact",
    "preferred_channel": "contact",
    "languages": "languages",
    "interpreter_needed": "languages",
    "household": "household",
    "relationship": "household",
    "birth_date": "birth",
    "birth_year": "birth",
    "birth_year_approximate": "birth",
    "assessments": "needs",
    "gender": "full",
    "area": "full",
    "area_id": "full",
    "caseworker": "full",
    "created_at": "full",
    "verified_at": "full",
}


class ClientSummaryOut(serializers.Serializer[Any]):
    """A client as the actor may see her, built from a `ClientAccess`: fields of the parts she may
    not see are absent (not null), and `shared_only` says so."""

    id = serializers.UUIDField(source="client.id")
    code = serializers.CharField(source="client.code", allow_null=True, help_text="Her client code, on her card.")
    state = serializers.ChoiceField(source="client.state", choices=Client.State.choices)
    shared_only = serializers.BooleanField(
        source="full_inverse", help_text="True when the actor sees only what referrals to her agency share."
    )
    shared = serializers.ListField(
        source="visible_parts",
        child=serializers.ChoiceField(choices=Referral.SHAREABLE),
        help_text="The parts of her record the actor sees.",
    )
    agency = AgencyRef(source="client.agency", allow_null=True, help_text="The agency that holds her record.")
    given_name = serializers.CharField(source="client.given_name", required=False)
    family_name = serializers.CharField(source="client.family_name", required=False)
    given_name_latin = serializers.CharField(source="client.given_name_latin", required=False)
    family_name_latin = serializers.CharField(source="client.family_name_latin", required=False)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        access: ClientAccess = instance
        view = _AccessView(access)
        out: dict[str, Any] = {}
        for field in self._readable_fields:
            name = str(field.field_name)
            # the parts she may not see are never read, not merely left out
            if not _may_see(access, CLIENT_FIELD_PARTS[name]):
                continue
            try:
                value = field.get_attribute(view)
            except SkipField:
                continue
            out[name] = None if value is None else field.to_representation(value)
        return out


def _may_see(access: ClientAccess, part: str | None) -> bool:
    if part is None:
        return True
    if part == "full":
        return access.full
    return access.can_see(part)


class _AccessView:
    """What the output fields read: the client, and facts about the access."""

    def __init__(self, access: ClientAccess) -> None:
        self.access = access
        self.client = access.client
        self.full_inverse = not access.full
        self.visible_parts = sorted(access.shared)

    @cached_property
    def assessments(self) -> list[NeedsAssessment]:
        return with_notes(self.client.assessments.select_related("agency"), self.access)


class ClientOut(ClientSummaryOut):
    phone = serializers.CharField(source="client.phone", required=False)
    email = serializers.CharField(source="client.email", required=False)
    preferred_channel = serializers.ChoiceField(
        source="client.preferred_channel", choices=Client.Channel.choices, allow_blank=True, required=False
    )
    languages = serializers.ListField(source="client.languages", child=serializers.CharField(), required=False)
    interpreter_needed = serializers.BooleanField(source="client.interpreter_needed", required=False)
    household = serializers.UUIDField(source="client.household_id", allow_null=True, required=False)
    relationship = serializers.ChoiceField(
        source="client.relationship", choices=Client.Relationship.choices, required=False
    )
    birth_date = serializers.DateField(source="client.birth_date", allow_null=True, required=False)
    birth_year = serializers.IntegerField(source="client.birth_year", allow_null=True, required=False)
    birth_year_approximate = serializers.BooleanField(source="client.birth_year_approximate", required=False)
    assessments = AssessmentOut(many=True, required=False)
    gender = serializers.CharField(source="client.gender", required=False)
    area = serializers.CharField(source="client.area.code", allow_null=True, required=False)
    area_id = serializers.IntegerField(source="client.area_id", allow_null=True, required=False)
    caseworker = StaffRef(source="client.caseworker", allow_null=True, required=False)
    created_at = serializers.DateTimeField(source="client.created_at", required=False)
    verified_at = serializers.DateTimeField(source="client.verified_at", allow_null=True, required=False)


class ClientPageOut(serializers.Serializer[Any]):
    page = serializers.IntegerField()
    per_page = serializers.IntegerField()
    next = serializers.URLField(allow_null=True, help_text="The next page, if there is one.")
    previous = serializers.URLField(allow_null=True)
    results = ClientSummaryOut(many=True)


# --- parts of her record ------------------------------------------------------------------------


class ConsentIn(serializers.Serializer[Any]):
    purpose = serializers.ChoiceField(choices=Consent.Purpose.choices)
    method = serializers.ChoiceField(choices=Consent.Method.choices)
    agency = serializers.UUIDField(
        allow_null=True, **_optional(default=None, help_text="For sharing: the agency she agrees to share with.")
    )


class ConsentOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    purpose = serializers.ChoiceField(choices=Consent.Purpose.choices)
    agency = AgencyRef(allow_null=True)
    method = serializers.ChoiceField(choices=Consent.Method.choices)
    given_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    valid = serializers.BooleanField()


class AssessmentIn(serializers.Serializer[Any]):
    needs = serializers.ListField(
        child=serializers.ChoiceField(choices=NEED_SLUGS), min_length=1, max_length=len(NEED_SLUGS)
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    notes = Text(max_length=5000, allow_blank=True, **_optional(default=""))


class NoteIn(serializers.Serializer[Any]):
    text = Text(max_length=10000)
    shared = serializers.BooleanField(
        **_optional(default=False, help_text="Shared with every agency that works with her; else her agency's own.")
    )


class NoteOut(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    agency = AgencyRef()
    author = StaffRef(allow_null=True)
    text = serializers.CharField()
    shared = serializers.BooleanField()
    created_at = serializers.DateTimeField()


# --- referrals --------------------------------------------------------------------------------------


class ReferralIn(serializers.Serializer[Any]):
    client = serializers.UUIDField()
    to_agency = serializers.UUIDField()
    service = serializers.UUIDField(allow_null=True, **_optional(default=None, help_text="One of its services."))
    shared = serializers.ListField(
        child=serializers.ChoiceField(choices=Referral.SHAREABLE),
        max_length=len(Referral.SHAREABLE),
        **_optional(default=list, help_text="The parts of her record the receiving agency may read."),
    )
    message = Text(max_length=5000, allow_blank=True, **_optional(default=""))
    send = serializers.BooleanField(**_optional(default=True, help_text="False keeps it as a draft."))


MOVES = [state for state in Referral.State.values if state != Referral.State.DRAFT]


class TransitionIn(serializers.Serializer[Any]):
    to = serializers.ChoiceField(choices=MOVES, help_text="The state it moves to.")
    reason = Text(max_length=5000, allow_blank=True, **_optional(default="", help_text="Why it is declined."))
    outcome = serializers.ChoiceField(
        choices=Referral.Outcome.choices, allow_blank=True, **_optional(default="", help_text="When completed.")
    )
    note = Text(max_length=5000, allow_blank=True, **_optional(default="", help_text="About the outcome."))


class ReferralEventOut(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    by = StaffRef(allow_null=True)
    from_state = serializers.CharField(allow_blank=True)
    to_state = serializers.ChoiceField(choices=Referral.State.choices)


class ReferralSummaryOut(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    client = ClientRef()
    from_agency = AgencyRef()
    to_agency = AgencyRef()
    service = ServiceRef(allow_null=True)
    state = serializers.ChoiceField(choices=Referral.State.choices)
    shared = serializers.ListField(child=serializers.ChoiceField(choices=Referral.SHAREABLE))
    respond_by = serializers.DateField(allow_null=True)
    late = serializers.SerializerMethodField(help_text="Sent, and not answered in time.")
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_late(self, referral: Referral) -> bool:
        return is_late(referral)


class ReferralOut(ReferralSummaryOut):
    message = serializers.CharField(allow_blank=True)
    decline_reason = serializers.CharField(allow_blank=True)
    outcome = serializers.ChoiceField(choices=Referral.Outcome.choices, allow_blank=True)
    outcome_note = serializers.CharField(allow_blank=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    events = ReferralEventOut(source="events.all", many=True)


class ReferralPageOut(serializers.Serializer[Any]):
    page = serializers.IntegerField()
    per_page = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReferralSummaryOut(many=True)
