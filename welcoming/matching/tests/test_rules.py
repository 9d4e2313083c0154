from __future__ import annotations

import pytest

from welcoming.matching.rules import bedrooms_needed


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
