"""The soft criteria a match is scored on, each a value in [0, 1], weighed per kind of request.

Plain Python and numpy, no Django: `candidates.py` gathers the facts from the database and calls
these on arrays of allowed pairs (one value per pair), so a run over thousands of requests and
offers costs a few array operations per criterion, not a Python call per pair.

A pair's score is the weighted sum of its criteria's values, in points: with the default weights
of a kind summing to 100, a perfect pair scores 100. Each criterion is explained on a proposal by
its reason code, `criterion.<name>`, with the points it gave and the facts behind them (kilometres,
days, bedrooms...), worded by `wording.explain`.

Unknown facts are neutral, not bad: a household that gave no school scores 0.5 on `school` with
every flat, so the criterion neither helps nor hurts anyone, and an allowed pair never scores 0 for
lack of information (the engine never chooses a pair that scores 0).

The criteria:

- `school`, `work`: how close the offer's neighbourhood is to the neighbourhood of her children's
  school, or of her work (centres of the neighbourhoods, great-circle distance): 1 next door, 0.5 at
  `SCHOOL_HALF_KM` (`WORK_HALF_KM`), halving again with each as many kilometres more.
- `services`: how close the offer is to the nearest of the neighbourhoods she prefers (where her
  clinic, her mosque, her friends are), halving every `SERVICES_HALF_KM`; for goods, `distance` is
  the same measure from the pickup place.
- `language`: for a host, a mentor, an employer, a volunteer: 1 if they speak her first language, 0.7
  if another of hers, 0 if none. For a flat: her language community in the offer's neighbourhood,
  the number of the city's clients living there who speak her first language, saturating at
  `COMMUNITY_SATURATION` people.
- `preferences`: 1 if the offer is in a neighbourhood she prefers (0 if not), and the rent within
  her maximum (1; above it, falling to 0 at `RENT_OVER_ZERO` x her maximum); the mean of those known.
- `waiting`: days she has waited, over `WAITING_SATURATION_DAYS` (a year), at most 1: the longer
  she waits, the more her match counts.
- `fit`: housing, bedrooms exactly as she needs (1) beat one more (0.6), two more (0.3) or more
  still (0.1); a host's room, beds exactly as many as the household (1), then 0.7, 0.4, 0.2; goods, the
  condition (new 1, good 0.8, used 0.6); mentoring, how alike the two professions are (rapidfuzz's
  token-set ratio); jobs, the sector (equal is required) then the professions' likeness; volunteers,
  the share of the skills she asked for that the volunteer offers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from welcoming.lib.text import normalise as fold

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

NEUTRAL = 0.5

SCHOOL_HALF_KM = 2.0
WORK_HALF_KM = 5.0
SERVICES_HALF_KM = 3.0
GOODS_HALF_KM = 5.0
COMMUNITY_SATURATION = 10
WAITING_SATURATION_DAYS = 365
RENT_OVER_ZERO = 1.5
SHARED_OTHER_LANGUAGE = 0.7
#: A mentor's profession at least this alike to hers (when both are given): a mentor in her profession.
MENTOR_LIKENESS_REQUIRED = 0.5

BEDROOM_FIT = (1.0, 0.6, 0.3, 0.1)  # exactly as needed, one more, two more, three or more
BED_FIT = (1.0, 0.7, 0.4, 0.2)
CONDITION_FIT = {"new": 1.0, "good": 0.8, "used": 0.6}

KINDS = ("housing", "host_room", "goods", "volunteer", "mentoring", "job")

#: The criteria of each kind, most important first, with their default weights (points out of 100).
DEFAULT_WEIGHTS: dict[str, dict[str, float]] = {
    "housing": {
        "fit": 25.0,
        "waiting": 20.0,
        "school": 15.0,
        "work": 10.0,
        "services": 10.0,
        "language": 10.0,
        "preferences": 10.0,
    },
    "host_room": {
        "fit": 20.0,
        "language": 20.0,
        "waiting": 20.0,
        "school": 15.0,
        "work": 10.0,
        "services": 5.0,
        "preferences": 10.0,
    },
    "goods": {"waiting": 40.0, "fit": 30.0, "distance": 30.0},
    "volunteer": {"fit": 40.0, "language": 30.0, "distance": 15.0, "waiting": 15.0},
    "mentoring": {"fit": 45.0, "language": 30.0, "waiting": 15.0, "distance": 10.0},
    "job": {"fit": 35.0, "work": 25.0, "language": 20.0, "waiting": 20.0},
}


class WeightError(ValueError):
    """Weights that do not fit the kind: an unknown criterion, or a negative or non-finite weight."""


def reason_code(criterion: str) -> str:
    """The code a criterion is explained under, e.g. `criterion.school`."""
    return f"criterion.{criterion}"


def weights_for(kind: str, overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """The default weights of `kind` with `overrides` applied (a weight of 0 switches a criterion
    off). Unknown criteria and negative weights are refused, naming them."""
    if kind not in DEFAULT_WEIGHTS:
        raise WeightError(f"no such kind of request: {kind!r} (one of {', '.join(KINDS)})")
    weights = dict(DEFAULT_WEIGHTS[kind])
    for name, weight in (overrides or {}).items():
        if name not in weights:
            raise WeightError(f"{kind} has no criterion {name!r}; its criteria are {', '.join(weights)}")
        value = float(weight)
        if not np.isfinite(value) or value < 0:
            raise WeightError(f"the weight of {name!r} must be a number >= 0, not {weight!r}")
        weights[name] = value
    return weights


# --- distances --------------------------------------------------------------------------------

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike) -> FloatArray:
    """Great-circle distances, elementwise (arrays broadcast); NaN where a position is unknown."""
    phi1, phi2 = np.radians(np.asarray(lat1, dtype=float)), np.radians(np.asarray(lat2, dtype=float))
    dphi = phi2 - phi1
    dlambda = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), dtype=float)


def area_distances(latitudes: Sequence[float], longitudes: Sequence[float]) -> FloatArray:
    """The distance matrix between neighbourhood centres (a city has dozens, so it is small)."""
    lat, lon = np.asarray(latitudes, dtype=float), np.asarray(longitudes, dtype=float)
    return haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])


def closeness(km: npt.ArrayLike, half_km: float) -> FloatArray:
    """1 at 0 km, 0.5 at `half_km`, halving every `half_km` more; NaN (unknown) is neutral."""
    distance = np.asarray(km, dtype=float)
    value = np.power(0.5, np.maximum(distance, 0.0) / half_km)
    return np.where(np.isnan(distance), NEUTRAL, value)


# --- the criteria -----------------------------------------------------------------------------


def waiting(days: npt.ArrayLike, saturation: int = WAITING_SATURATION_DAYS) -> FloatArray:
    """Days waited over `saturation`, between 0 and 1."""
    return np.clip(np.asarray(days, dtype=float) / saturation, 0.0, 1.0)


def _steps(extra: npt.ArrayLike, ladder: Sequence[float]) -> FloatArray:
    more = np.asarray(extra, dtype=float)
    index = np.clip(np.nan_to_num(more, nan=0.0), 0, len(ladder) - 1).astype(np.int64)
    value = np.asarray(ladder, dtype=float)[index]
    # fewer than needed is the occupancy rule's to block or flag; as a fit it is the poorest
    value = np.where(more < 0, ladder[-1], value)
    return np.where(np.isnan(more), NEUTRAL, value)


def bedrooms_fit(extra_bedrooms: npt.ArrayLike) -> FloatArray:
    """Bedrooms offered minus bedrooms needed: 0 is best, each more is worse; NaN is neutral."""
    return _steps(extra_bedrooms, BEDROOM_FIT)


def beds_fit(extra_beds: npt.ArrayLike) -> FloatArray:
    """Beds in a host's room minus people in the household."""
    return _steps(extra_beds, BED_FIT)


