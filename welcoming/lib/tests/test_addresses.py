from __future__ import annotations

import pytest

from welcoming.lib.addresses import building_index, normalise


@pytest.mark.parametrize(
    "written",
    [
        "12 Harbour Street",
        "12 harbour st.",
        "12 HARBOUR ST",
        "12, Harbour Str.",
        "  12   Harbour  Street ",
    ],
)
def test_the_ways_people_write_one_building_give_one_key(written: str) -> None:
    assert normalise(written) == "12 harbour st"


@pytest.mark.parametrize(
    "written",
    [
        "Apt 4, 12 Harbour Street",
        "12 Harbour St #4",
        "12 Harbour St., Unit 4B",
        "4-12 Harbour Street",
        "Flat 3, 12 Harbour Street",
        "12 Harbour Street, 3rd floor",
        "12 Harbour St, Suite 210",
    ],
)
def test_the_flat_within_the_building_is_dropped(written: str) -> None:
    assert normalise(written) == "12 harbour st"


def test_different_buildings_keep_different_keys() -> None:
    keys = {normalise(a) for a in ["12 Harbour Street", "14 Harbour Street", "12 Harbour Road", "12 Mill Street"]}
    assert len(keys) == 4


def test_french_street_words_and_accents_fold_alike() -> None:
    assert normalise("1200, rue Sainte-Catherine Ouest, app. 5") == normalise("1200 R. Ste Catherine O.")
    assert normalise("45 Avenue du Parc") == normalise("45 av. du parc") == "45 ave du parc"
    assert normalise("3 Chemin de la Côte") == normalise("3 ch. de la cote")


def test_a_postal_code_is_kept_without_its_inner_space() -> None:
    assert normalise("12 Harbour St, R1A 2B3") == normalise("12 Harbour Street R1A2B3") == "12 harbour st r1a2b3"


def test_an_empty_address_has_an_empty_key_and_no_index() -> None:
    assert normalise("") == normalise(" , ") == ""
    assert building_index("") == building_index("   ") == ""


def test_the_blind_index_matches_variants_and_does_not_contain_the_address() -> None:
    index = building_index("12 Harbour Street")
    assert index == building_index("Apt 4, 12 harbour st.")
    assert index != building_index("48 Mill Road")
    assert "harbour" not in index.lower() and len(index) == 24
