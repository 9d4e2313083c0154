"""What each kind of offer asks, the rules its answers must keep, and how an offer is worded.

One place for the facts of each kind, used alike by the public form (which fields it shows), the
services (which fields they accept and check) and the pages that show an offer (staff, the offerer's
private page). The problems are worded through gettext, so the form shows them in her language and
a service refusing a caller that skipped the form says the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, override

from welcoming.community import vocab
from welcoming.community.models import Offer
from welcoming.lib.i18n import LANGUAGE_CODES

Kind = Offer.Kind

# the public address of each kind's form, /{lang}/offer/<slug>/
KIND_SLUGS: dict[str, str] = {
    "housing": Kind.HOUSING,
    "room": Kind.HOST_ROOM,
    "goods": Kind.GOODS,
    "time": Kind.VOLUNTEER,
    "mentoring": Kind.MENTORING,
    "work": Kind.JOB,
}
SLUG_OF: dict[str, str] = {kind: slug for slug, kind in KIND_SLUGS.items()}

# the offer's own fields each kind asks, in the order the form shows them
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    Kind.HOUSING: (
        "area",
        "address",
        "bedrooms",
        "beds",
        "rent_monthly",
        "floor",
        "lift",
        "step_free",
        "pets_allowed",
        "furnished",
        "available_from",
        "available_until",
        "description",
    ),
    Kind.HOST_ROOM: (
        "area",
        "address",
        "beds",
        "duration_weeks",
        "available_from",
        "host_household",
        "languages",
        "pets_allowed",
        "step_free",
        "description",
    ),
    Kind.GOODS: ("item", "capacity", "condition", "area", "needs_storage", "description"),
    Kind.VOLUNTEER: ("skills", "hours_per_week", "languages", "area", "description"),
    Kind.MENTORING: ("profession", "languages", "capacity", "description"),
    Kind.JOB: (
        "profession",
        "sector",
        "job_type",
        "paid",
        "hours_per_week",
        "capacity",
        "area",
        "available_from",
        "description",
    ),
}

# the fields that hold what she wrote about a home and the people in it: personal data, wiped on erasure
FREE_TEXT = ("description", "host_household")
# every field an offer's kind may set, and the value it has when the kind does not ask it
DEFAULTS: dict[str, Any] = {
    "area": None,
    "address": "",
    "bedrooms": None,
    "beds": None,
    "rent_monthly": None,
    "floor": None,
    "lift": None,
    "step_free": False,
    "pets_allowed": None,
    "furnished": None,
    "available_from": None,
    "available_until": None,
    "duration_weeks": None,
    "host_household": "",
    "languages": [],
    "item": "",
    "capacity": 1,
    "condition": "",
    "needs_storage": False,
    "skills": [],
    "profession": "",
    "sector": "",
    "job_type": "",
    "paid": None,
    "hours_per_week": None,
    "description": "",
}

# what a kind cannot do without; "area" only where the city has areas to choose from
REQUIRED: dict[str, tuple[str, ...]] = {
    Kind.HOUSING: ("area", "address", "bedrooms", "rent_monthly"),
    Kind.HOST_ROOM: ("area", "address", "beds", "duration_weeks", "languages"),
    Kind.GOODS: ("item", "capacity", "condition", "area"),
    Kind.VOLUNTEER: ("skills",),
    Kind.MENTORING: ("profession", "languages", "capacity"),
    Kind.JOB: ("profession", "sector", "job_type", "capacity"),
}

# the sentence that says what is missing, for each field (and, where it reads differently, per kind)
MISSING: dict[str, Promise] = {
    "area": _("Choose the neighbourhood."),
    "address": _("Write the address of the home: street, number and postal code."),
    "bedrooms": _("Write how many bedrooms there are. Write 0 for a studio."),
    "beds": _("Write how many people you can host."),
    "rent_monthly": _("Write the rent per month. Write 0 if you ask no rent."),
    "duration_weeks": _("Write for how many weeks you can host."),
    "languages": _("Tick at least one language you speak."),
    "item": _("Choose what you are giving."),
    "capacity": _("Write how many."),
    "condition": _("Choose the condition."),
    "skills": _("Tick at least one thing you can help with."),
    "profession": _("Write your profession."),
    "sector": _("Choose the sector."),
    "job_type": _("Choose the kind of work."),
    "paid": _("Say whether the internship is paid."),
}
MISSING_BY_KIND: dict[tuple[str, str], Promise] = {
    (Kind.GOODS, "area"): _("Choose the neighbourhood where it can be picked up."),
    (Kind.GOODS, "capacity"): _("Write how many you are giving."),
    (Kind.MENTORING, "capacity"): _("Write how many people you can mentor."),
    (Kind.JOB, "capacity"): _("Write how many positions there are."),
    (Kind.JOB, "profession"): _("Write what the work is, for example: kitchen assistant."),
}

# the largest number each number field takes, and its smallest
LIMITS: dict[str, tuple[int, int]] = {
    "bedrooms": (0, 12),
    "beds": (1, 20),
    "floor": (-3, 80),
    "duration_weeks": (1, 104),
    "hours_per_week": (1, 60),
}
CAPACITY_LIMITS: dict[str, int] = {
    Kind.HOUSING: 1,
    Kind.HOST_ROOM: 1,
    Kind.GOODS: 500,
    Kind.VOLUNTEER: 20,
    Kind.MENTORING: 10,
    Kind.JOB: 100,
}
RENT_LIMIT = Decimal("99999")
LONGEST_TEXT = {"address": 300, "profession": 120, "host_household": 1000, "description": 2000}


def missing(kind: str, field: str) -> Promise:
    return MISSING_BY_KIND.get((kind, field)) or MISSING[field]


def required(kind: str, field: str, *, has_areas: bool) -> bool:
    return field in REQUIRED[kind] and (field != "area" or has_areas)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def problems(
    kind: str, facts: Mapping[str, Any], *, has_areas: bool, today: dt.date | None = None
) -> dict[str, Promise | str]:
    """What is wrong with these facts for this kind, per field, in words she can act on. Empty when
    all is well. Only the kind's own fields are read; the others must not be given."""
    found: dict[str, Promise | str] = {}
    if kind not in KIND_FIELDS:
        return {"kind": _("Choose what you are offering.")}
    fields = KIND_FIELDS[kind]
    strangers = sorted(set(facts) - set(fields))
    if strangers:
        found["kind"] = _("These answers do not belong to this kind of offer: %(fields)s.") % {
            "fields": ", ".join(strangers)
        }
    for field in fields:
        if required(kind, field, has_areas=has_areas) and _empty(facts.get(field)):
            found[field] = missing(kind, field)
    for field, (low, high) in LIMITS.items():
        value = facts.get(field)
        if field in fields and value is not None and not low <= value <= high:
            found[field] = _("Write a number between %(low)d and %(high)d.") % {"low": low, "high": high}
    capacity = facts.get("capacity")
    if "capacity" in fields and capacity is not None and not 1 <= capacity <= CAPACITY_LIMITS[kind]:
        found["capacity"] = _("Write a number between %(low)d and %(high)d.") % {
            "low": 1,
            "high": CAPACITY_LIMITS[kind],
        }
    rent = facts.get("rent_monthly")
    if rent is not None and not Decimal(0) <= rent <= RENT_LIMIT:
        found["rent_monthly"] = _("Write the rent per month as a number, for example 950.")
    for field, longest in LONGEST_TEXT.items():
        if len(str(facts.get(field) or "")) > longest:
            found[field] = _("Please write at most %(count)d characters.") % {"count": longest}
    found.update(_choices_problems(facts))
    found.update(_date_problems(facts, today or timezone.localdate()))
    if kind == Kind.JOB:
        if facts.get("job_type") in (Offer.JobType.JOB, Offer.JobType.SHORT_TERM) and facts.get("paid") is False:
            # only an internship may be unpaid: work offered to newcomers is paid work
            found["paid"] = _("A job or short-term work must be paid. Only an internship may be unpaid.")
        if facts.get("job_type") == Offer.JobType.INTERNSHIP and facts.get("paid") is None:
            found["paid"] = missing(kind, "paid")
    return found


