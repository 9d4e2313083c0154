"""The matching's soft criteria, each a value in [0, 1], on plain numbers (no database)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from welcoming.matching import scoring


def test_every_kind_has_weights_summing_to_100_points() -> None:
    assert set(scoring.DEFAULT_WEIGHTS) == set(scoring.KINDS)
    for kind, weights in scoring.DEFAULT_WEIGHTS.items():
        assert sum(weights.values()) == pytest.approx(100), kind
        assert all(weight > 0 for weight in weights.values())


def test_weights_override_the_defaults_and_refuse_unknown_criteria_or_negative_weights() -> None:
    weights = scoring.weights_for("housing", {"school": 0, "fit": 40})
    assert weights["school"] == 0 and weights["fit"] == 40 and weights["waiting"] == 20
    with pytest.raises(scoring.WeightError, match="housing has no criterion 'views'"):
        scoring.weights_for("housing", {"views": 10})
    with pytest.raises(scoring.WeightError, match="must be a number >= 0"):
        scoring.weights_for("goods", {"fit": -1})
    with pytest.raises(scoring.WeightError, match="no such kind"):
        scoring.weights_for("castle")


def test_great_circle_distances_are_right_and_unknown_positions_stay_unknown() -> None:
    # Toronto city hall to Montréal city hall: about 504 km
    assert scoring.haversine_km(43.6534, -79.3839, 45.5088, -73.5542) == pytest.approx(504, abs=3)
    assert math.isnan(float(scoring.haversine_km(np.nan, 0, 0, 0)))
    matrix = scoring.area_distances([44.0, 44.0, 44.1], [-76.0, -76.1, -76.0])
    assert matrix.shape == (3, 3) and matrix[0, 0] == 0 and matrix[0, 2] == pytest.approx(11.1, abs=0.1)


def test_closeness_halves_with_each_half_distance_and_is_neutral_when_unknown() -> None:
    values = scoring.closeness([0.0, 2.0, 4.0, np.nan], half_km=2.0)
    assert values.tolist() == pytest.approx([1.0, 0.5, 0.25, scoring.NEUTRAL])


def test_waiting_grows_with_the_days_and_saturates_after_a_year() -> None:
    assert scoring.waiting([0, 73, 365, 1000]).tolist() == pytest.approx([0, 0.2, 1, 1])


def test_bedrooms_exactly_as_needed_beat_extra_bedrooms() -> None:
    fit = scoring.bedrooms_fit([0, 1, 2, 5, -1, np.nan])
    assert fit.tolist() == pytest.approx([1.0, 0.6, 0.3, 0.1, 0.1, scoring.NEUTRAL])
    assert scoring.beds_fit([0, 1, 2, 3]).tolist() == pytest.approx([1.0, 0.7, 0.4, 0.2])


def test_the_condition_of_goods_new_beats_good_beats_used() -> None:
    assert scoring.condition_fit(["new", "good", "used", ""]).tolist() == pytest.approx([1, 0.8, 0.6, 0.5])


def test_her_first_language_counts_most_and_unknown_languages_are_neutral() -> None:
    values = scoring.language_match([True, False, False, False], [True, True, False, False], [True, True, True, False])
    assert values.tolist() == pytest.approx([1.0, 0.7, 0.0, scoring.NEUTRAL])
    assert scoring.community([0, 5, 20], [True, True, True]).tolist() == pytest.approx([0, 0.5, 1])


def test_preferences_average_the_area_and_the_rent_that_are_known() -> None:
    values = scoring.preferences([1.0, 0.0, np.nan, 1.0, np.nan], [0.9, np.nan, 1.25, 1.6, np.nan])
    assert values.tolist() == pytest.approx([1.0, 0.0, 0.5, 0.5, scoring.NEUTRAL])


def test_skills_overlap_is_the_share_of_what_she_asked_for() -> None:
    wanted = np.array([[True, True, False], [False, False, False]])
    offered = np.array([[True, False, True], [True, True, True]])
    assert scoring.skills_overlap(wanted, offered).tolist() == pytest.approx([0.5, scoring.NEUTRAL])
    assert scoring.skills_share([1, 0], [2, 0]).tolist() == pytest.approx([0.5, scoring.NEUTRAL])


def test_professions_alike_in_words_score_high_whatever_their_order_and_case() -> None:
    likeness = scoring.profession_likeness(
        ["Accountant", "software developer", ""], ["Senior accountant", "Registered nurse", "Developer, software"]
    )
    assert likeness.shape == (3, 3)
    assert likeness[0, 0] == pytest.approx(1.0)  # every word of hers is in theirs
    assert likeness[0, 1] < 0.5
    assert likeness[1, 2] > 0.9
    assert likeness[2].tolist() == [scoring.NEUTRAL] * 3


def test_a_job_fit_weighs_sector_and_profession_half_each() -> None:
    assert scoring.sector_and_profession([1.0, 0.5], [1.0, 0.0]).tolist() == pytest.approx([1.0, 0.25])