def condition_fit(conditions: Sequence[str]) -> FloatArray:
    return np.array([CONDITION_FIT.get(condition, NEUTRAL) for condition in conditions], dtype=float)


def language_match(first_shared: npt.ArrayLike, other_shared: npt.ArrayLike, known: npt.ArrayLike) -> FloatArray:
    """1 when they speak her first language, 0.7 another of hers, 0 none; neutral if she gave none."""
    first = np.asarray(first_shared, dtype=bool)
    other = np.asarray(other_shared, dtype=bool)
    value = np.where(first, 1.0, np.where(other, SHARED_OTHER_LANGUAGE, 0.0))
    return np.where(np.asarray(known, dtype=bool), value, NEUTRAL)


def community(speakers: npt.ArrayLike, known: npt.ArrayLike, saturation: int = COMMUNITY_SATURATION) -> FloatArray:
    """People of the neighbourhood who speak her first language, over `saturation`, at most 1."""
    value = np.clip(np.asarray(speakers, dtype=float) / saturation, 0.0, 1.0)
    return np.where(np.asarray(known, dtype=bool), value, NEUTRAL)


def preferences(in_preferred_area: npt.ArrayLike, rent_ratio: npt.ArrayLike) -> FloatArray:
    """The mean of the known parts: the area (1.0 if she prefers it, 0.0 if not, NaN if she named none)
    and the rent (rent / her maximum: 1 within it, falling to 0 at RENT_OVER_ZERO; NaN if unknown)."""
    area = np.asarray(in_preferred_area, dtype=float)
    ratio = np.asarray(rent_ratio, dtype=float)
    rent = np.where(ratio <= 1.0, 1.0, np.clip((RENT_OVER_ZERO - ratio) / (RENT_OVER_ZERO - 1.0), 0.0, 1.0))
    rent = np.where(np.isnan(ratio), np.nan, rent)
    parts = np.stack(np.broadcast_arrays(area, rent))
    known = ~np.isnan(parts)
    count = known.sum(axis=0)
    total = np.where(known, parts, 0.0).sum(axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), NEUTRAL)


