"""The public offer form, one per kind with only that kind's questions, and the staff's forms.

Numbers and dates typed with Arabic-Indic or Persian digits are read as the same numbers. Every
message says which answer is wrong and how to put it right, in her language; the browser's own
messages (which may not be in her language) are not used.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from welcoming.community import kinds, vocab
from welcoming.community.models import Offer
from welcoming.places.models import Area, Jurisdiction
from welcoming.portal.forms import ascii_digits, clean_phone, spoken_language_choices

KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d")


class NumberField(forms.IntegerField):
    """A whole number in any digits; shown as text with a numeric keyboard, because a number input
    refuses the Persian and Arabic-Indic digits her keyboard types."""

    def __init__(self, *, low: int, high: int, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "size": 6}))
        super().__init__(**kwargs)
        self.low, self.high = low, high
        self.error_messages["invalid"] = _("Write a number between %(low)d and %(high)d.") % {"low": low, "high": high}

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = ascii_digits(value).strip()
        number: int | None = super().to_python(value)
        if number is not None and not self.low <= number <= self.high:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class MoneyField(forms.Field):
    widget = forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr", "size": 8})

    def to_python(self, value: Any) -> Decimal | None:
        text = ascii_digits(str(value or "")).strip()
        for space in (" ", "\u00a0", "\u202f", "'"):
            text = text.replace(space, "")
        text = text.replace("\u066b", ".")  # the Arabic decimal separator
        if "," in text and "." not in text and len(text.rsplit(",", 1)[1]) <= 2:
            text = text.replace(",", ".")  # 950,50
        text = text.replace(",", "")  # 1,250
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(
                _("Write the rent per month as a number, for example 950."), code="invalid"
            ) from None
        if not amount.is_finite() or not Decimal(0) <= amount <= kinds.RENT_LIMIT:
            raise forms.ValidationError(_("Write the rent per month as a number, for example 950."), code="invalid")
        return amount.quantize(Decimal("0.01"))


class DayField(forms.Field):
    """A date picker where the browser has one; typed as 2026-05-01 or 01/05/2026 where it has not."""

    widget = forms.DateInput(attrs={"type": "date", "dir": "ltr"}, format="%Y-%m-%d")

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        text = ascii_digits(str(value or "")).strip()
        if not text:
            return None
        for pattern in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, pattern).date()  # a calendar day, not a moment
            except ValueError:
                continue
        raise forms.ValidationError(_("Write the date as year-month-day, for example 2026-05-01."), code="invalid")


class YesNoField(forms.TypedChoiceField):
    """Yes, no, or not answered (None)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=YES_NO,
            coerce=lambda answer: answer == "yes",
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            **kwargs,
        )

    def prepare_value(self, value: Any) -> Any:
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


def _areas(jurisdiction: Jurisdiction, language: str) -> list[tuple[str, str]]:
    areas = [
        (str(area.pk), area.localized("name", language, jurisdiction.default_language).text)
        for area in Area.objects.filter(jurisdiction=jurisdiction)
    ]
    return sorted(areas, key=lambda pair: pair[1].casefold())


def _field(kind: str, name: str, *, jurisdiction: Jurisdiction, language: str, has_areas: bool) -> forms.Field:
    """The form field of one fact of a kind, with its label, help and the message for a missing answer."""
    required = kinds.required(kind, name, has_areas=has_areas)
    messages = {}
    if name in kinds.MISSING:
        # a choice that is not on the list (an old page, a changed list) reads like a missing one
        messages = {"required": kinds.missing(kind, name), "invalid_choice": kinds.missing(kind, name)}
    common: dict[str, Any] = {
        "label": kinds.label(kind, name),
        "help_text": kinds.help_text(kind, name),
        "required": required,
        "error_messages": messages,
    }
    if name in kinds.LIMITS:
        low, high = kinds.LIMITS[name]
        return NumberField(low=low, high=high, **common)
    if name == "capacity":
        return NumberField(low=1, high=kinds.CAPACITY_LIMITS[kind], **common)
    if name == "rent_monthly":
        return MoneyField(**common)
    if name in ("available_from", "available_until"):
        return DayField(**common)
    if name in ("lift", "pets_allowed", "furnished", "paid"):
        common.pop("required")
        common.pop("error_messages")
        return YesNoField(**common)
    if name in ("step_free", "needs_storage"):
        common["required"] = False
        return forms.BooleanField(**common)
    if name == "area":
        choices = [("", _("Choose the neighbourhood")), *_areas(jurisdiction, language)]
        return forms.ChoiceField(choices=choices, **common)
    if name == "item":
        return forms.ChoiceField(choices=[("", _("Choose")), *vocab.choices(vocab.ITEMS)], **common)
    if name == "sector":
        return forms.ChoiceField(choices=[("", _("Choose")), *vocab.choices(vocab.SECTORS)], **common)
    if name == "condition":
        return forms.ChoiceField(choices=Offer.Condition.choices, widget=forms.RadioSelect, **common)
    if name == "job_type":
        return forms.ChoiceField(choices=Offer.JobType.choices, widget=forms.RadioSelect, **common)
    if name == "skills":
        return forms.MultipleChoiceField(
            choices=vocab.choices(vocab.SKILLS), widget=forms.CheckboxSelectMultiple, **common
        )
    if name == "languages":
        return forms.MultipleChoiceField(
            choices=spoken_language_choices(language), widget=forms.CheckboxSelectMultiple, **common
        )
    if name in ("host_household", "description"):
        return forms.CharField(
            max_length=kinds.LONGEST_TEXT[name],
            widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
            **common,
        )
    if name == "address":
        return forms.CharField(
            max_length=kinds.LONGEST_TEXT[name],
            widget=forms.TextInput(attrs={"autocomplete": "street-address", "dir": "auto"}),
            **common,
        )
    if name == "profession":
        return forms.CharField(
            max_length=kinds.LONGEST_TEXT[name], widget=forms.TextInput(attrs={"dir": "auto"}), **common
        )
    raise LookupError(name)


