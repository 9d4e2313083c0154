from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from welcoming.directory.needs import NEED_SLUGS
from welcoming.lib.i18n import LANGUAGE_CODES
from welcoming.portal.models import ProblemReport

DISTANCES = [("", _("Any distance")), ("1", _("Within 1 km")), ("3", _("Within 3 km")), ("10", _("Within 10 km"))]


class FindForm(forms.Form):
    """The quick questions. Every one is optional; none asks who she is or what papers she has."""

    q = forms.CharField(required=False, max_length=1000, label=_("In your own words, what do you need?"))
    need = forms.MultipleChoiceField(
        required=False, choices=[(slug, slug) for slug in NEED_SLUGS], widget=forms.CheckboxSelectMultiple
    )
    adults = forms.IntegerField(required=False, min_value=0, max_value=30, label=_("Adults"))
    children = forms.CharField(required=False, max_length=60, label=_("Ages of the children, e.g. 3, 7"))
    postcode = forms.CharField(required=False, max_length=12, label=_("Postal code"))
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    speaks = forms.MultipleChoiceField(required=False, choices=[(c, c) for c in LANGUAGE_CODES])
    urgent = forms.BooleanField(required=False, label=_("I need help today"))
    free = forms.BooleanField(required=False, label=_("Free services only"))
    open_now = forms.BooleanField(required=False, label=_("Open now"))
    distance = forms.ChoiceField(required=False, choices=DISTANCES, label=_("Distance"))

    def clean_children(self) -> tuple[int, ...]:
        raw = self.cleaned_data.get("children") or ""
        ages = []
        for part in raw.replace("،", ",").replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or int(part) > 25:
                raise forms.ValidationError(_("Write the ages as numbers, separated by commas."))
            ages.append(int(part))
        return tuple(ages)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lon") is None):
            data["lat"] = data["lon"] = None
        return data

    @property
    def asked(self) -> bool:
        return bool(self.is_bound and self.is_valid() and (self.cleaned_data["q"].strip() or self.cleaned_data["need"]))


class ProblemForm(forms.Form):
    kind = forms.ChoiceField(choices=ProblemReport.Kind.choices, widget=forms.RadioSelect, label=_("What is wrong?"))
    note = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Anything to add? Please do not write your name or contact details."),
    )
