from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.conf.locale import LANG_INFO
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welcoming.directory.needs import NEED_SLUGS
from welcoming.lib.i18n import LANGUAGE_CODES
from welcoming.portal.models import ProblemReport
from welcoming.triage.wording import language_name

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


# the languages she may tick, beyond the portal's six: those most spoken by newcomers to our cities
SPOKEN_LANGUAGES = (*LANGUAGE_CODES, "ru", "ps", "ti", "so", "ckb", "tr", "ur", "sw", "pt")
# each language in its own script, for those Django does not name
OWN_NAMES = {"ps": "پښتو", "ti": "ትግርኛ", "so": "Soomaali"}
# Django names Sorani, but not in our languages
SORANI = {
    "en": "Kurdish (Sorani)",
    "fr": "kurde (sorani)",
    "ar": "الكردية (السورانية)",
    "uk": "курдська (сорані)",
    "es": "kurdo (sorani)",
    "fa": "کردی (سورانی)",
}
PHONE_CHARACTERS = re.compile(r"^[0-9+()./\s-]+$")


def clean_phone(raw: str) -> str:
    """A phone number as she typed it, in any digits, checked for its characters and length; "" if none."""
    phone = " ".join(ascii_digits(raw).split())
    if not phone:
        return ""
    digits = sum(ch.isdigit() for ch in phone)
    if not PHONE_CHARACTERS.match(phone) or not 6 <= digits <= 15:
        raise forms.ValidationError(
            _("Write your phone number with its digits only, for example +1 613 555 0101, or leave it empty.")
        )
    return phone


def ascii_digits(text: str) -> str:
    """Arabic-Indic and Persian digits (٠١٢, ۰۱۲) as 0-9, so a number is the same whichever keyboard typed it."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def spoken_language_choices(language: str) -> list[tuple[str, str]]:
    """Her interface language first, each named in it and, when different, in its own script."""
    choices = []
    for code in sorted(SPOKEN_LANGUAGES, key=lambda code: code != language):
        name = SORANI.get(language, SORANI["en"]) if code == "ckb" else language_name(code, language)
        own = OWN_NAMES.get(code) or LANG_INFO.get(code, {}).get("name_local", "")
        choices.append((code, f"{name} · {own}" if own and _bare(own) != _bare(name) else name))
    return choices


def _bare(text: str) -> str:
    """Without case or vowel marks: "العربيّة" and "العربية" are one name."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(ch))


HIJRI_YEARS = (1300, 1450)


def gregorian_year(year: int, *, solar: bool) -> int:
    """The Gregorian year in which most of a Persian solar year (starting in March) or an Islamic
    lunar year falls; the birthday may be in the year before or after, so the year is approximate."""
    return year + 621 if solar else round(year * 0.970229 + 621.5709)


class RegisterForm(forms.Form):
    """What she tells about herself to register online: the least the counter needs to find her
    record and talk with her. Nothing about status, papers, nationality or where she comes from."""

    use_required_attribute = False  # the server's messages are in her language, the browser's may not be

    key = forms.RegexField(regex=r"^[A-Za-z0-9_-]{16,64}$", widget=forms.HiddenInput)
    given_name = forms.CharField(
        max_length=100,
        label=_("Your given name (first name), written in your own alphabet"),
        error_messages={"required": _("Write your given name."), "max_length": _("Your given name is too long.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "dir": "auto"}),
    )
    family_name = forms.CharField(
        required=False,
        max_length=100,
        label=_("Your family name, written in your own alphabet"),
        help_text=_("Leave it empty if you have only one name."),
        error_messages={"max_length": _("Your family name is too long.")},
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "dir": "auto"}),
    )
    birth_year = forms.IntegerField(
        label=_("The year you were born"),
        help_text=_("If you do not know it exactly, write your best guess and tick the box below."),
        error_messages={
            "required": _("Write the year you were born, for example 1990."),
            "invalid": _("Write the year you were born with four digits, for example 1990."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "bday-year", "maxlength": 4}),
    )
    birth_year_approximate = forms.BooleanField(required=False, label=_("I do not know exactly"))
    languages = forms.MultipleChoiceField(
        label=_("The languages you speak"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one language you speak.")},
    )
    interpreter_needed = forms.BooleanField(required=False, label=_("I need an interpreter to talk with the staff"))
    phone = forms.CharField(
        required=False,
        max_length=30,
        label=_("Your phone number (if you want to give it)"),
        help_text=_("Staff may call you about your registration. You can leave it empty."),
        error_messages={"max_length": _("This phone number is too long.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "dir": "ltr"}),
    )

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language = language
        self.converted_year = False
        self.fields["languages"].choices = spoken_language_choices(language)  # type: ignore[attr-defined]

    def clean_given_name(self) -> str:
        return " ".join(self.cleaned_data["given_name"].split())

    def clean_family_name(self) -> str:
        return " ".join(self.cleaned_data["family_name"].split())

    def clean_birth_year(self) -> int:
        year: int = self.cleaned_data["birth_year"]
        this_year = timezone.localdate().year
        if HIJRI_YEARS[0] <= year <= HIJRI_YEARS[1]:
            # no one alive was born in 1300-1450 of the Gregorian calendar: it is a year of the
            # Persian (solar) calendar used in Iran and Afghanistan, or of the Islamic (lunar) one
            year = gregorian_year(year, solar=self.language != "ar")
            self.converted_year = True
        if not this_year - 120 <= year <= this_year:
            raise forms.ValidationError(
                _("Write a year between %(first)d and %(last)d.") % {"first": this_year - 120, "last": this_year}
            )
        return year

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.converted_year:
            cleaned["birth_year_approximate"] = True
        return cleaned

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])


class ConsentForm(forms.Form):
    """Her consent, on its own screen: to the record (required), and separately to text messages and
    to anonymous statistics (both optional)."""

    use_required_attribute = False

    registration = forms.BooleanField(
        label=_("I agree that the city keeps these details to help me."),
        error_messages={
            "required": _(
                "Tick the box to agree, or we cannot register you. You can also register at the counter instead."
            )
        },
    )
    sms = forms.BooleanField(required=False, label=_("The city may send me text messages about my registration."))
    statistics = forms.BooleanField(
        required=False,
        label=_("My answers may be counted in anonymous statistics that help the city plan its services."),
    )