class OfferForm(forms.Form):
    """The facts of one kind of offer and her contact details; `edit` for her private page, where
    the e-mail address is not asked again and her consent is already given."""

    use_required_attribute = False

    key = forms.RegexField(regex=KEY, widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        max_length=100,
        label=_("Your name"),
        error_messages={"required": _("Write your name."), "max_length": _("Your name is too long.")},
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
    )
    email = forms.EmailField(
        max_length=254,
        label=_("Your e-mail address"),
        help_text=_("We send you a link to confirm it, and a private link to change or withdraw your offer."),
        error_messages={
            "required": _("Write your e-mail address, for example maria@example.org."),
            "invalid": _("Write your e-mail address, for example maria@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    phone = forms.CharField(
        required=False,
        max_length=30,
        label=_("Your phone number"),
        help_text=_("The city's coordinator may call you about your offer."),
        error_messages={"max_length": _("This phone number is too long.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "dir": "ltr"}),
    )
    organisation = forms.CharField(
        required=False,
        max_length=200,
        label=_("Business, faith group or association"),
        help_text=_("If you make this offer on its behalf."),
        widget=forms.TextInput(attrs={"autocomplete": "organization", "dir": "auto"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the city keeps my details and those of my offer, to review it, to match it with "
            "people who need it and to write to me about it."
        ),
        error_messages={"required": _("Tick the box to agree, or we cannot take your offer.")},
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        jurisdiction: Jurisdiction,
        language: str,
        edit: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.jurisdiction = jurisdiction
        self.edit = edit
        self.has_areas = Area.objects.filter(jurisdiction=jurisdiction).exists()
        self.fact_names = [name for name in kinds.KIND_FIELDS[kind] if name != "area" or self.has_areas]
        for name in self.fact_names:
            self.fields[name] = _field(
                kind, name, jurisdiction=jurisdiction, language=language, has_areas=self.has_areas
            )
        if edit:
            for name in ("email", "consent", "key"):
                del self.fields[name]
        else:
            self.fields["key"].required = True

    @property
    def fact_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fact_names]

    @property
    def contact_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("name", "email", "phone", "organisation") if name in self.fields]

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_organisation(self) -> str:
        return " ".join(self.cleaned_data["organisation"].split())

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        facts = self.facts(cleaned)
        for field, message in kinds.problems(self.kind, facts, has_areas=self.has_areas).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, str(message))
            elif field not in self.fields:
                self.add_error(None, str(message))
        return cleaned

    def facts(self, cleaned: dict[str, Any] | None = None) -> dict[str, Any]:
        """The kind's facts from her answers, as the services take them (the area as a record)."""
        cleaned = self.cleaned_data if cleaned is None else cleaned
        facts: dict[str, Any] = {}
        for name in self.fact_names:
            if name not in cleaned:
                continue
            value = cleaned[name]
            if name == "area":
                value = Area.objects.filter(jurisdiction=self.jurisdiction, pk=value).first() if value else None
            elif name in ("step_free", "needs_storage"):
                value = bool(value)
            elif name in ("skills", "languages"):
                value = list(value)
            facts[name] = value
        return facts

    @staticmethod
    def initial_from(offer: Offer) -> dict[str, Any]:
        initial = kinds.facts_of(offer)
        initial["area"] = str(offer.area_id) if offer.area_id else ""
        offerer = offer.offerer
        initial.update({"name": offerer.name, "phone": offerer.phone, "organisation": offerer.organisation})
        return initial


class WithdrawForm(forms.Form):
    use_required_attribute = False
    confirm = forms.BooleanField(
        label=_("Yes, withdraw my offer"),
        error_messages={"required": _("Tick the box to confirm that you want to withdraw your offer.")},
    )


class LostLinkForm(forms.Form):
    use_required_attribute = False
    email = forms.EmailField(
        max_length=254,
        label=_("Your e-mail address"),
        error_messages={
            "required": _("Write your e-mail address, for example maria@example.org."),
            "invalid": _("Write your e-mail address, for example maria@example.org."),
        },
    )


class EraseMineForm(forms.Form):
    use_required_attribute = False
    confirm = forms.BooleanField(
        label=_("Yes, withdraw all my offers and erase my details"),
        error_messages={"required": _("Tick the box to confirm that you want your details erased.")},
    )


# --- staff ----------------------------------------------------------------------------------------


class QueueFilter(forms.Form):
    kind = forms.ChoiceField(required=False, choices=[("", _("All kinds")), *Offer.Kind.choices], label=_("Kind"))
    state = forms.ChoiceField(required=False, choices=[("", _("All states")), *Offer.State.choices], label=_("State"))
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class RejectForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        label=_("Why is it not accepted?"),
        help_text=_(
            "She reads this in the e-mail we send her, as you write it: write simply, and say what she could "
            "change so that the offer can be accepted."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the reason: she will read it in the e-mail we send her.")},
    )


class StaffEraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("She asked for her details to be erased, and I have checked that the request comes from her"),
        error_messages={"required": _("Tick the box to confirm.")},
    )