def _choices_problems(facts: Mapping[str, Any]) -> dict[str, Promise | str]:
    found: dict[str, Promise | str] = {}
    if facts.get("item") and facts["item"] not in vocab.ITEMS:
        found["item"] = MISSING["item"]
    if facts.get("sector") and facts["sector"] not in vocab.SECTORS:
        found["sector"] = MISSING["sector"]
    if facts.get("condition") and facts["condition"] not in Offer.Condition.values:
        found["condition"] = MISSING["condition"]
    if facts.get("job_type") and facts["job_type"] not in Offer.JobType.values:
        found["job_type"] = MISSING["job_type"]
    if any(skill not in vocab.SKILLS for skill in facts.get("skills") or []):
        found["skills"] = MISSING["skills"]
    if any(not isinstance(code, str) or not code for code in facts.get("languages") or []):
        found["languages"] = MISSING["languages"]
    return found


def _date_problems(facts: Mapping[str, Any], today: dt.date) -> dict[str, Promise | str]:
    found: dict[str, Promise | str] = {}
    start, end = facts.get("available_from"), facts.get("available_until")
    if end is not None and end < today:
        found["available_until"] = _("This date has passed. Write a date in the future, or leave it empty.")
    elif start is not None and end is not None and end < start:
        found["available_until"] = _("The end must come after the start (%(start)s).") % {"start": start.isoformat()}
    if start is not None and start > today + dt.timedelta(days=731):
        found["available_from"] = _("Write a date within the next two years.")
    return found


