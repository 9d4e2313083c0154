"""The Django shell of the housing rules: a city's policy, an offer's facts and a request's household as
the plain values `rules.check` takes, and the building register looked up by address.

`household_facts` reads a request's income (encrypted at rest): the selector that fetched the request
for a person is where that read is audited; matching runs read it as a system task.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from welcoming.community.models import Offer
from welcoming.lib.addresses import building_index
from welcoming.matching import rules
from welcoming.matching.models import BuildingIssue, HousingPolicy, Request
from welcoming.places.models import Jurisdiction


def policy_for(jurisdiction: Jurisdiction) -> rules.Policy:
    """The city's rules, or the defaults of `HousingPolicy` when it has not set any."""
    row = HousingPolicy.objects.filter(jurisdiction=jurisdiction).first() or HousingPolicy(jurisdiction=jurisdiction)
    return policy_from_row(row)


def policy_from_row(row: HousingPolicy) -> rules.Policy:
    return rules.Policy(
        occupancy=row.occupancy,
        extra_bedrooms_flagged=row.extra_bedrooms_flagged,
        affordability=row.affordability,
        affordability_share=float(row.affordability_share),
        blocking_issues=frozenset(str(kind) for kind in row.blocking_issues or ()),
        accessibility=row.accessibility,
    )


def _issue(row: BuildingIssue) -> rules.Issue:
    return rules.Issue(kind=row.kind, opened_on=row.opened_on, closed_on=row.closed_on)


def open_issues(jurisdiction: Jurisdiction, index: str) -> tuple[rules.Issue, ...]:
    """Open issues of the building with this blind index (none for an empty index)."""
    if not index:
        return ()
    rows = BuildingIssue.objects.filter(jurisdiction=jurisdiction, building_index=index, closed_on__isnull=True)
    return tuple(_issue(row) for row in rows.only("kind", "opened_on", "closed_on"))


def open_issues_at(jurisdiction: Jurisdiction, address: str) -> tuple[rules.Issue, ...]:
    """Open issues of the building at `address`, however it is written."""
    return open_issues(jurisdiction, building_index(address))


def open_issues_by_building(jurisdiction: Jurisdiction) -> dict[str, tuple[rules.Issue, ...]]:
    """Every building with open issues, by blind index: one query for a whole matching run."""
    found: defaultdict[str, list[rules.Issue]] = defaultdict(list)
    rows = BuildingIssue.objects.filter(jurisdiction=jurisdiction, closed_on__isnull=True)
    for row in rows.only("building_index", "kind", "opened_on", "closed_on"):
        found[row.building_index].append(_issue(row))
    return {index: tuple(issues) for index, issues in found.items()}


def _float(value: Decimal | float | int | None) -> float | None:
    return None if value is None else float(value)


def unit_facts(offer: Offer, issues_by_building: Mapping[str, tuple[rules.Issue, ...]] | None = None) -> rules.Unit:
    """A housing or host-room offer as the rules see it, with its building's open issues (from
    `issues_by_building` when given, to spare a query per offer)."""
    if issues_by_building is not None:
        issues = issues_by_building.get(offer.building_index, ()) if offer.building_index else ()
    else:
        issues = open_issues(offer.jurisdiction, offer.building_index)
    return rules.Unit(
        bedrooms=offer.bedrooms,
        beds=offer.beds,
        rent_monthly=_float(offer.rent_monthly),
        step_free=offer.step_free,
        floor=offer.floor,
        lift=offer.lift,
        pets_allowed=offer.pets_allowed,
        issues=issues,
        address_known=bool(offer.building_index),
    )


def parse_income(value: str) -> float | None:
    """An income as typed or stored ("2500", "2 500,00", "2,500.50"); None when blank or not a number."""
    text = (value or "").strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." in text:
        text = text.replace(",", "")
    elif "," in text:
        head, _, tail = text.rpartition(",")
        text = f"{head.replace(',', '')}.{tail}" if len(tail) != 3 else text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return float(number) if number.is_finite() and number >= 0 else None


def children_of(raw: object) -> tuple[tuple[int, str], ...]:
    """`Request.children` ([[age, "m"|"f"|""], ...]) as the rules take it; malformed entries are skipped."""
    out: list[tuple[int, str]] = []
    for entry in raw if isinstance(raw, list | tuple) else ():
        if isinstance(entry, list | tuple) and len(entry) == 2:
            age, sex = entry
            if isinstance(age, int | float) and not isinstance(age, bool) and age >= 0:
                # a sex other than "m" or "f" is one we were not told: the rules try both
                out.append((int(age), str(sex) if sex in ("m", "f") else ""))
    return tuple(out)


def household_facts(request: Request) -> rules.Household:
    return rules.Household(
        adults=request.adults,
        couple=request.couple,
        children=children_of(request.children),
        monthly_income=parse_income(request.monthly_income),
        step_free=request.step_free,
        pets=request.pets,
    )


def check_offer(offer: Offer, household: rules.Household, policy: rules.Policy) -> list[rules.Finding]:
    """The rules for one offer: a room in a host's home counts beds, a flat bedrooms."""
    return rules.check(unit_facts(offer), household, policy, room=offer.kind == Offer.Kind.HOST_ROOM)
