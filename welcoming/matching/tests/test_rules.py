from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from welcoming.matching.rules import (
    Finding,
    Household,
    Issue,
    Policy,
    Unit,
    bedrooms_needed,
    bedrooms_range,
    blocked,
    check,
)


@pytest.mark.parametrize(
    ("adults", "couple", "children", "rooms"),
    [
        (1, False, [], 0),  # a person alone: a bachelor unit
        (2, True, [], 1),
        (2, False, [], 2),  # two adults who are not a couple
        (1, False, [(6, "f")], 2),  # a parent and her daughter
        (2, True, [(7, "m"), (10, "m")], 2),  # two boys share
        (2, True, [(3, "m"), (4, "f")], 2),  # a boy and a girl under 5 share
        (2, True, [(7, "m"), (3, "f")], 3),  # a boy of 7 and a girl of 3 do not
        (2, True, [(2, "m"), (9, "m"), (4, "f")], 3),  # three children need two rooms however they pair
        (3, True, [], 2),  # a couple and a grandmother
    ],
)
def test_bedrooms_follow_the_national_occupancy_standard(
    adults: int, couple: bool, children: list[tuple[int, str]], rooms: int
) -> None:
    assert bedrooms_needed(adults, couple, children) == rooms


# -- the rules, case by case

FLAT = Unit(bedrooms=2, beds=None, rent_monthly=750.0, step_free=False, floor=0, lift=None, pets_allowed=None)
FAMILY = Household(
    adults=2, couple=True, children=((7, "m"), (3, "f")), monthly_income=2500.0, step_free=False, pets=False
)
POLICY = Policy(blocking_issues=frozenset({"bedbugs", "pests", "fire", "structure"}))


def finding(findings: list[Finding], rule: str) -> Finding:
    [only] = [f for f in findings if f.rule == rule]
    return only


def test_a_household_is_its_adults_and_children() -> None:
    assert FAMILY.size == 4


def test_a_flat_with_fewer_bedrooms_than_the_household_needs_is_blocked() -> None:
    result = finding(check(FLAT, FAMILY, POLICY), "occupancy")
    assert (result.outcome, result.code, result.params) == (
        "block",
        "occupancy.too_few_bedrooms",
        {"needed": 3, "bedrooms": 2},
    )


def test_a_city_that_only_flags_crowding_flags_it_instead_of_blocking() -> None:
    result = finding(check(FLAT, FAMILY, replace(POLICY, occupancy="flag")), "occupancy")
    assert result.outcome == "flag"


def test_a_city_that_does_not_check_occupancy_gets_no_occupancy_finding() -> None:
    assert not [f for f in check(FLAT, FAMILY, replace(POLICY, occupancy="off")) if f.rule == "occupancy"]


def test_a_flat_with_as_many_bedrooms_as_needed_passes() -> None:
    result = finding(check(replace(FLAT, bedrooms=3), FAMILY, POLICY), "occupancy")
    assert (result.outcome, result.code) == ("pass", "occupancy.fits")


def test_a_flat_with_the_policys_extra_bedrooms_is_flagged_as_under_used() -> None:
    result = finding(check(replace(FLAT, bedrooms=5), FAMILY, POLICY), "occupancy")
    assert (result.outcome, result.code, result.params["extra"]) == ("flag", "occupancy.under_used", 2)


def test_one_extra_bedroom_is_not_under_use_when_the_policy_flags_two() -> None:
    assert finding(check(replace(FLAT, bedrooms=4), FAMILY, POLICY), "occupancy").outcome == "pass"


def test_a_policy_with_no_extra_bedroom_limit_never_flags_under_use() -> None:
    result = finding(check(replace(FLAT, bedrooms=9), FAMILY, replace(POLICY, extra_bedrooms_flagged=0)), "occupancy")
    assert result.outcome == "pass"


def test_a_flat_whose_bedrooms_are_unknown_is_flagged() -> None:
    result = finding(check(replace(FLAT, bedrooms=None), FAMILY, POLICY), "occupancy")
    assert (result.outcome, result.code, result.params) == ("flag", "occupancy.bedrooms_unknown", {"needed": 3})


def test_a_room_in_a_home_needs_a_bed_for_each_person() -> None:
    room = replace(FLAT, bedrooms=1, beds=3)
    result = finding(check(room, FAMILY, POLICY, room=True), "occupancy")
    assert (result.outcome, result.code, result.params) == ("block", "occupancy.too_few_beds", {"people": 4, "beds": 3})