def facts_of(offer: Offer) -> dict[str, Any]:
    """The kind's facts as the offer holds them, for a form to start from."""
    return {field: getattr(offer, field) for field in KIND_FIELDS[offer.kind]}


# --- wording ---------------------------------------------------------------------------------------


def area_name(offer: Offer, language: str) -> str:
    if offer.area is None:
        return ""
    # the offer's jurisdiction is at hand; the area's own would cost a query per offer in a list
    return offer.area.localized("name", language, offer.jurisdiction.default_language).text


def describe(offer: Offer, language: str) -> str:
    """The offer in one line, in `language`, from its facts alone (never from what she wrote)."""
    with override(language):
        return _describe(offer, area_name(offer, language))


def _describe(offer: Offer, area: str) -> str:
    kind = offer.kind
    if kind == Kind.HOUSING:
        bedrooms = offer.bedrooms or 0
        if bedrooms == 0:
            flat = gettext_now("Studio flat")
        else:
            flat = ngettext("Flat with %(count)d bedroom", "Flat with %(count)d bedrooms", bedrooms) % {
                "count": bedrooms
            }
        return gettext_now("%(flat)s in %(area)s") % {"flat": flat, "area": area} if area else flat
    if kind == Kind.HOST_ROOM:
        beds = offer.beds or 1
        room = ngettext("A room for %(count)d person", "A room for %(count)d people", beds) % {"count": beds}
        return gettext_now("%(room)s in a home in %(area)s") % {"room": room, "area": area} if area else room
    if kind == Kind.GOODS:
        return gettext_now("%(item)s: %(count)d") % {
            "item": vocab.ITEMS.get(offer.item, offer.item),
            "count": offer.capacity,
        }
    if kind == Kind.VOLUNTEER:
        skills = ", ".join(str(vocab.SKILLS.get(skill, skill)) for skill in offer.skills)
        return gettext_now("Time and skills: %(skills)s") % {"skills": skills}
    if kind == Kind.MENTORING:
        return gettext_now("Mentoring: %(profession)s") % {"profession": offer.profession}
    sector = vocab.SECTORS.get(offer.sector, offer.sector)
    return gettext_now("%(job_type)s: %(work)s (%(sector)s)") % {
        "job_type": Offer.JobType(offer.job_type).label if offer.job_type else "",
        "work": offer.profession,
        "sector": sector,
    }


def _yes_no(value: bool | None) -> str:
    if value is None:
        return gettext_now("Not said")
    return gettext_now("Yes") if value else gettext_now("No")


def language_list(codes: list[str], language: str) -> str:
    from welcoming.triage.wording import language_name

    return ", ".join(language_name(code, language) for code in codes if code)


def fact_rows(offer: Offer, language: str, *, with_address: bool) -> list[tuple[str, str]]:
    """The offer's facts as (label, value) rows in `language`, in the order the form asks them.
    The address of a home only `with_address` (to her, and to the city's coordinators)."""
    rows: list[tuple[str, str]] = []
    with override(language):
        for field in KIND_FIELDS[offer.kind]:
            value = getattr(offer, field)
            if field == "address" and not with_address:
                continue
            if field in FREE_TEXT:
                continue  # shown apart, in her own words and language
            shown = _shown(offer, field, value, language)
            if shown is not None:
                rows.append((str(label(offer.kind, field)), shown))
    return rows


def _shown(offer: Offer, field: str, value: Any, language: str) -> str | None:
    if field in ("lift", "pets_allowed", "furnished", "paid"):
        return _yes_no(value)
    if field in ("step_free", "needs_storage"):
        return _yes_no(bool(value))
    if _empty(value):
        return None
    if field == "area":
        return area_name(offer, language)
    if field == "item":
        return str(vocab.ITEMS.get(value, value))
    if field == "sector":
        return str(vocab.SECTORS.get(value, value))
    if field == "skills":
        return ", ".join(str(vocab.SKILLS.get(skill, skill)) for skill in value)
    if field == "languages":
        return language_list(value, language)
    if field == "condition":
        return str(Offer.Condition(value).label)
    if field == "job_type":
        return str(Offer.JobType(value).label)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))  # 950, not 950.00
    return str(value)


