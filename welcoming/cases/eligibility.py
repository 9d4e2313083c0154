"""Who may get which city programme: plain data in, a yes / no / not-yet-known per programme out,
each with the reasons and the numbers behind them.

The same rules answer the anonymous screener on the portal and decide the proposal staff see on an
application, so the two never disagree. Deterministic and free of Django, so it can be tested alone.

Rules of one programme:
- income: the household's yearly income must be at or under the limit for its size; limits come as
  a table for sizes 1..N, and each person beyond N adds a fixed increment;
- residence: some programmes are only for households living in the jurisdiction;
- age band: either the applicant, or at least one member of the household (the applicant
  included), must be within the band's ages (both ends included; either end may be open).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

MAX_HOUSEHOLD = 30
MAX_AGE = 120


class Outcome(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not-eligible"
    UNKNOWN = "unknown"  # a rule needs something she has not said (an age)


class AgeOf(StrEnum):
    APPLICANT = "applicant"
    ANY_MEMBER = "member"  # at least one member of the household, the applicant included


class Code(StrEnum):
    LIVES_HERE = "lives-here"
    LIVES_ELSEWHERE = "lives-elsewhere"
    INCOME_WITHIN_LIMIT = "income-within-limit"
    INCOME_OVER_LIMIT = "income-over-limit"
    APPLICANT_AGE_IN_BAND = "applicant-age-in-band"
    APPLICANT_AGE_OUTSIDE_BAND = "applicant-age-outside-band"
    APPLICANT_AGE_UNKNOWN = "applicant-age-unknown"
    MEMBER_AGE_IN_BAND = "member-age-in-band"
    NO_MEMBER_AGE_IN_BAND = "no-member-age-in-band"
    MEMBER_AGES_UNKNOWN = "member-ages-unknown"


@dataclass(frozen=True)
class Rules:
    """One programme's rules. `income_limits[i]` is the limit for a household of i + 1 people."""

    key: str
    income_limits: tuple[int, ...] = ()
    each_additional: int = 0
    must_live_here: bool = True
    age_min: int | None = None
    age_max: int | None = None
    age_of: AgeOf = AgeOf.APPLICANT

    @property
    def has_age_band(self) -> bool:
        return self.age_min is not None or self.age_max is not None

    def in_band(self, age: int) -> bool:
        return (self.age_min is None or age >= self.age_min) and (self.age_max is None or age <= self.age_max)


@dataclass(frozen=True)
class Household:
    """What is declared: how many people, their yearly income together, whether they live in the
    jurisdiction, the applicant's age, and the ages known of the others."""

    size: int
    income: int
    lives_here: bool
    applicant_age: int | None = None
    other_ages: tuple[int, ...] = ()

    @property
    def ages_known(self) -> tuple[int, ...]:
        return ((self.applicant_age,) if self.applicant_age is not None else ()) + self.other_ages

    @property
    def everyone_aged(self) -> bool:
        return len(self.ages_known) >= self.size


@dataclass(frozen=True)
class Reason:
    """One rule's verdict: `met` is True, False, or None when it cannot be told yet."""

    code: Code
    met: bool | None
    numbers: Mapping[str, int | None] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"code": str(self.code), "met": self.met, "numbers": dict(self.numbers)}


@dataclass(frozen=True)
class Result:
    programme: str
    outcome: Outcome
    reasons: tuple[Reason, ...]

    @property
    def eligible(self) -> bool:
        return self.outcome == Outcome.ELIGIBLE


def income_limit(rules: Rules, size: int) -> int:
    """The income limit for a household of `size`: from the table, or its last row plus the
    increment for each person beyond it."""
    if size < 1:
        raise ValueError("a household has at least one person")
    if not rules.income_limits:
        raise ValueError(f"programme {rules.key} has no income limits")
    table = rules.income_limits
    if size <= len(table):
        return table[size - 1]
    return table[-1] + (size - len(table)) * rules.each_additional


def problems(household: Household) -> list[str]:
    """What does not make sense in the declared household (empty when it is fine)."""
    found = []
    if not 1 <= household.size <= MAX_HOUSEHOLD:
        found.append(f"household size must be between 1 and {MAX_HOUSEHOLD}")
    if household.income < 0:
        found.append("income cannot be negative")
    ages = household.ages_known
    if any(not 0 <= age <= MAX_AGE for age in ages):
        found.append(f"ages must be between 0 and {MAX_AGE}")
    if len(ages) > household.size:
        found.append("more ages than people in the household")
    return found