def test_a_room_with_enough_beds_passes_whatever_its_bedrooms() -> None:
    room = replace(FLAT, bedrooms=1, beds=4)
    assert finding(check(room, FAMILY, POLICY, room=True), "occupancy").code == "occupancy.beds_fit"


def test_a_room_whose_beds_are_unknown_is_flagged() -> None:
    assert finding(check(FLAT, FAMILY, POLICY, room=True), "occupancy").code == "occupancy.beds_unknown"


def test_a_rent_within_the_share_of_income_passes_and_says_the_share_reached() -> None:
    result = finding(check(FLAT, FAMILY, POLICY), "affordability")
    assert (result.outcome, result.code) == ("pass", "affordability.within")
    assert result.params == {"rent": 750.0, "income": 2500.0, "share": 30, "limit": 30}


def test_a_rent_above_the_share_of_income_is_blocked_with_the_share_reached() -> None:
    result = finding(check(replace(FLAT, rent_monthly=950.0), FAMILY, POLICY), "affordability")
    assert (result.outcome, result.code) == ("block", "affordability.over")
    assert result.params == {"rent": 950.0, "income": 2500.0, "share": 38, "limit": 30}


def test_a_city_with_a_higher_share_lets_the_same_rent_pass() -> None:
    policy = replace(POLICY, affordability_share=0.40)
    assert finding(check(replace(FLAT, rent_monthly=950.0), FAMILY, policy), "affordability").outcome == "pass"


def test_an_unknown_income_is_a_flag_not_a_block() -> None:
    household = replace(FAMILY, monthly_income=None)
    result = finding(check(FLAT, household, POLICY), "affordability")
    assert (result.outcome, result.code, result.params) == (
        "flag",
        "affordability.income_unknown",
        {"rent": 750.0, "limit": 30},
    )


def test_no_income_at_all_follows_the_policy() -> None:
    household = replace(FAMILY, monthly_income=0.0)
    result = finding(check(FLAT, household, POLICY), "affordability")
    assert (result.outcome, result.code) == ("block", "affordability.no_income")


def test_an_unknown_rent_is_flagged() -> None:
    result = finding(check(replace(FLAT, rent_monthly=None), FAMILY, POLICY), "affordability")
    assert (result.outcome, result.code) == ("flag", "affordability.rent_unknown")


def test_a_free_room_in_a_home_passes_affordability() -> None:
    result = finding(check(replace(FLAT, rent_monthly=None, beds=4), FAMILY, POLICY, room=True), "affordability")
    assert (result.outcome, result.code) == ("pass", "affordability.no_rent")


def test_a_building_with_no_open_issue_passes() -> None:
    closed = Issue("bedbugs", date(2024, 1, 5), closed_on=date(2024, 3, 1))
    [result] = [f for f in check(replace(FLAT, issues=(closed,)), FAMILY, POLICY) if f.rule == "building"]
    assert (result.outcome, result.code) == ("pass", "building.no_open_issues")


def test_an_open_issue_of_a_blocking_kind_blocks_and_another_kind_flags() -> None:
    issues = (Issue("mould", date(2025, 2, 1)), Issue("bedbugs", date(2025, 3, 3)), Issue("bedbugs", date(2025, 1, 9)))
    found = [f for f in check(replace(FLAT, issues=issues), FAMILY, POLICY) if f.rule == "building"]
    assert [(f.outcome, f.params) for f in found] == [
        ("block", {"kind": "bedbugs", "since": "2025-01-09"}),
        ("flag", {"kind": "mould", "since": "2025-02-01"}),
    ]


def test_a_flat_without_an_address_is_flagged_because_the_register_could_not_be_asked() -> None:
    [result] = [f for f in check(replace(FLAT, address_known=False), FAMILY, POLICY) if f.rule == "building"]
    assert (result.outcome, result.code) == ("flag", "building.no_address")


STEP_FREE = replace(FAMILY, step_free=True)


def test_step_free_access_passes_when_nobody_needs_it() -> None:
    assert finding(check(FLAT, FAMILY, POLICY), "accessibility").code == "accessibility.not_needed"


def test_a_flat_that_is_not_step_free_is_blocked_for_someone_who_cannot_use_stairs() -> None:
    result = finding(check(FLAT, STEP_FREE, POLICY), "accessibility")
    assert (result.outcome, result.code) == ("block", "accessibility.not_step_free")


