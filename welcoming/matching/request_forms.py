"""The staff forms for requests: one form whose fields follow the kind (a flat asks her household,
income and neighbourhoods; goods ask quantities of each item; a mentor asks her profession). They
check the shape of what was typed; what it means is `request_services`' to decide, and its errors
come back next to their fields (`request_views._show`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from welcoming.cases.forms import language_codes
from welcoming.community import vocab
from welcoming.matching.request_selectors import HOUSEHOLD_KINDS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CHILD_ROWS = 8
SEX_CHOICES = [("", _("Not told")), ("f", _("Girl")), ("m", _("Boy"))]

# the services' errors, in the worker's language, by the fact they are about
REQUEST_MESSAGES: dict[str, StrOrPromise] = {
    "adults": _("Give the number of adults, from 1 to 20."),
    "couple": _("A couple is two adults: say there are at least two."),
    "children": _("For each child, give the age, from 0 to 17; people of 18 and over count as adults."),
    "monthly_income": _("Give an amount of money, like 1850 or 1850.50."),
    "max_rent": _("Give an amount of money, like 1200."),
    "items": _("Give a quantity of at least one item."),
    "skills": _("Choose the help she needs."),
    "profession": _("Say in which profession she wants a mentor."),
    "sector": _("Choose the sector she looks for work in."),
    "waiting_since": _("Give a date that is not in the future."),
    "reason": _("Say why the request is closed."),
    "client": _("Her record is not verified yet: verify it first, then make the request."),
    "kind": _("Her needs assessment does not call for this kind of request: make it without the assessment."),
    "state": _("Only a request that is still waiting can be changed."),
}


class RequestForm(forms.Form):
    """The facts of a request of one kind. `facts()` gives them as `request_services` takes them."""

    form_key = forms.CharField(widget=forms.HiddenInput, max_length=40, required=False)

    def __init__(
        self,
        *args: Any,
        kind: str,
        areas: Iterable[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        area_choices = list(areas)
        f = self.fields
        if kind in HOUSEHOLD_KINDS:
            f["adults"] = forms.IntegerField(min_value=1, max_value=20, initial=1, label=_("Adults (18 and over)"))
            f["couple"] = forms.BooleanField(required=False, label=_("Two of the adults are a couple"))
            for i in range(CHILD_ROWS):
                # the table's headings say what each is; the label is for screen readers
                age_label = _("Child %(n)s: age") % {"n": i + 1}
                sex_label = _("Child %(n)s: girl or boy") % {"n": i + 1}
                f[f"child_{i}_age"] = forms.IntegerField(
                    required=False,
                    min_value=0,
                    max_value=17,
                    label=age_label,
                    widget=forms.NumberInput(attrs={"aria-label": age_label}),
                )
                f[f"child_{i}_sex"] = forms.ChoiceField(
                    required=False,
                    choices=SEX_CHOICES,
                    label=sex_label,
                    widget=forms.Select(attrs={"aria-label": sex_label}),
                )
            f["monthly_income"] = forms.DecimalField(
                required=False,
                min_value=0,
                max_digits=8,
                decimal_places=2,
                label=_("The household's monthly income"),
                help_text=_(
                    "All of it, benefits included. Kept encrypted; used only to check that a rent is affordable."
                ),
            )
            f["max_rent"] = forms.DecimalField(
                required=False,
                min_value=0,
                max_digits=8,
                decimal_places=2,
                label=_("The most she can pay in rent a month"),
            )
            f["step_free"] = forms.BooleanField(required=False, label=_("Someone in the household cannot use stairs"))
            f["pets"] = forms.BooleanField(required=False, label=_("The household has pets"))
        if kind == "goods":
            for item, label in vocab.ITEMS.items():
                f[f"item_{item}"] = forms.IntegerField(required=False, min_value=0, max_value=99, label=str(label))
        if kind == "volunteer":
            f["skills"] = forms.MultipleChoiceField(
                required=False,
                choices=vocab.choices(vocab.SKILLS),
                widget=forms.CheckboxSelectMultiple,
                label=_("The help she needs"),
            )
        if kind in ("mentoring", "job"):
            f["profession"] = forms.CharField(
                required=kind == "mentoring", max_length=120, label=_("Her profession, in her words")
            )
            f["sector"] = forms.ChoiceField(
                required=kind == "job",
                choices=[("", "—"), *vocab.choices(vocab.SECTORS)],
                label=_("The sector she looks for work in"),
            )
        f["areas"] = forms.MultipleChoiceField(
            required=False,
            choices=[(str(pk), name) for pk, name in area_choices],
            widget=forms.CheckboxSelectMultiple,
            label=_("Neighbourhoods she prefers") if kind != "goods" else _("Where she can collect goods"),
        )
        if kind in HOUSEHOLD_KINDS:
            f["school_area"] = forms.TypedChoiceField(
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("None, or not known")), *area_choices],
                label=_("The neighbourhood of the children's school"),
            )
        if kind in (*HOUSEHOLD_KINDS, "job"):
            f["work_area"] = forms.TypedChoiceField(
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("None, or not known")), *area_choices],
                label=_("The neighbourhood where she works or will work"),
            )
        f["languages"] = forms.CharField(
            required=False,
            max_length=100,
            label=_("Languages she speaks, hers first"),
            help_text=_("Language codes separated by commas, for example: ar, fr, en."),
        )
        f["note"] = forms.CharField(
            required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), label=_("Note for the matching")
        )

    def clean_languages(self) -> list[str]:
        return language_codes(self.cleaned_data.get("languages") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(CHILD_ROWS if self.kind in HOUSEHOLD_KINDS else 0):
            age, sex = data.get(f"child_{i}_age"), data.get(f"child_{i}_sex")
            if age is None and sex:
                self.add_error(f"child_{i}_age", _("Give the child's age."))
        return data

    def facts(self) -> dict[str, Any]:
        """The cleaned form as the services' facts."""
        data = self.cleaned_data
        facts: dict[str, Any] = {
            "languages": data.get("languages", []),
            "note": data.get("note", ""),
            "areas": [int(pk) for pk in data.get("areas", [])],
        }
        if self.kind in HOUSEHOLD_KINDS:
            facts.update(
                adults=data["adults"],
                couple=data["couple"],
                children=[
                    [data[f"child_{i}_age"], data[f"child_{i}_sex"]]
                    for i in range(CHILD_ROWS)
                    if data.get(f"child_{i}_age") is not None
                ],
                monthly_income="" if data.get("monthly_income") is None else str(data["monthly_income"]),
                max_rent=data.get("max_rent"),
                step_free=data["step_free"],
                pets=data["pets"],
                school_area=data.get("school_area"),
            )
        if "work_area" in self.fields:
            facts["work_area"] = data.get("work_area")
        if self.kind == "goods":
            facts["items"] = {item: data[f"item_{item}"] for item in vocab.ITEMS if data.get(f"item_{item}")}
        if self.kind == "volunteer":
            facts["skills"] = data.get("skills", [])
        if self.kind in ("mentoring", "job"):
            facts.update(profession=data.get("profession", ""), sector=data.get("sector", ""))
        return facts

    @classmethod
    def initial_for(cls, kind: str, facts: dict[str, Any]) -> dict[str, Any]:
        """The form's initial values from facts (a request's, or the prefilled ones)."""
        initial: dict[str, Any] = {}
        for name in ("adults", "couple", "max_rent", "step_free", "pets", "profession", "sector", "note"):
            if facts.get(name) not in (None, ""):
                initial[name] = facts[name]
        if facts.get("monthly_income"):
            initial["monthly_income"] = facts["monthly_income"]
        for i, (age, sex) in enumerate((facts.get("children") or [])[:CHILD_ROWS]):
            initial[f"child_{i}_age"] = age
            initial[f"child_{i}_sex"] = sex
        for item, quantity in (facts.get("items") or {}).items():
            initial[f"item_{item}"] = quantity
        initial["skills"] = list(facts.get("skills") or [])
        initial["areas"] = [str(pk) for pk in facts.get("areas") or []]
        for name in ("school_area", "work_area"):
            if facts.get(name):
                initial[name] = facts[name]
        initial["languages"] = ", ".join(facts.get("languages") or [])
        return initial


class CloseForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Why she no longer waits"),
        help_text=_("For example: she found a flat herself, she moved to another city, the need is met."),
        error_messages={"required": REQUEST_MESSAGES["reason"]},
    )