def rule_problems(rules: Rules) -> list[str]:
    """What is wrong with a programme's rules as written by staff (empty when they are sound)."""
    found = []
    if not rules.income_limits:
        found.append("give the income limit for at least a household of one")
    if any(limit < 0 for limit in rules.income_limits) or rules.each_additional < 0:
        found.append("income limits cannot be negative")
    if any(later < earlier for earlier, later in zip(rules.income_limits, rules.income_limits[1:], strict=False)):
        found.append("a larger household cannot have a lower income limit")
    if rules.age_min is not None and rules.age_max is not None and rules.age_min > rules.age_max:
        found.append("the youngest age of the band is above the oldest")
    return found


def _residence(rules: Rules, household: Household) -> Reason | None:
    if not rules.must_live_here:
        return None
    if household.lives_here:
        return Reason(Code.LIVES_HERE, True)
    return Reason(Code.LIVES_ELSEWHERE, False)


def _income(rules: Rules, household: Household) -> Reason:
    limit = income_limit(rules, household.size)
    numbers = {"income": household.income, "limit": limit, "size": household.size}
    # at the limit exactly is within it
    if household.income <= limit:
        return Reason(Code.INCOME_WITHIN_LIMIT, True, numbers)
    return Reason(Code.INCOME_OVER_LIMIT, False, numbers)


def _age(rules: Rules, household: Household) -> Reason | None:
    if not rules.has_age_band:
        return None
    band = {"min": rules.age_min, "max": rules.age_max}
    if rules.age_of == AgeOf.APPLICANT:
        age = household.applicant_age
        if age is None:
            return Reason(Code.APPLICANT_AGE_UNKNOWN, None, band)
        if rules.in_band(age):
            return Reason(Code.APPLICANT_AGE_IN_BAND, True, {"age": age, **band})
        return Reason(Code.APPLICANT_AGE_OUTSIDE_BAND, False, {"age": age, **band})
    within = sorted(age for age in household.ages_known if rules.in_band(age))
    if within:
        return Reason(Code.MEMBER_AGE_IN_BAND, True, {"age": within[0], **band})
    if not household.everyone_aged:
        return Reason(Code.MEMBER_AGES_UNKNOWN, None, band)
    return Reason(Code.NO_MEMBER_AGE_IN_BAND, False, band)


def assess(rules: Rules, household: Household) -> Result:
    """Every rule is weighed, even after one fails, so that she sees the whole picture."""
    wrong = problems(household)
    if wrong:
        raise ValueError("; ".join(wrong))
    reasons = tuple(
        reason
        for reason in (_residence(rules, household), _income(rules, household), _age(rules, household))
        if reason is not None
    )
    if any(reason.met is False for reason in reasons):
        outcome = Outcome.NOT_ELIGIBLE
    elif any(reason.met is None for reason in reasons):
        outcome = Outcome.UNKNOWN
    else:
        outcome = Outcome.ELIGIBLE
    return Result(programme=rules.key, outcome=outcome, reasons=reasons)


def assess_all(programmes: Iterable[Rules], household: Household) -> list[Result]:
    """One result per programme, in the order given."""
    return [assess(rules, household) for rules in programmes]


def parse_ages(text: str) -> tuple[int, ...]:
    """Ages as written, "34, 31; 6" (Arabic commas and Arabic-Indic digits too) → (34, 31, 6). ValueError when a
    part is not a whole number of years."""
    ages = []
    for part in text.replace("،", ",").replace(";", ",").replace(" ", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdecimal():
            raise ValueError(f"not an age: {part!r}")
        age = int(part)
        if age > MAX_AGE:
            raise ValueError(f"not an age: {part!r}")
        ages.append(age)
    return tuple(ages)


def limits_table(rules: Rules, sizes: Sequence[int]) -> list[tuple[int, int]]:
    """(size, limit) for each of `sizes`, for showing the table."""
    return [(size, income_limit(rules, size)) for size in sizes]
