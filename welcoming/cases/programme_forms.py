"""The forms of Fair Entry: an application (staff), a decision, an upload, and the portal's screener."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from welcoming.cases import eligibility
from welcoming.cases.models import Document

MAX_INCOME = 10_000_000


def _ages(text: str) -> tuple[int, ...]:
    try:
        return eligibility.parse_ages(text)
    except ValueError as exc:
        raise forms.ValidationError(_("Write the ages as whole numbers, separated by commas.")) from exc


class HouseholdFields(forms.Form):
    """What the household declares, shared by the staff's application and the public screener."""

    household_size = forms.IntegerField(
        min_value=1, max_value=eligibility.MAX_HOUSEHOLD, label=_("How many people live in the household?")
    )
    annual_income = forms.IntegerField(
        min_value=0,
        max_value=MAX_INCOME,
        label=_("Yearly income of the whole household, before tax"),
        help_text=_("Add up everyone's pay, benefits and other income for a year. A whole number."),
    )
    other_ages = forms.CharField(
        required=False,
        max_length=200,
        label=_("Ages of the other people in the household"),
        help_text=_("For example: 36, 9, 4"),
    )

    def clean_other_ages(self) -> tuple[int, ...]:
        return _ages(self.cleaned_data.get("other_ages") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        size, others = data.get("household_size"), data.get("other_ages") or ()
        if size is not None and len(others) > size - 1:
            self.add_error(
                "other_ages",
                _("You gave %(count)s ages for the other people, but the household has %(size)s people in all.")
                % {"count": len(others), "size": size},
            )
        return data


class ApplicationForm(HouseholdFields):
    lives_here = forms.BooleanField(required=False, label=_("The household lives in the city"))
    applicant_age = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=eligibility.MAX_AGE,
        label=_("Age of the person applying"),
        help_text=_("Leave empty to use her date of birth."),
    )
    submission = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["submission"].initial = uuid.uuid4().hex
        # staff leave the others' ages empty to take them from the registered household
        self.fields["other_ages"].help_text = _("Leave empty to use the registered members of her household.")

    def clean_other_ages(self) -> tuple[int, ...] | None:  # type: ignore[override]
        text = self.cleaned_data.get("other_ages") or ""
        return _ages(text) if text.strip() else None


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("deny", _("Deny"))], widget=forms.HiddenInput)
    reason = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (PDF, JPEG or PNG)"),
        allow_empty_file=True,  # refused by the content check, with its own message
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )
    kind = forms.ChoiceField(choices=Document.Kind.choices, initial=Document.Kind.INCOME, label=_("What is it?"))


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class ScreenerForm(HouseholdFields):
    """The portal's anonymous questions; nothing asks who she is."""

    lives_here = forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, label=_("Do you live in the city?"))
    applicant_age = forms.IntegerField(required=False, min_value=0, max_value=eligibility.MAX_AGE, label=_("Your age"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household_size"].label = _("How many people live in your household, you included?")
        self.fields["annual_income"].label = _("Yearly income of your whole household, before tax")
        self.fields["other_ages"].label = _("Ages of the other people in your household")
