"""Every finding of the housing rules in a whole sentence, with its numbers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.utils import translation

from welcoming.matching import rules, wording
from welcoming.matching.rules import Household, Issue, Policy, Unit

FLAT = Unit(bedrooms=2, beds=2, rent_monthly=950.0, step_free=False, floor=3, lift=None, pets_allowed=None)
FAMILY = Household(
    adults=2, couple=True, children=((7, "m"), (3, "f")), monthly_income=2500.0, step_free=True, pets=True
)


def every_finding() -> list[rules.Finding]:
    """A spread of units and households that between them reach every code the rules give."""
    policy = Policy(blocking_issues=frozenset({"bedbugs"}))
    issues = (Issue("bedbugs", date(2025, 1, 9)), Issue("mould", date(2025, 2, 1)))
    cases = [
        (FLAT, FAMILY, False),
        (replace(FLAT, bedrooms=3, step_free=True, floor=0, pets_allowed=True, issues=issues), FAMILY, False),
        (replace(FLAT, bedrooms=6, floor=-1, lift=False, pets_allowed=False), FAMILY, False),
        (replace(FLAT, bedrooms=None, rent_monthly=None, floor=None, address_known=False), FAMILY, False),
        (FLAT, replace(FAMILY, monthly_income=None, step_free=False, pets=False), False),
        (FLAT, replace(FAMILY, monthly_income=0.0, adults=1, couple=False, children=()), False),
        (replace(FLAT, step_free=True, floor=2, lift=True), replace(FAMILY, children=((7, "m"), (9, ""))), False),
        (FLAT, FAMILY, True),
        (replace(FLAT, beds=None, rent_monthly=None), FAMILY, True),
        (replace(FLAT, beds=5, floor=-1), FAMILY, True),
    ]
    return [finding for unit, household, room in cases for finding in rules.check(unit, household, policy, room=room)]


def test_every_code_the_rules_give_has_its_own_sentence() -> None:
    codes = {finding.code for finding in every_finding()}
    assert len(codes) >= 25
    for finding in every_finding():
        text = wording.explain(finding.code, finding.params)
        assert wording.known(finding.code), finding.code
        assert text.endswith("."), text
        assert "%(" not in text and "cannot describe" not in text, text


def test_a_crowded_flat_is_explained_with_both_numbers() -> None:
    assert wording.explain("occupancy.too_few_bedrooms", {"needed": 3, "bedrooms": 2}) == (
        "The household needs 3 bedrooms by the national occupancy standard; this flat has 2."
    )
    assert wording.explain("occupancy.too_few_bedrooms", {"needed": 1, "bedrooms": 0}) == (
        "The household needs 1 bedroom by the national occupancy standard; this flat has 0."
    )


def test_a_rent_over_the_limit_is_explained_with_the_share_reached() -> None:
    params = {"rent": 950.0, "income": 2500.0, "share": 38, "limit": 30}
    assert wording.explain("affordability.over", params) == (
        "Rent 950 is 38 % of the household's income of 2,500; the city's limit is 30 %."
    )


def test_amounts_keep_their_cents_when_they_have_some() -> None:
    params = {"rent": 812.5, "income": 2500.0, "share": 33, "limit": 30}
    assert wording.explain("affordability.over", params).startswith("Rent 812.50 is 33 %")


def test_a_building_issue_is_explained_by_its_kind_with_or_without_its_date() -> None:
    with translation.override("en"):
        dated = wording.explain("building.open_issue", {"kind": "bedbugs", "since": "2025-01-09"})
    assert dated == "The city's register shows bedbugs in this building, reported on Jan. 9, 2025 and not resolved."
    assert wording.explain("building.open_issue", {"kind": "mould"}) == (
        "The city's register shows mould or damp in this building, not yet resolved."
    )


def test_a_flat_upstairs_without_a_lift_says_its_floor() -> None:
    assert (
        wording.explain("accessibility.no_lift", {"floor": 3}) == "The flat is on floor 3 and the building has no lift."
    )


def test_an_unknown_code_or_broken_params_give_a_neutral_sentence_not_an_error() -> None:
    assert "criterion.unheard" in wording.explain("criterion.unheard", {})
    assert "occupancy.too_few_bedrooms" in wording.explain("occupancy.too_few_bedrooms", {"needed": "x"})


def test_what_to_do_is_given_for_each_flag_and_problem_but_not_for_a_pass() -> None:
    for finding in every_finding():
        step = wording.next_step(finding.code)
        if finding.outcome == rules.PASS:
            assert step == "", finding.code
        else:
            assert step.endswith("."), finding.code


@pytest.mark.parametrize("occupancy", ["block", "flag", "off"])
def test_the_policy_is_told_in_whole_sentences(occupancy: str) -> None:
    policy = Policy(occupancy=occupancy, affordability_share=0.35, blocking_issues=frozenset({"bedbugs", "fire"}))
    lines = wording.policy_lines(policy)
    assert all(line.endswith(".") for line in lines)
    assert "Rent may be at most 35 % of the household's income." in lines
    assert any("bedbugs, fire safety" in line for line in lines)


def test_in_french_the_numbers_are_grouped_the_french_way() -> None:
    with translation.override("fr"):
        text = wording.explain("affordability.over", {"rent": 950, "income": 2500, "share": 38, "limit": 30})
    assert "2\u202f500" in text or "2\xa0500" in text or "2 500" in text
