"""The rules' reasons as sentences in the reader's language, with the numbers behind them.

Used alike by the portal's screener (she reads it) and the staff pages (they decide on it), so the
sentences speak of "the household" and "the person applying" rather than "you" or "she".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from welcoming.cases.eligibility import Code, Outcome


def number(value: int | None) -> str:
    return "" if value is None else str(formats.number_format(value, force_grouping=True))


def band(age_min: int | None, age_max: int | None) -> str:
    """The ages of a band, as a phrase to be placed in a sentence."""
    if age_min is not None and age_max is not None:
        # Translators: an age band, placed in sentences such as "this programme is for people %(band)s"
        return _("aged %(min)s to %(max)s") % {"min": age_min, "max": age_max}
    if age_min is not None:
        # Translators: an age band, placed in sentences such as "this programme is for people %(band)s"
        return _("aged %(min)s or older") % {"min": age_min}
    # Translators: an age band, placed in sentences such as "this programme is for people %(band)s"
    return _("aged %(max)s or younger") % {"max": age_max}


def reason_text(reason: Mapping[str, Any], *, city: str) -> str:
    """One reason (`eligibility.Reason.as_dict()`) as a sentence in the active language."""
    code = reason.get("code")
    n = reason.get("numbers") or {}
    size = int(n.get("size") or 0)
    values = {
        "income": number(n.get("income")),
        "limit": number(n.get("limit")),
        "size": size,
        "age": n.get("age"),
        "city": city,
    }
    if code in (Code.APPLICANT_AGE_IN_BAND, Code.APPLICANT_AGE_OUTSIDE_BAND, Code.APPLICANT_AGE_UNKNOWN) or code in (
        Code.MEMBER_AGE_IN_BAND,
        Code.NO_MEMBER_AGE_IN_BAND,
        Code.MEMBER_AGES_UNKNOWN,
    ):
        values["band"] = band(n.get("min"), n.get("max"))
    if code == Code.LIVES_HERE:
        return _("The household lives in %(city)s.") % values
    if code == Code.LIVES_ELSEWHERE:
        return _("This programme is for households living in %(city)s.") % values
    if code == Code.INCOME_WITHIN_LIMIT:
        return (
            ngettext(
                "The yearly income, %(income)s, is within the limit of %(limit)s for a household of %(size)s person.",
                "The yearly income, %(income)s, is within the limit of %(limit)s for a household of %(size)s people.",
                size,
            )
            % values
        )
    if code == Code.INCOME_OVER_LIMIT:
        return (
            ngettext(
                "The yearly income, %(income)s, is over the limit of %(limit)s for a household of %(size)s person.",
                "The yearly income, %(income)s, is over the limit of %(limit)s for a household of %(size)s people.",
                size,
            )
            % values
        )
    if code == Code.APPLICANT_AGE_IN_BAND:
        return _("The person applying is %(age)s; this programme is for people %(band)s.") % values
    if code == Code.APPLICANT_AGE_OUTSIDE_BAND:
        return _("The person applying is %(age)s, but this programme is for people %(band)s.") % values
    if code == Code.APPLICANT_AGE_UNKNOWN:
        return _("This programme is for people %(band)s: give the age of the person applying.") % values
    if code == Code.MEMBER_AGE_IN_BAND:
        return (
            _("Someone in the household is %(age)s; this programme is for households with someone %(band)s.") % values
        )
    if code == Code.NO_MEMBER_AGE_IN_BAND:
        return _("This programme is for households with someone %(band)s, and nobody in this household is.") % values
    if code == Code.MEMBER_AGES_UNKNOWN:
        return _("This programme is for households with someone %(band)s: give the ages of everyone.") % values
    return str(code)


def outcome_label(outcome: str, *, screener: bool = False) -> str:
    """The rules' proposal: as a likelihood on the screener, as a proposal on staff pages."""
    if screener:
        labels = {
            Outcome.ELIGIBLE: _("Likely yes"),
            Outcome.NOT_ELIGIBLE: _("Likely no"),
            Outcome.UNKNOWN: _("Maybe: we need a little more information"),
        }
    else:
        labels = {
            Outcome.ELIGIBLE: _("Eligible by the rules"),
            Outcome.NOT_ELIGIBLE: _("Not eligible by the rules"),
            Outcome.UNKNOWN: _("Missing information"),
        }
    return str(labels.get(outcome, outcome))  # type: ignore[call-overload]


def reasons(items: list[Mapping[str, Any]], *, city: str) -> list[dict[str, Any]]:
    return [{"met": item.get("met"), "text": reason_text(item, city=city)} for item in items]