def skills_overlap(wanted: npt.ArrayLike, offered: npt.ArrayLike) -> FloatArray:
    """Share of the skills she asked for that are offered; rows of boolean skill masks, aligned
    pairs (or broadcast). Neutral when she asked for none in particular."""
    want = np.asarray(wanted, dtype=bool)
    give = np.asarray(offered, dtype=bool)
    asked = want.sum(axis=-1)
    both = (want & give).sum(axis=-1)
    return np.where(asked > 0, both / np.maximum(asked, 1), NEUTRAL)


def skills_share(common: npt.ArrayLike, asked: npt.ArrayLike) -> FloatArray:
    """`skills_overlap` from counts: skills in common over skills she asked for."""
    both, wanted = np.asarray(common, dtype=float), np.asarray(asked, dtype=float)
    return np.where(wanted > 0, both / np.maximum(wanted, 1), NEUTRAL)


def profession_likeness(wanted: Sequence[str], offered: Sequence[str]) -> FloatArray:
    """How alike each of `wanted` is to each of `offered` (a matrix, rows wanted), between 0 and 1,
    by rapidfuzz's token-set ratio on the words folded for case and accents (`lib.text.normalise`), so
    "Accountant" and "senior accountant", or "electricien" and "Électricien", are alike and word
    order does not matter. An empty profession on either side is neutral.
    Distinct texts are compared once, in rapidfuzz's vectorised `cdist`."""
    left = [fold(text).strip() for text in wanted]
    right = [fold(text).strip() for text in offered]
    left_unique = sorted(set(left))
    right_unique = sorted(set(right))
    if not left_unique or not right_unique:
        return np.full((len(left), len(right)), NEUTRAL)
    ratios = process.cdist(left_unique, right_unique, scorer=fuzz.token_set_ratio, dtype=np.float64) / 100.0
    row = {text: i for i, text in enumerate(left_unique)}
    col = {text: j for j, text in enumerate(right_unique)}
    matrix = ratios[np.ix_([row[t] for t in left], [col[t] for t in right])]
    empty = np.array([not t for t in left])[:, None] | np.array([not t for t in right])[None, :]
    return np.where(empty, NEUTRAL, matrix)


def sector_and_profession(same_sector: npt.ArrayLike, likeness: npt.ArrayLike) -> FloatArray:
    """A job's fit: the same sector counts half, how alike the professions are the other half."""
    return 0.5 * np.asarray(same_sector, dtype=float) + 0.5 * np.asarray(likeness, dtype=float)
