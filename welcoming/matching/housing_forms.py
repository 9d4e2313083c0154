"""The forms of the "check a flat" pages (public and staff) and of the building register's upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from welcoming.matching import rules
from welcoming.matching.housing import parse_income

CHILD_ROWS = 8  # rows for children's ages: 4 shown, 4 more behind "more children"
CHILD_ROWS_SHOWN = 4

PLACE_CHOICES = [("flat", _("A whole flat or house")), ("room", _("A room in someone's home"))]
YES_NO_UNKNOWN = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("I do not know"))]
SEX_CHOICES = [("", _("I would rather not say")), ("f", _("Girl")), ("m", _("Boy"))]


def _tri(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class AmountField(forms.CharField):
    """A sum of money as people type it: "950", "2,500", "2 500,50". Empty is None."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> float | None:
        text = super().clean(value)
        if not text:
            return None
        amount = parse_income(text)
        if amount is None:
            raise forms.ValidationError(_("Write an amount in figures, for example 950."), code="amount")
        if amount > 10_000_000:
            raise forms.ValidationError(_("This amount is too large."), code="amount")
        return amount


class CheckForm(forms.Form):
    """The flat and the household, as a newcomer can tell them. Every fact of the flat may be left empty:
    what we do not know is something to check, not a reason to refuse."""

    place = forms.ChoiceField(
        label=_("What is it?"), choices=PLACE_CHOICES, initial="flat", widget=forms.RadioSelect, required=False
    )
    address = forms.CharField(
        label=_("Address of the building (optional)"),
        required=False,
        max_length=300,
        help_text=_("Only to look the building up in the city's register of inspection issues. It is not kept."),
    )
    bedrooms = forms.IntegerField(label=_("Number of bedrooms"), required=False, min_value=0, max_value=20)
    beds = forms.IntegerField(
        label=_("Number of beds for you (a room in a home)"), required=False, min_value=0, max_value=20
    )
    rent = AmountField(label=_("Rent per month"))
    floor = forms.IntegerField(
        label=_("Floor"), required=False, min_value=-5, max_value=200, help_text=_("0 for the ground floor.")
    )
    lift = forms.ChoiceField(
        label=_("Is there a lift?"), choices=YES_NO_UNKNOWN, initial="unknown", widget=forms.RadioSelect, required=False
    )
    step_free_flat = forms.BooleanField(
        label=_("There are no steps from the street to the door, nor inside."), required=False
    )
    pets_allowed = forms.ChoiceField(
        label=_("Are pets allowed?"),
        choices=YES_NO_UNKNOWN,
        initial="unknown",
        widget=forms.RadioSelect,
        required=False,
    )

    adults = forms.IntegerField(
        label=_("Adults (18 or older), you included"), min_value=1, max_value=20, initial=1, required=False
    )
    couple = forms.BooleanField(label=_("Two of the adults are a couple and share a bedroom."), required=False)
    income = AmountField(
        label=_("The household's income per month (optional)"),
        help_text=_(
            "Everything that comes in each month before rent: wages, benefits, child benefits. Leave it empty "
            "if you are not sure."
        ),
    )
    step_free = forms.BooleanField(label=_("Someone in the household cannot use stairs."), required=False)
    pets = forms.BooleanField(label=_("We have pets."), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, CHILD_ROWS + 1):
            self.fields[f"child_age_{number}"] = forms.IntegerField(
                label=_("Age of child %(number)s") % {"number": number}, required=False, min_value=0, max_value=17
            )
            self.fields[f"child_sex_{number}"] = forms.ChoiceField(
                label=_("Child %(number)s is a") % {"number": number}, choices=SEX_CHOICES, required=False
            )

    def child_rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(n, self[f"child_age_{n}"], self[f"child_sex_{n}"]) for n in range(1, CHILD_ROWS + 1)]

    def child_rows_shown(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return self.child_rows()[:CHILD_ROWS_SHOWN]

    def child_rows_more(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return self.child_rows()[CHILD_ROWS_SHOWN:]

    def more_children_given(self) -> bool:
        data = self.data if self.is_bound else {}
        return any(data.get(f"child_age_{n}") for n in range(CHILD_ROWS_SHOWN + 1, CHILD_ROWS + 1))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("adults") is None and "adults" not in self.errors:
            data["adults"] = 1
        if data.get("couple") and (data.get("adults") or 1) < 2:
            self.add_error("couple", _("A couple is two adults: count at least 2 adults."))
        for number in range(1, CHILD_ROWS + 1):
            age, sex = data.get(f"child_age_{number}"), data.get(f"child_sex_{number}")
            if sex and age is None and f"child_age_{number}" not in self.errors:
                self.add_error(f"child_age_{number}", _("Give this child's age, or leave the row empty."))
        return data

    # -- the facts, once valid

    def is_room(self) -> bool:
        return self.cleaned_data.get("place") == "room"

    def children(self) -> tuple[tuple[int, str], ...]:
        data = self.cleaned_data
        return tuple(
            (int(data[f"child_age_{n}"]), str(data.get(f"child_sex_{n}") or ""))
            for n in range(1, CHILD_ROWS + 1)
            if data.get(f"child_age_{n}") is not None
        )

    def household(self) -> rules.Household:
        data = self.cleaned_data
        return rules.Household(
            adults=int(data.get("adults") or 1),
            couple=bool(data.get("couple")),
            children=self.children(),
            monthly_income=data.get("income"),
            step_free=bool(data.get("step_free")),
            pets=bool(data.get("pets")),
        )

    def unit(self, issues: tuple[rules.Issue, ...]) -> rules.Unit:
        data = self.cleaned_data
        return rules.Unit(
            bedrooms=data.get("bedrooms"),
            beds=data.get("beds"),
            rent_monthly=data.get("rent"),
            step_free=bool(data.get("step_free_flat")),
            floor=data.get("floor"),
            lift=_tri(data.get("lift") or "unknown"),
            pets_allowed=_tri(data.get("pets_allowed") or "unknown"),
            issues=issues,
            address_known=bool((data.get("address") or "").strip()),
        )


class StaffCheckForm(CheckForm):
    """The same check for staff, who may pick a published offer instead of typing the flat, and an open
    request of a client in their scope instead of typing the household."""

    offer = forms.ChoiceField(label=_("A published offer"), required=False)
    request = forms.ChoiceField(label=_("An open request of a client"), required=False)

    def __init__(
        self,
        *args: Any,
        offers: list[tuple[str, str]] | None = None,
        requests: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        offer_field = self.fields["offer"]
        request_field = self.fields["request"]
        assert isinstance(offer_field, forms.ChoiceField) and isinstance(request_field, forms.ChoiceField)
        offer_field.choices = [("", _("None: I type the flat below")), *(offers or [])]
        request_field.choices = [("", _("None: I type the household below")), *(requests or [])]


class RegisterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("The register, as CSV or XLSX"),
        help_text=_(
            "Columns: reference, address, kind, opened_on, closed_on, description. Issues are matched on their "
            "reference, so sending the same file again changes nothing."
        ),
    )
    dry_run = forms.BooleanField(label=_("Only check the file; write nothing."), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Send a .csv or .xlsx file."), code="suffix")
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."), code="size")
        return upload
