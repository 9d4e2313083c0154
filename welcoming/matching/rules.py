"""Housing rules: may this household live in this flat (or this room in a host's home)? Plain Python,
no Django.

The Montréal decision tool, generalised. Each rule gives a `Finding`: it passes, flags the flat for a
person to check, or blocks it, with a code and the numbers behind it so that `wording.explain` can say
why in a whole sentence. Which rules block and which only flag is the city's `Policy`.

- occupancy: bedrooms needed by the Canadian National Occupancy Standard (`bedrooms_needed`); fewer
  bedrooms block or flag; `extra_bedrooms_flagged` or more above the need flag the flat as under-used.
  A room in a host's home counts beds instead: at least one per person.
- affordability: rent at most `affordability_share` of the household's monthly income. An unknown
  income only flags.
- building safety: open issues of the building in the city's register. Kinds the policy names block,
  the others flag; closed issues do not count.
- accessibility: when someone cannot use stairs, a flat that is not step-free, or above the ground
  floor without a lift, blocks (or flags); a lift nobody told us about flags.
- pets: a household with pets and a flat that does not allow them is blocked; unknown flags.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

PASS = "pass"  # noqa: S105 (an outcome, not a password)
FLAG = "flag"
BLOCK = "block"
OFF = "off"

RULES = ("occupancy", "affordability", "building", "accessibility", "pets")


def bedrooms_needed(adults: int, couple: bool, children: Sequence[tuple[int, str]]) -> int:
    """Bedrooms a household needs by the Canadian National Occupancy Standard: one for each cohabiting
    couple, each other member aged 18 or over, each same-sex pair of children under 18 and each
    remaining child, except that a boy and a girl both under 5 may share. A person alone may live in
    a bachelor unit (0 bedrooms). `children` are (age, sex) with sex "m" or "f"."""
    if adults + len(children) == 1:
        return 0
    rooms = 1 + (adults - 2) if couple else adults
    boys = sorted(age for age, sex in children if sex == "m")
    girls = sorted(age for age, sex in children if sex == "f")
    rooms += len(boys) // 2 + len(girls) // 2
    if len(boys) % 2 and len(girls) % 2:
        # any two children of the same sex may share, so the child left over can be the youngest
        rooms += 1 if boys[0] < 5 and girls[0] < 5 else 2
    else:
        rooms += len(boys) % 2 + len(girls) % 2
    return rooms


def bedrooms_range(adults: int, couple: bool, children: Sequence[tuple[int, str]]) -> tuple[int, int]:
    """The fewest and the most bedrooms the standard can ask for when some children's sex is not
    given ("" instead of "m" or "f"): every way of telling them is tried (with many such children,
    only the splits that give the youngest the same sex). Equal when every child's sex is known."""
    known = [(age, sex) for age, sex in children if sex in ("m", "f")]
    unknown = sorted(age for age, sex in children if sex not in ("m", "f"))
    if not unknown:
        needed = bedrooms_needed(adults, couple, known)
        return needed, needed
    if len(unknown) <= 10:
        ways = [
            [(age, "m" if mask >> i & 1 else "f") for i, age in enumerate(unknown)] for mask in range(1 << len(unknown))
        ]
    else:
        ways = [[(age, "m" if i < boys else "f") for i, age in enumerate(unknown)] for boys in range(len(unknown) + 1)]
    counts = [bedrooms_needed(adults, couple, known + way) for way in ways]
    return min(counts), max(counts)


@dataclass(frozen=True)
class Household:
    adults: int
    couple: bool
    children: tuple[tuple[int, str], ...]  # (age, "m" | "f" | "" when not told)
    monthly_income: float | None
    step_free: bool
    pets: bool

    @property
    def size(self) -> int:
        return self.adults + len(self.children)


@dataclass(frozen=True)
class Issue:
    kind: str
    opened_on: date
    closed_on: date | None = None  # a closed issue does not count

    @property
    def open(self) -> bool:
        return self.closed_on is None


@dataclass(frozen=True)
class Unit:
    bedrooms: int | None
    beds: int | None
    rent_monthly: float | None
    step_free: bool
    floor: int | None
    lift: bool | None
    pets_allowed: bool | None
    issues: tuple[Issue, ...] = ()
    # False when no address was given, so the building register could not be asked
    address_known: bool = True


@dataclass(frozen=True)
class Policy:
    occupancy: str = BLOCK  # "block" | "flag" | "off"
    extra_bedrooms_flagged: int = 2  # 0: never flag a flat as under-used
    affordability: str = BLOCK
    affordability_share: float = 0.30
    blocking_issues: frozenset[str] = field(default_factory=frozenset)
    accessibility: str = BLOCK


@dataclass(frozen=True)
class Finding:
    rule: str
    outcome: str  # "pass" | "flag" | "block"
    code: str
    params: dict[str, Any]  # JSON-safe: numbers, strings, lists of strings


def check(unit: Unit, household: Household, policy: Policy, *, room: bool = False) -> list[Finding]:
    """Every rule the policy applies, in the order of `RULES`. `room=True` for a room in a host's
    home: occupancy counts beds (one per person) instead of bedrooms."""
    findings: list[Finding] = []
    if policy.occupancy != OFF:
        findings.append(_beds(unit, household, policy) if room else _bedrooms(unit, household, policy))
    if policy.affordability != OFF:
        findings.append(_affordability(unit, household, policy, room=room))
    findings.extend(_building(unit, policy))
    if policy.accessibility != OFF:
        findings.extend(_accessibility(unit, household, policy))
    findings.append(_pets(unit, household))
    return findings