# the label of each field on the form and on every page that shows it; per kind where it reads otherwise
LABELS: dict[str, Promise] = {
    "area": _("Neighbourhood"),
    "address": _("Address of the home (street, number, flat, postal code)"),
    "bedrooms": _("Bedrooms"),
    "beds": _("Beds"),
    "rent_monthly": _("Rent per month, with charges"),
    "floor": _("Floor (0 for the ground floor)"),
    "lift": _("Is there a lift?"),
    "step_free": _("Step-free: no steps from the street to the door and inside"),
    "pets_allowed": _("Are pets welcome?"),
    "furnished": _("Is it furnished?"),
    "available_from": _("Available from"),
    "available_until": _("Available until"),
    "duration_weeks": _("For how many weeks can you host?"),
    "host_household": _("Who lives in your home?"),
    "languages": _("Languages you speak"),
    "item": _("What are you giving?"),
    "capacity": _("How many?"),
    "condition": _("Condition"),
    "needs_storage": _("I cannot keep it until it is needed: please collect it for the city's warehouse"),
    "skills": _("What can you help with?"),
    "hours_per_week": _("About how many hours a week?"),
    "profession": _("Your profession"),
    "sector": _("Sector"),
    "job_type": _("Kind of work"),
    "paid": _("Is it paid?"),
    "description": _("Anything else we should know?"),
}
LABELS_BY_KIND: dict[tuple[str, str], Promise] = {
    (Kind.HOUSING, "beds"): _("Beds in the flat, if it is furnished"),
    (Kind.HOST_ROOM, "beds"): _("How many people can you host?"),
    (Kind.HOST_ROOM, "pets_allowed"): _("Can your guests bring a pet?"),
    (Kind.HOST_ROOM, "available_from"): _("From when can you host?"),
    (Kind.GOODS, "area"): _("Where can it be picked up? (neighbourhood)"),
    (Kind.GOODS, "capacity"): _("How many are you giving?"),
    (Kind.MENTORING, "capacity"): _("How many people can you mentor at the same time?"),
    (Kind.JOB, "profession"): _("What is the work? (for example: kitchen assistant)"),
    (Kind.JOB, "hours_per_week"): _("Hours per week"),
    (Kind.JOB, "capacity"): _("How many positions?"),
    (Kind.JOB, "available_from"): _("Starting from"),
    (Kind.JOB, "area"): _("Where is the work? (neighbourhood)"),
    (Kind.VOLUNTEER, "area"): _("Where can you help? (neighbourhood)"),
}
HELP: dict[tuple[str, str], Promise] = {
    (Kind.HOUSING, "address"): _(
        "Only the city's coordinators see it. We use it to check the building against the city's safety register."
    ),
    (Kind.HOST_ROOM, "address"): _(
        "Only the city's coordinators see it. We use it to check the building against the city's safety register."
    ),
    (Kind.HOUSING, "rent_monthly"): _("Write 0 if you ask no rent."),
    (Kind.HOUSING, "available_until"): _("Leave it empty if there is no end date."),
    (Kind.HOUSING, "bedrooms"): _("Write 0 for a studio."),
    (Kind.HOST_ROOM, "host_household"): _(
        "For example: a couple in their sixties and a cat. No names needed. Only the city's coordinators read it."
    ),
    (Kind.HOST_ROOM, "languages"): _("Your guests will be glad to share a language with you."),
    (Kind.MENTORING, "profession"): _("For example: nurse, electrician, accountant, software developer."),
    (Kind.JOB, "paid"): _("Jobs and short-term work are always paid. Only an internship may be unpaid."),
    (Kind.GOODS, "needs_storage"): _("Leave it unticked if you can keep it and hand it over yourself."),
}
DESCRIPTION_HELP = _(
    "Please do not write your name, address or phone number here: once your offer is published, "
    "the staff who help newcomers read this text."
)


def label(kind: str, field: str) -> Promise:
    return LABELS_BY_KIND.get((kind, field)) or LABELS[field]


def help_text(kind: str, field: str) -> Promise | str:
    if field == "description":
        return DESCRIPTION_HELP
    return HELP.get((kind, field), "")


def known_language(code: str) -> str:
    """The language we write back in: one of the six, else English."""
    return code if code in LANGUAGE_CODES else "en"
