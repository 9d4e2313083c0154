"""Housing rules for matching households to flats. Plain Python, no Django.

The first of them: how many bedrooms a household needs, by the Canadian National Occupancy Standard.
"""

from __future__ import annotations

from collections.abc import Sequence


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
