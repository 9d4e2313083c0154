"""The public "check a flat" page: six languages, no account, nothing stored."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from welcoming.matching.register import load_demo_housing
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db

URL = "/{lang}/housing/check/"

# a couple with a boy of 7 and a girl of 3: three bedrooms by the national standard
FAMILY = {
    "adults": "2",
    "couple": "on",
    "child_age_1": "7",
    "child_sex_1": "m",
    "child_age_2": "3",
    "child_sex_2": "f",
    "income": "2500",
}


def rows_in_database() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def read(page: Any) -> str:
    return html.unescape(page.content.decode())


def post(client: Client, lang: str = "en", **answers: str) -> Any:
    return client.post(
        URL.format(lang=lang), {"place": "flat", "lift": "unknown", "pets_allowed": "unknown", **answers}
    )


@pytest.fixture
def demo(riverton: Jurisdiction) -> Jurisdiction:
    load_demo_housing(riverton)
    return riverton


def test_the_page_asks_for_the_flat_and_the_household_and_says_nothing_is_kept(
    anonymous: Client, demo: Jurisdiction
) -> None:
    page = anonymous.get(URL.format(lang="en"))
    text = read(page)
    assert page.status_code == 200
    assert "Nothing you type here is kept" in text
    assert "Why we ask whether each child is a girl or a boy" in text
    assert 'name="child_age_8"' in text and 'name="income"' in text
    assert "<script>" not in text and " style=" not in text  # the page's CSP forbids inline code


def test_a_flat_too_small_and_too_dear_is_shown_as_a_problem_with_its_numbers(
    anonymous: Client, demo: Jurisdiction
) -> None:
    before = rows_in_database()
    page = post(anonymous, bedrooms="2", rent="950", floor="0", **FAMILY)
    text = read(page)
    assert page.status_code == 200
    assert "This flat does not meet the city's housing rules" in text
    assert "The household needs 3 bedrooms by the national occupancy standard; this flat has 2." in text
    assert "Rent 950 is 38 % of the household's income of 2,500; the city's limit is 30 %." in text
    assert "What to do:" in text
    assert rows_in_database() == before
    assert page["Cache-Control"] == "private, no-store"


def test_a_flat_that_fits_passes_every_rule(anonymous: Client, demo: Jurisdiction) -> None:
    before = rows_in_database()
    page = post(anonymous, address="7 Quiet Lane", bedrooms="3", rent="700", floor="0", **FAMILY)
    text = read(page)
    assert "This flat meets the city's housing rules for this household." in text
    assert "Rent 700 is 28 % of the household's income of 2,500, within the city's limit of 30 %." in text
    assert "The city's register shows no open inspection issue for this building." in text
    assert "A problem" not in text.split('id="answer"')[1].split("</section>")[0]
    assert rows_in_database() == before


def test_a_building_with_open_bedbugs_is_a_problem_however_its_address_is_written(
    anonymous: Client, demo: Jurisdiction
) -> None:
    page = post(anonymous, address="Apt 3, 12 harbour st", bedrooms="3", rent="700", floor="0", **FAMILY)
    text = read(page)
    assert "The city's register shows bedbugs in this building, not yet resolved." in text
    assert "reported on" not in text  # the public page says the kind of issue, nothing more
    assert "This flat does not meet" in text


def test_open_mould_is_to_check_rather_than_a_problem(anonymous: Client, demo: Jurisdiction) -> None:
    page = post(anonymous, address="48 Mill Rd.", bedrooms="3", rent="700", floor="0", **FAMILY)
    text = read(page)
    assert "The city's register shows mould or damp in this building, not yet resolved." in text
    assert "Nothing rules this flat out, but some things need checking" in text


def test_an_unknown_income_is_to_check_and_says_so(anonymous: Client, demo: Jurisdiction) -> None:
    answers = {**FAMILY, "income": ""}
    text = read(post(anonymous, bedrooms="3", rent="900", floor="0", address="7 Quiet Lane", **answers))
    assert "Income unknown: without it we cannot tell whether a rent of 900" in text
    assert "To check" in text


def test_upstairs_without_a_lift_is_a_problem_for_someone_who_cannot_use_stairs(
    anonymous: Client, demo: Jurisdiction
) -> None:
    text = read(
        post(anonymous, bedrooms="3", rent="700", floor="3", lift="no", step_free="on", step_free_flat="on", **FAMILY)
    )
    assert "The flat is on floor 3 and the building has no lift." in text


def test_pets_in_a_flat_that_forbids_them_are_a_problem(anonymous: Client, demo: Jurisdiction) -> None:
    text = read(post(anonymous, bedrooms="3", rent="700", floor="0", pets="on", pets_allowed="no", **FAMILY))
    assert "The household has pets, and this flat does not allow them." in text


def test_a_room_in_a_home_counts_beds(anonymous: Client, demo: Jurisdiction) -> None:
    text = read(post(anonymous, place="room", beds="3", rent="", floor="0", **FAMILY))
    assert "The household has 4 people and needs a bed each; this room has 3." in text
    assert "There is no rent to pay." in text


def test_a_child_without_an_age_is_asked_for_and_nothing_else_is_answered(
    anonymous: Client, demo: Jurisdiction
) -> None:
    text = read(post(anonymous, bedrooms="3", child_sex_1="f"))
    assert "Give this child's age, or leave the row empty." in text
    assert 'id="answer"' not in text


def test_in_arabic_the_page_is_right_to_left_and_the_answer_has_its_numbers(
    anonymous: Client, demo: Jurisdiction, settings: Any
) -> None:
    before = rows_in_database()
    page = post(anonymous, lang="ar", bedrooms="2", rent="950", floor="0", **FAMILY)
    text = read(page)
    assert page.status_code == 200
    assert '<html lang="ar" dir="rtl">' in text
    assert 'class="verdict block"' in text
    # whatever the catalogue's wording, the figures are there
    for figure in ("950", "38", "30", "3", "2"):
        assert figure in text.split('id="answer"')[1]
    assert rows_in_database() == before


@pytest.mark.parametrize("lang", ["en", "fr", "ar", "uk", "es", "fa"])
def test_the_page_opens_in_each_language(anonymous: Client, demo: Jurisdiction, lang: str) -> None:
    page = anonymous.get(URL.format(lang=lang))
    assert page.status_code == 200
    assert f'<html lang="{lang}"' in read(page)