def test_a_step_free_flat_on_the_ground_floor_passes() -> None:
    result = finding(check(replace(FLAT, step_free=True), STEP_FREE, POLICY), "accessibility")
    assert (result.outcome, result.code) == ("pass", "accessibility.step_free")


def test_a_flat_above_the_ground_floor_without_a_lift_is_blocked() -> None:
    result = finding(check(replace(FLAT, step_free=True, floor=3, lift=False), STEP_FREE, POLICY), "accessibility")
    assert (result.outcome, result.code, result.params) == ("block", "accessibility.no_lift", {"floor": 3})


def test_a_flat_above_the_ground_floor_with_a_lift_passes() -> None:
    result = finding(check(replace(FLAT, step_free=True, floor=3, lift=True), STEP_FREE, POLICY), "accessibility")
    assert result.outcome == "pass"


def test_an_unknown_lift_above_the_ground_floor_is_flagged() -> None:
    result = finding(check(replace(FLAT, step_free=True, floor=2, lift=None), STEP_FREE, POLICY), "accessibility")
    assert (result.outcome, result.code) == ("flag", "accessibility.lift_unknown")


def test_an_unknown_floor_is_flagged_for_someone_who_cannot_use_stairs() -> None:
    result = finding(check(replace(FLAT, step_free=True, floor=None), STEP_FREE, POLICY), "accessibility")
    assert (result.outcome, result.code) == ("flag", "accessibility.floor_unknown")


def test_a_city_that_only_flags_access_flags_a_flat_with_stairs() -> None:
    findings = check(replace(FLAT, floor=4, lift=False), STEP_FREE, replace(POLICY, accessibility="flag"))
    assert {f.outcome for f in findings if f.rule == "accessibility"} == {"flag"}
    assert not blocked([f for f in findings if f.rule == "accessibility"])


def test_a_household_with_pets_is_blocked_from_a_flat_that_does_not_allow_them() -> None:
    result = finding(check(replace(FLAT, pets_allowed=False), replace(FAMILY, pets=True), POLICY), "pets")
    assert (result.outcome, result.code) == ("block", "pets.not_allowed")


def test_a_household_with_pets_is_flagged_when_the_flat_does_not_say() -> None:
    assert finding(check(FLAT, replace(FAMILY, pets=True), POLICY), "pets").outcome == "flag"


def test_a_household_with_pets_passes_where_pets_are_allowed() -> None:
    assert (
        finding(check(replace(FLAT, pets_allowed=True), replace(FAMILY, pets=True), POLICY), "pets").outcome == "pass"
    )


def test_a_household_without_pets_passes_whatever_the_flat_allows() -> None:
    assert finding(check(replace(FLAT, pets_allowed=False), FAMILY, POLICY), "pets").outcome == "pass"


def test_a_flat_that_fits_in_every_way_is_not_blocked() -> None:
    findings = check(replace(FLAT, bedrooms=3), FAMILY, POLICY)
    assert [f.rule for f in findings] == ["occupancy", "affordability", "building", "accessibility", "pets"]
    assert {f.outcome for f in findings} == {"pass"}
    assert not blocked(findings)


def test_one_blocking_finding_blocks_the_flat() -> None:
    assert blocked(check(FLAT, FAMILY, POLICY))


def test_children_whose_sex_is_not_given_are_counted_every_way() -> None:
    assert bedrooms_range(2, True, [(7, "m"), (10, "m")]) == (2, 2)
    assert bedrooms_range(2, True, [(7, "m"), (10, "")]) == (2, 3)
    assert bedrooms_range(2, True, [(3, ""), (4, "")]) == (2, 2)  # under 5, they may share either way


def test_a_flat_that_fits_only_if_the_children_may_share_is_flagged_not_blocked() -> None:
    household = replace(FAMILY, children=((7, "m"), (10, "")))
    result = finding(check(replace(FLAT, bedrooms=2), household, POLICY), "occupancy")
    assert (result.outcome, result.code, result.params) == (
        "flag",
        "occupancy.depends_on_children",
        {"needed": 3, "fewest": 2, "bedrooms": 2},
    )


def test_a_flat_too_small_however_the_children_pair_is_blocked() -> None:
    household = replace(FAMILY, children=((7, "m"), (10, ""), (12, "")))
    result = finding(check(replace(FLAT, bedrooms=1), household, POLICY), "occupancy")
    assert (result.outcome, result.code, result.params["needed"]) == ("block", "occupancy.too_few_bedrooms", 3)
