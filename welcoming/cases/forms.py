"""The staff forms for case work. They parse and check the shape of what was typed; what it means
(scopes, consents, states) is the services' to decide, and their `Invalid` errors come back here,
next to the field they are about (`show_errors`)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from welcoming.accounts.models import Agency, User
from welcoming.cases.models import Client, Consent, Referral, Urgency
from welcoming.cases.services import Invalid, Person
from welcoming.directory.needs import NEED_SLUGS
from welcoming.triage.wording import need_label

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


def language_codes(raw: str) -> list[str]:
    """Language codes typed as a list ("ar, fr" or "ar fr"), each checked, in her order, once each."""
    codes = [part.strip().lower() for part in re.split(r"[,;،\s]+", raw) if part.strip()]
    wrong = [code for code in codes if not LANGUAGE_TAG.match(code)]
    if wrong:
        raise forms.ValidationError(
            _("These are not language codes: %(codes)s. Write codes like ar, uk or fa."),
            params={"codes": ", ".join(wrong)},
        )
    return list(dict.fromkeys(codes))


IN_PERSON_METHODS = [
    (Consent.Method.VERBAL, Consent.Method.VERBAL.label),
    (Consent.Method.WRITTEN, Consent.Method.WRITTEN.label),
]
SHARE_LABELS: dict[str, StrOrPromise] = {
    "name": _("Her name"),
    "contact": _("Phone, e-mail and how she likes to be contacted"),
    "languages": _("Her languages and whether she needs an interpreter"),
    "household": _("Her household"),
    "needs": _("Her needs assessments"),
    "birth": _("Her date or year of birth"),
}

# the services' reasons, in the worker's language, by the key the service gives them under;
# an error without an entry here is shown as the service wrote it
SERVICE_MESSAGES: dict[str, StrOrPromise] = {
    "given_name": _("Write at least her given name."),
    "birth_date": _("Give a real date in the past."),
    "birth_year": _("Give a year of birth within the last 120 years."),
    "phone": _("A phone number needs at least six digits."),
    "consent_method": _("No record is kept without her consent: say how she gave it."),
    "consent": _("She has not agreed to share her information with this agency. Say how she agrees now, or ask her."),
    "relationship": _("Choose how she is related to the household."),
    "needs": _("Choose at least one need."),
    "reason": _("Say why the referral is declined."),
    "outcome": _("Choose what came of the referral."),
    "text": _("Write the note."),
    "title": _("Say what is to be done."),
    "to_agency": _("Choose another agency of the city."),
    "service": _("Choose one of this agency's services, or none."),
    "caseworker": _("Choose a caseworker of her agency."),
    "agency": _("Consent to share must name the agency it is shared with."),
}


def show_errors(form: forms.Form, error: Invalid, *, fields: dict[str, str] | None = None) -> None:
    """Put a service's `Invalid` errors on the form, each next to its field (`fields` maps a
    service's key to the form's field when they differ); the others above the form."""
    fields = fields or {}
    for key, text in error.errors.items():
        name = fields.get(key, key)
        message = SERVICE_MESSAGES.get(key, text)
        form.add_error(name if name in form.fields else None, str(message))


def form_key() -> str:
    """A one-time key for a form that creates something: the same key sent twice creates it once."""
    return secrets.token_hex(16)


class SearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label=_("Name in any script, client code, reference or phone number"),
    )


class PersonForm(forms.Form):
    """Who she is, as she tells it. Nothing about papers or status is asked, here or anywhere."""

    given_name = forms.CharField(max_length=200, label=_("Given name, in her own script"))
    family_name = forms.CharField(required=False, max_length=200, label=_("Family name, in her own script"))
    given_name_latin = forms.CharField(
        required=False,
        max_length=200,
        label=_("Given name in Latin letters"),
        help_text=_("Left blank, it is written from her name; correct it with her if it looks wrong."),
    )
    family_name_latin = forms.CharField(required=False, max_length=200, label=_("Family name in Latin letters"))
    birth_date = forms.DateField(
        required=False, label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    birth_year = forms.IntegerField(required=False, label=_("Or the year of birth"))
    age = forms.IntegerField(
        required=False, min_value=0, max_value=120, label=_("Or her age, if she does not know the year")
    )
    birth_year_approximate = forms.BooleanField(required=False, label=_("The year is approximate"))
    gender = forms.CharField(
        required=False,
        max_length=100,
        label=_("Gender, in her own words (optional)"),
    )
    languages = forms.CharField(
        required=False,
        max_length=100,
        label=_("Languages she speaks, hers first"),
        help_text=_("Language codes separated by commas, for example: ar, fr, en."),
    )
    interpreter_needed = forms.BooleanField(required=False, label=_("She needs an interpreter"))
    phone = forms.CharField(required=False, max_length=40, label=_("Phone"))
    email = forms.EmailField(required=False, label=_("E-mail"))
    preferred_channel = forms.ChoiceField(
        required=False,
        choices=[("", _("No preference")), *Client.Channel.choices],
        label=_("How she prefers to be contacted"),
    )
    area = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label=_("Neighbourhood"))

    def __init__(self, *args: Any, areas: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("Not known")), *areas]  # type: ignore[attr-defined]

    def clean_languages(self) -> list[str]:
        return language_codes(self.cleaned_data.get("languages") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("age") is not None and not data.get("birth_year") and not data.get("birth_date"):
            data["birth_year"] = timezone.localdate().year - data["age"]
            data["birth_year_approximate"] = True
        return data

    def person(self) -> Person:
        data = self.cleaned_data
        return Person(
            given_name=data["given_name"].strip(),
            family_name=data["family_name"].strip(),
            given_name_latin=data["given_name_latin"].strip(),
            family_name_latin=data["family_name_latin"].strip(),
            birth_date=data["birth_date"],
            birth_year=data["birth_year"],
            birth_year_approximate=data["birth_year_approximate"],
            gender=data["gender"].strip(),
            languages=data["languages"],
            interpreter_needed=data["interpreter_needed"],
            phone=data["phone"].strip(),
            email=data["email"].strip(),
            preferred_channel=data["preferred_channel"],
            area_id=data["area"],
        )

    @staticmethod
    def initial_for(client: Client) -> dict[str, Any]:
        return {
            "given_name": client.given_name,
            "family_name": client.family_name,
            "given_name_latin": client.given_name_latin,
            "family_name_latin": client.family_name_latin,
            "birth_date": client.birth_date,
            "birth_year": None if client.birth_date else client.birth_year,
            "birth_year_approximate": client.birth_year_approximate,
            "gender": client.gender,
            "languages": ", ".join(client.languages),
            "interpreter_needed": client.interpreter_needed,
            "phone": client.phone,
            "email": client.email,
            "preferred_channel": client.preferred_channel,
            "area": client.area_id,
        }


class RegisterForm(PersonForm):
    household_of = forms.CharField(
        required=False,
        max_length=20,
        label=_("Joins the household of (client code)"),
        help_text=_("The code of a member of her household you can open, for example RVT-26-000123-7."),
    )
    relationship = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *[c for c in Client.Relationship.choices if c[0] != Client.Relationship.HEAD]],
        label=_("Her relationship in that household"),
    )
    consent_method = forms.ChoiceField(
        choices=[("", _("Choose how she gave it")), *IN_PERSON_METHODS],
        label=_("Her consent to keep a record, to help her"),
        error_messages={"required": SERVICE_MESSAGES["consent_method"]},
    )
    sms_consent = forms.BooleanField(required=False, label=_("She also agrees to be contacted by text message"))
    statistics_consent = forms.BooleanField(
        required=False, label=_("She also agrees that her data count, anonymously, in the city's statistics")
    )
    form_key = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("household_of") and not data.get("relationship"):
            self.add_error("relationship", SERVICE_MESSAGES["relationship"])
        return data

    def also(self) -> list[str]:
        purposes = []
        if self.cleaned_data.get("sms_consent"):
            purposes.append(Consent.Purpose.SMS.value)
        if self.cleaned_data.get("statistics_consent"):
            purposes.append(Consent.Purpose.STATISTICS.value)
        return purposes


class AssessmentForm(forms.Form):
    needs = forms.MultipleChoiceField(
        choices=[], widget=forms.CheckboxSelectMultiple, label=_("What she needs help with")
    )
    urgency = forms.ChoiceField(
        choices=Urgency.choices, initial=Urgency.THIS_WEEK, widget=forms.RadioSelect, label=_("How urgent")
    )
    notes = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}), label=_("Notes"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language() or "en"
        self.fields["needs"].choices = [(slug, need_label(slug, language)) for slug in NEED_SLUGS]  # type: ignore[attr-defined]


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(choices=Consent.Purpose.choices, widget=forms.RadioSelect, label=_("What for"))
    agency = forms.ChoiceField(
        required=False, choices=[], label=_("With which agency (for sharing)"), help_text=_("Only for sharing.")
    )
    method = forms.ChoiceField(choices=IN_PERSON_METHODS, widget=forms.RadioSelect, label=_("How she gave it"))

    def __init__(self, *args: Any, agencies: Iterable[Agency] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "—"), *[(str(a.pk), a.name) for a in agencies]]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("purpose") == Consent.Purpose.SHARING and not data.get("agency"):
            self.add_error("agency", SERVICE_MESSAGES["agency"])
        return data


class ReferralForm(forms.Form):
    to_agency = forms.ChoiceField(choices=[], label=_("To the agency"))
    service = forms.ChoiceField(
        required=False,
        choices=[],
        label=_("For one of its services (optional)"),
        help_text=_("The services the agency lists in the directory."),
    )
    shared = forms.MultipleChoiceField(
        required=False,
        choices=[(part, SHARE_LABELS[part]) for part in Referral.SHAREABLE],
        widget=forms.CheckboxSelectMultiple,
        label=_("What the agency may see of her record"),
        help_text=_("Share only what the agency needs. It never sees your internal notes or her documents."),
    )
    message = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Message to the agency"),
    )
    consent_method = forms.ChoiceField(
        required=False,
        choices=[
            ("", _("Already recorded")),
            (Consent.Method.VERBAL, _("She agrees now, aloud")),
            (Consent.Method.WRITTEN, _("She agrees now, on paper")),
        ],
        label=_("Her consent to share with this agency"),
    )

    def __init__(self, *args: Any, agencies: Iterable[Agency] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = list(agencies)
        self.fields["to_agency"].choices = [("", "—"), *[(str(a.pk), a.name) for a in agencies]]  # type: ignore[attr-defined]
        groups: list[tuple[str, Any]] = [("", "—")]
        for agency in agencies:
            if agency.organization is not None:
                services = [(str(s.pk), s.name) for s in agency.organization.services.all()]
                if services:
                    groups.append((agency.name, services))
        self.fields["service"].choices = groups  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    text = forms.CharField(max_length=8000, widget=forms.Textarea(attrs={"rows": 3}), label=_("Note"))
    shared = forms.BooleanField(
        required=False,
        label=_("Share with the other agencies that work with her"),
        help_text=_("Unticked, only your agency reads it."),
    )


class TaskForm(forms.Form):
    title = forms.CharField(max_length=500, label=_("What is to be done"))
    due = forms.DateField(required=False, label=_("Due by"), widget=forms.DateInput(attrs={"type": "date"}))


class AssignForm(forms.Form):
    caseworker = forms.ChoiceField(required=False, choices=[], label=_("Caseworker"))

    def __init__(self, *args: Any, caseworkers: Iterable[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].choices = [  # type: ignore[attr-defined]
            ("", _("Nobody yet")),
            *[(str(user.pk), user.get_full_name() or user.username) for user in caseworkers],
        ]

    def caseworker_id(self) -> int | None:
        value = self.cleaned_data.get("caseworker")
        return int(value) if value else None


ANSWERS = (
    Referral.State.ACCEPTED,
    Referral.State.DECLINED,
    Referral.State.IN_PROGRESS,
    Referral.State.COMPLETED,
    Referral.State.UNRESOLVED,
)


class AnswerForm(forms.Form):
    to_state = forms.ChoiceField(choices=[(s.value, s.label) for s in ANSWERS], widget=forms.HiddenInput)
    reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label=_("Why it is declined")
    )
    outcome = forms.ChoiceField(
        required=False, choices=[("", "—"), *Referral.Outcome.choices], label=_("What came of it")
    )
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label=_("A word on the outcome")
    )


class ReferenceForm(forms.Form):
    reference = forms.CharField(
        max_length=20,
        label=_("Her reference"),
        help_text=_("The eight letters and digits she was given when she registered, for example K7M3-QX9S."),
    )


class MergeForm(forms.Form):
    keep = forms.ChoiceField(choices=[], widget=forms.RadioSelect, label=_("Keep the record"))
    confirm = forms.BooleanField(label=_("I have checked with her that both records are hers"))

    def __init__(self, *args: Any, records: Iterable[Client] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(str(c.pk), c.code or c.reference or str(c.pk)) for c in records]  # type: ignore[attr-defined]


class EraseForm(forms.Form):
    confirm = forms.BooleanField(label=_("She asked for her record to be erased, and I have checked it is her"))