def blocked(findings: Iterable[Finding]) -> bool:
    return any(finding.outcome == BLOCK for finding in findings)


def flagged(findings: Iterable[Finding]) -> bool:
    return any(finding.outcome == FLAG for finding in findings)


def _bedrooms(unit: Unit, household: Household, policy: Policy) -> Finding:
    fewest, needed = bedrooms_range(household.adults, household.couple, household.children)
    if unit.bedrooms is None:
        return Finding("occupancy", FLAG, "occupancy.bedrooms_unknown", {"needed": needed})
    if unit.bedrooms < fewest:
        params = {"needed": fewest, "bedrooms": unit.bedrooms}
        return Finding("occupancy", policy.occupancy, "occupancy.too_few_bedrooms", params)
    if unit.bedrooms < needed:
        # enough if the children whose sex we were not told may share, too few otherwise
        params = {"needed": needed, "fewest": fewest, "bedrooms": unit.bedrooms}
        return Finding("occupancy", FLAG, "occupancy.depends_on_children", params)
    params = {"needed": needed, "bedrooms": unit.bedrooms}
    extra = unit.bedrooms - needed
    if policy.extra_bedrooms_flagged > 0 and extra >= policy.extra_bedrooms_flagged:
        return Finding("occupancy", FLAG, "occupancy.under_used", {**params, "extra": extra})
    return Finding("occupancy", PASS, "occupancy.fits", params)


def _beds(unit: Unit, household: Household, policy: Policy) -> Finding:
    if unit.beds is None:
        return Finding("occupancy", FLAG, "occupancy.beds_unknown", {"people": household.size})
    params = {"people": household.size, "beds": unit.beds}
    if unit.beds < household.size:
        return Finding("occupancy", policy.occupancy, "occupancy.too_few_beds", params)
    return Finding("occupancy", PASS, "occupancy.beds_fit", params)


def _affordability(unit: Unit, household: Household, policy: Policy, *, room: bool) -> Finding:
    limit = round(policy.affordability_share * 100)
    rent = unit.rent_monthly
    if rent is None and not room:
        return Finding("affordability", FLAG, "affordability.rent_unknown", {"limit": limit})
    if not rent:
        return Finding("affordability", PASS, "affordability.no_rent", {})
    income = household.monthly_income
    if income is None:
        return Finding("affordability", FLAG, "affordability.income_unknown", {"rent": rent, "limit": limit})
    if income <= 0:
        return Finding("affordability", policy.affordability, "affordability.no_income", {"rent": rent})
    share = rent / income
    params = {"rent": rent, "income": income, "share": round(share * 100), "limit": limit}
    # a hair of tolerance: 750 of 2,500 is exactly 30 %, not 30.000000001 %
    if share <= policy.affordability_share + 1e-9:
        return Finding("affordability", PASS, "affordability.within", params)
    return Finding("affordability", policy.affordability, "affordability.over", params)


def _building(unit: Unit, policy: Policy) -> list[Finding]:
    if not unit.address_known:
        return [Finding("building", FLAG, "building.no_address", {})]
    since: dict[str, date] = {}
    for issue in unit.issues:
        if issue.open and (issue.kind not in since or issue.opened_on < since[issue.kind]):
            since[issue.kind] = issue.opened_on
    if not since:
        return [Finding("building", PASS, "building.no_open_issues", {})]
    findings = []
    # blocking kinds first, then by how long the issue has been open
    for kind, opened in sorted(since.items(), key=lambda item: (item[0] not in policy.blocking_issues, item[1])):
        outcome = BLOCK if kind in policy.blocking_issues else FLAG
        params = {"kind": kind, "since": opened.isoformat()}
        findings.append(Finding("building", outcome, "building.open_issue", params))
    return findings


def _accessibility(unit: Unit, household: Household, policy: Policy) -> list[Finding]:
    if not household.step_free:
        return [Finding("accessibility", PASS, "accessibility.not_needed", {})]
    findings = []
    if not unit.step_free:
        findings.append(Finding("accessibility", policy.accessibility, "accessibility.not_step_free", {}))
    if unit.floor is None:
        findings.append(Finding("accessibility", FLAG, "accessibility.floor_unknown", {}))
    elif unit.floor != 0 and unit.lift is False:
        findings.append(Finding("accessibility", policy.accessibility, "accessibility.no_lift", {"floor": unit.floor}))
    elif unit.floor != 0 and unit.lift is None:
        findings.append(Finding("accessibility", FLAG, "accessibility.lift_unknown", {"floor": unit.floor}))
    if not findings:
        findings.append(Finding("accessibility", PASS, "accessibility.step_free", {"floor": unit.floor}))
    return findings


def _pets(unit: Unit, household: Household) -> Finding:
    if not household.pets:
        return Finding("pets", PASS, "pets.none", {})
    if unit.pets_allowed is False:
        return Finding("pets", BLOCK, "pets.not_allowed", {})
    if unit.pets_allowed is None:
        return Finding("pets", FLAG, "pets.unknown", {})
    return Finding("pets", PASS, "pets.allowed", {})
