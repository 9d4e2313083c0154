"""Who could be matched with what: the open requests of one kind x the published offers of that kind,
as a scored `engine.Problem`, and the explanation of each match it gives.

The Django shell of the matching: it reads requests, offers, neighbourhoods, the city's housing rules
and the building register in a fixed number of queries (whatever the number of requests and offers),
turns them into arrays, and leaves the choosing to `engine.solve`.

Left items are the requests (capacity: units still wanted, 1 for all but goods); for goods, one left
item per request and item still wanted (`"<request id>:<item>"`, capacity the quantity still
wanted), since a lot of blankets answers only the blankets of a request. Right items are the offers
(capacity: units not yet given). An edge exists only where every hard constraint holds:

- the offer is published, not fully taken, available within `LOOKAHEAD_DAYS` and not ended; the
  request is open, of an active client, and wants more than it was given;
- a flat or a room: the housing rules (`rules.py`, with the city's `housing.policy_for`, the
  offer's `housing.unit_facts` and the request's `housing.household_facts`): no pair is an edge that
  a rule blocks. The blocking outcomes are evaluated on whole arrays (`_housing_allowed`, which mirrors
  `rules.check`: a test compares the two over a grid of flats, households and policies), since
  `rules.check` costs some microseconds a pair and a city of 2,000 x 2,000 has four million. The
  rules' flags of a pair are its `notes`, shown with the proposal: `rules.check` itself, run when a
  pair's notes are read (the matched pairs, for their explanations);
- goods: the lot is of the item; an edge carries at most min(quantity still wanted, units left)
  (the engine's `limit`), so a request for 5 blankets may be served by lots of 3 and 2;
- a volunteer, a mentor, a job: a language in common when the request lists languages
  (`require_language`; an offer that names no language is taken to speak the language it was
  written in); for a job, the same sector when the offer names one; for a mentor, a profession at
  least `scoring.MENTOR_LIKENESS_REQUIRED` alike to hers; for a volunteer, at least one skill she
  asked for;
- a pair a coordinator already rejected in an earlier run is not proposed again.

Each edge is scored by the weighted criteria of `scoring.py` (`DEFAULT_WEIGHTS` per kind, overridden
by the run's `weights`); the problem carries each criterion's contribution, so `explanation` can say
how many points each gave and why.

Fairness groups (the engine's share matched, mean rank and envy per group): for flats, rooms and
goods, the household's size band (`1`, `2`, `3-4`, `5+` people), since large families are the ones a
housing market leaves behind; for volunteers, mentors and jobs, her first language (`?` if none),
since that is where a person-to-person match can leave a community out.

Scale: every step is an array operation over the pairs, one block of requests at a time; Python
runs once per request, per offer and per distinct profession, and the number of queries is fixed.
Measured on a synthetic city of 2,000 requests x 2,000 offers (SQLite, one core): 1.3 s to gather
housing (750,000 allowed pairs of four million), 1.5 s for goods (1.6 million lot-item pairs of
eight million), 0.8-1.2 s for rooms, mentors, jobs and volunteers; the engine's solve then takes
0.5-5.5 s, and explaining its 1,000-4,000 matches 0.1-0.7 s.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db.models import F, Q, Sum
from django.utils import timezone

from welcoming.cases.models import Client
from welcoming.community.models import Offer
from welcoming.community.vocab import ITEMS, SECTORS
from welcoming.matching import engine, housing, rules, scoring
from welcoming.matching.models import Allocation, Proposal, Request
from welcoming.places.models import Area, Jurisdiction

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DEFAULT_WEIGHTS = scoring.DEFAULT_WEIGHTS
LOOKAHEAD_DAYS = 60
BLOCK_ROWS = 512
# the language community of a neighbourhood is named as a number only from this many people on
COMMUNITY_SHOWN_FROM = 5

HOUSEHOLD_KINDS = ("housing", "host_room")
PERSON_KINDS = ("volunteer", "mentoring", "job")
ITEM_CODE = {item: i for i, item in enumerate(ITEMS)}
SECTOR_CODE = {sector: i + 1 for i, sector in enumerate(SECTORS)}  # 0: not said

Progress = Callable[[int, str], None]


@dataclass
class Gathered:
    """A matching instance and what is needed to explain its matches. `problem`'s left ids are
    request ids (`"<request id>:<item>"` for goods), its right ids offer ids."""

    problem: engine.Problem
    pairs: dict[str, tuple[uuid.UUID, str]]  # left id -> (request id, goods item or "")
    offers: dict[str, uuid.UUID]  # right id -> offer id
    notes: Mapping[tuple[str, str], list[dict[str, Any]]]  # (left id, right id) -> the rules' flags
    kind: str = ""
    weights: dict[str, float] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)  # counts and seconds of the gathering
    _left: dict[str, Any] = field(default_factory=dict, repr=False)
    _right: dict[str, Any] = field(default_factory=dict, repr=False)
    _shared: dict[str, Any] = field(default_factory=dict, repr=False)


def _quiet(percent: int, stage: str) -> None:
    return None


# --- reading the database ------------------------------------------------------------------------


def _open_requests(jurisdiction: Jurisdiction, kind: str) -> list[Request]:
    qs = Request.objects.filter(
        jurisdiction=jurisdiction,
        kind=kind,
        state=Request.State.OPEN,
        allocated__lt=F("wanted"),
        client__state=Client.State.ACTIVE,
    ).defer("note")
    if kind not in HOUSEHOLD_KINDS:
        qs = qs.defer("monthly_income")
    return list(qs.order_by("waiting_since", "created_at", "pk"))


def _preferred_areas(jurisdiction: Jurisdiction, kind: str) -> dict[uuid.UUID, list[int]]:
    """Each open request's preferred neighbourhoods, in one query."""
    through = Request.areas.through
    rows = through.objects.filter(
        request__jurisdiction=jurisdiction, request__kind=kind, request__state=Request.State.OPEN
    ).values_list("request_id", "area_id")
    found: defaultdict[uuid.UUID, list[int]] = defaultdict(list)
    for request_id, area_id in rows:
        found[request_id].append(area_id)
    return found


def _open_offers(jurisdiction: Jurisdiction, kind: str, today: dt.date) -> list[Offer]:
    horizon = today + dt.timedelta(days=LOOKAHEAD_DAYS)
    return list(
        Offer.objects.filter(
            jurisdiction=jurisdiction,
            kind=kind,
            state=Offer.State.PUBLISHED,
            allocated__lt=F("capacity"),
        )
        .filter(Q(available_from__isnull=True) | Q(available_from__lte=horizon))
        .filter(Q(available_until__isnull=True) | Q(available_until__gte=today))
        .defer("address", "description", "host_household", "moderation_note")
        .order_by("created_at", "pk")
    )


def _goods_given(jurisdiction: Jurisdiction) -> dict[tuple[uuid.UUID, str], int]:
    """Units of each item already given to each open goods request (allocations not ended)."""
    rows = (
        Allocation.objects.filter(
            request__jurisdiction=jurisdiction,
            request__kind=Request.Kind.GOODS,
            request__state=Request.State.OPEN,
            ended_at__isnull=True,
        )
        .values("request_id", "item")
        .annotate(units=Sum("units"))
    )
    return {(row["request_id"], row["item"]): int(row["units"] or 0) for row in rows}


def _rejected(jurisdiction: Jurisdiction, kind: str) -> set[tuple[uuid.UUID, uuid.UUID, str]]:
    rows = Proposal.objects.filter(
        state=Proposal.State.REJECTED,
        request__jurisdiction=jurisdiction,
        request__kind=kind,
        request__state=Request.State.OPEN,
    ).values_list("request_id", "offer_id", "item")
    return {(request_id, offer_id, item or "") for request_id, offer_id, item in rows}


def _community(jurisdiction: Jurisdiction) -> dict[tuple[int, str], int]:
    """How many of the city's active clients living in each neighbourhood speak each language: a
    count, never a person, for the language-community criterion of flats and rooms."""
    counts: defaultdict[tuple[int, str], int] = defaultdict(int)
    rows = Client.objects.filter(jurisdiction=jurisdiction, state=Client.State.ACTIVE, area__isnull=False).values_list(
        "area_id", "languages"
    )
    for area_id, languages in rows:
        for code in set(languages or ()):
            counts[(area_id, str(code))] += 1
    return counts


# --- arrays -----------------------------------------------------------------------------------


def _masks(codes_per_item: Sequence[Sequence[str]], vocabulary: dict[str, int]) -> npt.NDArray[np.uint64]:
    """Each item's codes as a bit mask, in as many 64-bit words as the vocabulary needs."""
    words = max(1, math.ceil(len(vocabulary) / 64))
    masks = np.zeros((len(codes_per_item), words), dtype=np.uint64)
    for row, codes in enumerate(codes_per_item):
        for code in codes:
            index = vocabulary.get(code)
            if index is not None:
                masks[row, index // 64] |= np.uint64(1) << np.uint64(index % 64)
    return masks


def _overlap(left: npt.NDArray[np.uint64], right: npt.NDArray[np.uint64]) -> IntArray:
    """Bits in common, for aligned rows (or broadcast)."""
    return np.asarray(np.bitwise_count(left & right).sum(axis=-1), dtype=np.int64)


def _has_bit(masks: npt.NDArray[np.uint64], index: IntArray) -> BoolArray:
    """Whether each row of `masks` has bit `index` (aligned; -1 is never set)."""
    safe = np.maximum(index, 0)
    word = masks[np.arange(len(masks)), safe // 64] if len(masks) else np.zeros(0, np.uint64)
    bit = (word >> (safe % 64).astype(np.uint64)) & np.uint64(1)
    return (bit == 1) & (index >= 0)


def _nan(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _size_band(size: int) -> str:
    if size <= 1:
        return "1"
    if size == 2:
        return "2"
    return "3-4" if size <= 4 else "5+"


# --- gather ------------------------------------------------------------------------------------


def gather(
    jurisdiction: Jurisdiction,
    kind: str,
    weights: Mapping[str, float] | None = None,
    progress: Progress | None = None,
    *,
    today: dt.date | None = None,
    require_language: bool = True,
) -> Gathered:
    """The open requests x published offers of `kind` in `jurisdiction`, as a scored problem (module
    docstring). `weights` override the kind's `DEFAULT_WEIGHTS` (unknown criteria and negative weights
    are a `scoring.WeightError`); `progress(percent, stage)` is told how far it got."""
    started = time.perf_counter()
    report = progress or _quiet
    chosen = scoring.weights_for(kind, weights)
    today = today or timezone.localdate()
    report(0, "loading")
    requests = _open_requests(jurisdiction, kind)
    preferred = _preferred_areas(jurisdiction, kind)
    offers = _open_offers(jurisdiction, kind, today)
    area_rows = list(
        Area.objects.filter(jurisdiction=jurisdiction).values_list("pk", "centre_latitude", "centre_longitude")
    )
    rejected = _rejected(jurisdiction, kind)
    report(10, "loaded")

    area_index = {pk: i for i, (pk, _lat, _lon) in enumerate(area_rows)}
    distances = scoring.area_distances([r[1] for r in area_rows], [r[2] for r in area_rows])
    n_areas = len(area_rows)

    # the left items
    left_ids: list[str] = []
    left_request: list[int] = []
    left_item: list[str] = []
    left_capacity: list[int] = []
    pairs: dict[str, tuple[uuid.UUID, str]] = {}
    if kind == Request.Kind.GOODS:
        given = _goods_given(jurisdiction)
        for index, request in enumerate(requests):
            room = request.wanted - request.allocated
            for item, quantity in sorted((request.items or {}).items()):
                wanted = min(int(quantity) - given.get((request.pk, item), 0), room)
                if wanted <= 0 or item not in ITEMS:
                    continue
                ident = f"{request.pk}:{item}"
                left_ids.append(ident)
                left_request.append(index)
                left_item.append(item)
                left_capacity.append(wanted)
                pairs[ident] = (request.pk, item)
    else:
        for index, request in enumerate(requests):
            ident = str(request.pk)
            left_ids.append(ident)
            left_request.append(index)
            left_item.append("")
            left_capacity.append(request.wanted - request.allocated)
            pairs[ident] = (request.pk, "")
    req = np.asarray(left_request, dtype=np.int64)
    n_left, n_right = len(left_ids), len(offers)

    # facts of the requests, by request
    languages = sorted(
        {code for r in requests for code in r.languages or ()} | {code for o in offers for code in _offer_languages(o)}
    )
    language_index = {code: i for i, code in enumerate(languages)}
    first_language = np.array(
        [language_index.get((r.languages or [""])[0], -1) if r.languages else -1 for r in requests], dtype=np.int64
    )
    request_languages = _masks([r.languages or () for r in requests], language_index)
    offer_languages = _masks([_offer_languages(o) for o in offers], language_index)

    def area_of(area_id: int | None) -> int:
        return area_index.get(area_id, -1) if area_id is not None else -1

    prefers = np.zeros((len(requests), n_areas), dtype=bool)
    for i, request in enumerate(requests):
        for area_id in preferred.get(request.pk, ()):
            if area_id in area_index:
                prefers[i, area_index[area_id]] = True
    if n_areas:
        # from each neighbourhood to the nearest she prefers (NaN when she named none)
        nearest = np.where(prefers[:, :, None], distances[None, :, :], np.inf).min(axis=1)
        named = np.asarray(prefers.any(axis=1), dtype=bool)
        nearest = np.where(named[:, None], nearest, np.nan)
    else:
        nearest = np.zeros((len(requests), 0))
    waiting_days = np.array([max((today - r.waiting_since).days, 0) for r in requests], dtype=float)
    school = np.array([area_of(r.school_area_id) for r in requests], dtype=np.int64)
    work = np.array([area_of(r.work_area_id) for r in requests], dtype=np.int64)
    max_rent = np.array([_nan(r.max_rent) for r in requests], dtype=float)
    sizes = np.array([r.household_size for r in requests], dtype=np.int64)

    left: dict[str, Any] = {
        "req": req,
        "item": np.array([ITEM_CODE.get(item, -1) for item in left_item], dtype=np.int64),
        "days": waiting_days[req] if n_left else np.zeros(0),
        "first": first_language[req] if n_left else np.zeros(0, np.int64),
        "languages": request_languages[req] if n_left else np.zeros((0, 1), np.uint64),
        "school": school[req] if n_left else np.zeros(0, np.int64),
        "work": work[req] if n_left else np.zeros(0, np.int64),
        "nearest": nearest[req] if n_left else np.zeros((0, n_areas)),
        "prefers": prefers[req] if n_left else np.zeros((0, n_areas), bool),
        "max_rent": max_rent[req] if n_left else np.zeros(0),
        "size": sizes[req] if n_left else np.zeros(0, np.int64),
    }
    right: dict[str, Any] = {
        "area": np.array([area_of(o.area_id) for o in offers], dtype=np.int64),
        "languages": offer_languages,
        "language_codes": [_offer_languages(o) for o in offers],
        "rent": np.array([_nan(o.rent_monthly) for o in offers], dtype=float),
        "bedrooms": np.array([_nan(o.bedrooms) for o in offers], dtype=float),
        "beds": np.array([_nan(o.beds) for o in offers], dtype=float),
        "item": np.array([ITEM_CODE.get(o.item, -2) for o in offers], dtype=np.int64),
        "condition": np.array([o.condition or "" for o in offers], dtype=object),
        "condition_fit": scoring.condition_fit([o.condition or "" for o in offers]),
        "capacity": np.array([o.remaining for o in offers], dtype=np.int64),
    }
    shared: dict[str, Any] = {
        "kind": kind,
        "distances": distances,
        "languages": languages,
        "requests": requests,
        "offers": offers,
        "require_language": require_language,
    }
    left_group = [""] * n_left

    # the kind's own facts
    if kind in HOUSEHOLD_KINDS:
        policy = housing.policy_for(jurisdiction)
        issues = housing.open_issues_by_building(jurisdiction)
        units = [housing.unit_facts(o, issues) for o in offers]
        households = [housing.household_facts(r) for r in requests]
        # the fewest bedrooms the standard may ask (children whose sex we were not told may share), which
        # is what blocks, and the most it may ask, which is what a flat fits
        ranges = np.array([rules.bedrooms_range(h.adults, h.couple, h.children) for h in households], dtype=float)
        fewest, needed = (ranges[:, 0], ranges[:, 1]) if len(ranges) else (np.zeros(0), np.zeros(0))
        community = _community(jurisdiction)
        speakers = np.zeros((n_areas, max(len(languages), 1)))
        for (area_id, code), count in community.items():
            if area_id in area_index and code in language_index:
                speakers[area_index[area_id], language_index[code]] = count
        left.update(
            needed=needed[req] if n_left else np.zeros(0),
            fewest=fewest[req] if n_left else np.zeros(0),
            income=np.array([_nan(h.monthly_income) for h in households], dtype=float)[req] if n_left else np.zeros(0),
            step_free=np.array([h.step_free for h in households], dtype=bool)[req] if n_left else np.zeros(0, bool),
            pets=np.array([h.pets for h in households], dtype=bool)[req] if n_left else np.zeros(0, bool),
        )
        right.update(
            step_free=np.array([u.step_free for u in units], dtype=bool),
            floor=np.array([_nan(u.floor) for u in units], dtype=float),
            lift=np.array([_nan(u.lift) for u in units], dtype=float),
            pets_allowed=np.array([_nan(u.pets_allowed) for u in units], dtype=float),
            address_known=np.array([u.address_known for u in units], dtype=bool),
            blocking_issue=np.array(
                [any(i.open and i.kind in policy.blocking_issues for i in u.issues) for u in units], dtype=bool
            ),
        )
        shared.update(policy=policy, units=units, households=households, speakers=speakers)
        left_group = [_size_band(int(sizes[i])) for i in left_request]
    elif kind == Request.Kind.GOODS:
        left_group = [_size_band(int(sizes[i])) for i in left_request]
    else:
        professions = [r.profession for r in requests]
        offered = [o.profession for o in offers]
        shared["likeness"] = scoring.profession_likeness(professions, offered)
        skills = sorted({s for r in requests for s in r.skills or ()} | {s for o in offers for s in o.skills or ()})
        skill_index = {s: i for i, s in enumerate(skills)}
        left["skills"] = (
            _masks([r.skills or () for r in requests], skill_index)[req] if n_left else np.zeros((0, 1), np.uint64)
        )
        right["skills"] = _masks([o.skills or () for o in offers], skill_index)
        left["sector"] = (
            np.array([SECTOR_CODE.get(r.sector, 0) for r in requests], dtype=np.int64)[req]
            if n_left
            else np.zeros(0, np.int64)
        )
        right["sector"] = np.array([SECTOR_CODE.get(o.sector, 0) for o in offers], dtype=np.int64)
        shared["skills"] = skills
        left_group = [languages[first_language[i]] if first_language[i] >= 0 else "?" for i in left_request]

    rejected_pairs = _rejected_pairs(rejected, requests, offers, left_request, left_item)

    # the allowed pairs, a block of left items at a time
    report(15, "constraints")
    found_left: list[IntArray] = []
    found_right: list[IntArray] = []
    for start in range(0, n_left, BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, n_left)
        allowed = _allowed(kind, left, right, shared, start, stop)
        for l_index, r_index in rejected_pairs.get(start // BLOCK_ROWS, ()):
            allowed[l_index - start, r_index] = False
        rows, cols = np.nonzero(allowed)
        found_left.append(rows.astype(np.int64) + start)
        found_right.append(cols.astype(np.int64))
        report(15 + int(35 * stop / max(n_left, 1)), "constraints")
    edge_left = np.concatenate(found_left) if found_left else np.zeros(0, np.int64)
    edge_right = np.concatenate(found_right) if found_right else np.zeros(0, np.int64)
    considered = int(n_left) * int(n_right)
    allowed_count = len(edge_left)

    # scores
    report(75, "scores")
    criteria = tuple(chosen)
    values, _details = _criteria(kind, left, right, shared, edge_left, edge_right)
    contributions = np.zeros((len(edge_left), len(criteria)))
    for column, name in enumerate(criteria):
        contributions[:, column] = chosen[name] * values[name]
    score = contributions.sum(axis=1)
    positive = score > 0
    if not positive.all():
        edge_left, edge_right = edge_left[positive], edge_right[positive]
        contributions, score = contributions[positive], score[positive]
    left_cap = np.asarray(left_capacity, dtype=np.int64)
    right_cap = right["capacity"]
    if kind == Request.Kind.GOODS:
        limit = np.minimum(left_cap[edge_left], right_cap[edge_right]) if len(edge_left) else np.zeros(0, np.int64)
    else:
        limit = np.ones(len(edge_left), dtype=np.int64)
    problem = engine.Problem(
        left_ids=left_ids,
        right_ids=[str(o.pk) for o in offers],
        left_capacity=left_cap,
        right_capacity=right_cap,
        edge_left=edge_left,
        edge_right=edge_right,
        score=score,
        limit=limit,
        groups=left_group,
        criteria=criteria,
        contributions=contributions,
    )
    shared["left_index"] = {ident: i for i, ident in enumerate(left_ids)}
    shared["right_index"] = {str(o.pk): j for j, o in enumerate(offers)}
    # edges come in (left, right) order: a pair's edge is found by binary search
    shared["edge_keys"] = edge_left * max(n_right, 1) + edge_right
    notes: Mapping[tuple[str, str], list[dict[str, Any]]] = (
        PairNotes(problem, shared, left) if kind in HOUSEHOLD_KINDS else {}
    )
    report(100, "gathered")
    return Gathered(
        problem=problem,
        pairs=pairs,
        offers={str(o.pk): o.pk for o in offers},
        notes=notes,
        kind=kind,
        weights=chosen,
        figures={
            "requests": len(requests),
            "offers": n_right,
            "pairs": considered,
            "allowed": allowed_count,
            "edges": len(edge_left),
            "seconds": time.perf_counter() - started,
        },
        _left=left,
        _right=right,
        _shared=shared,
    )


def _offer_languages(offer: Offer) -> list[str]:
    """The languages an offerer speaks: those she named, else the one she wrote her offer in."""
    return list(offer.languages or ([offer.text_language] if offer.text_language else []))


def _rejected_pairs(
    rejected: set[tuple[uuid.UUID, uuid.UUID, str]],
    requests: list[Request],
    offers: list[Offer],
    left_request: list[int],
    left_item: list[str],
) -> dict[int, list[tuple[int, int]]]:
    """The (left, right) indices of pairs rejected before, by block of left items."""
    if not rejected:
        return {}
    offer_index = {o.pk: j for j, o in enumerate(offers)}
    refused: defaultdict[tuple[uuid.UUID, str], list[int]] = defaultdict(list)
    for request_pk, offer_pk, item in rejected:
        if offer_pk in offer_index:
            refused[(request_pk, item)].append(offer_index[offer_pk])
    by_block: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
    for l_index, (r_index, item) in enumerate(zip(left_request, left_item, strict=True)):
        for offer in refused.get((requests[r_index].pk, item), ()):
            by_block[l_index // BLOCK_ROWS].append((l_index, offer))
    return by_block


def _allowed(
    kind: str, left: dict[str, Any], right: dict[str, Any], shared: dict[str, Any], start: int, stop: int
) -> BoolArray:
    """The hard constraints on a block of left items x every offer."""
    n_right = len(right["area"])
    allowed = np.ones((stop - start, n_right), dtype=bool)
    if kind in HOUSEHOLD_KINDS:
        allowed &= _housing_allowed(kind, shared["policy"], left, right, slice(start, stop))
    elif kind == Request.Kind.GOODS:
        allowed &= left["item"][start:stop, None] == right["item"][None, :]
    else:
        if shared["require_language"]:
            speaks = _overlap(left["languages"][start:stop, None, :], right["languages"][None, :, :]) > 0
            listed = left["first"][start:stop, None] >= 0
            allowed &= speaks | ~listed
        if kind == Request.Kind.JOB:
            theirs = right["sector"][None, :]
            allowed &= (left["sector"][start:stop, None] == theirs) | (theirs == 0)
        if kind == Request.Kind.MENTORING:
            # a mentor in her profession: alike enough when both are named (neutral, 0.5, when not)
            allowed &= shared["likeness"][left["req"][start:stop]] >= scoring.MENTOR_LIKENESS_REQUIRED
        if kind == Request.Kind.VOLUNTEER:
            asked = np.bitwise_count(left["skills"][start:stop]).sum(axis=-1)[:, None] > 0
            common = _overlap(left["skills"][start:stop, None, :], right["skills"][None, :, :]) > 0
            allowed &= common | ~asked
    return allowed


def _housing_allowed(
    kind: str, policy: rules.Policy, left: dict[str, Any], right: dict[str, Any], rows: slice
) -> BoolArray:
    """The pairs no housing rule blocks, on arrays. It mirrors the blocking outcomes of `rules.check`
    (a test compares the two over a grid of flats, households and policies); `rules.check` still runs
    on every pair that passes and has the last word."""
    room = kind == "host_room"
    fewest, size = left["fewest"][rows, None], left["size"][rows, None]
    income = left["income"][rows, None]
    step_free, pets = left["step_free"][rows, None], left["pets"][rows, None]
    bedrooms, beds, rent = right["bedrooms"][None, :], right["beds"][None, :], right["rent"][None, :]
    ok = np.ones((fewest.shape[0], bedrooms.shape[1]), dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        if policy.occupancy == rules.BLOCK:
            ok &= ~(beds < size) if room else ~(bedrooms < fewest)  # NaN (unknown) compares False: a flag
        if policy.affordability == rules.BLOCK:
            charged = rent > 0
            known = ~np.isnan(income)
            broke = known & (income <= 0)
            over = known & (income > 0) & (rent / np.where(income > 0, income, 1.0) > policy.affordability_share + 1e-9)
            ok &= ~(charged & (broke | over))
        ok &= ~(right["address_known"] & right["blocking_issue"])[None, :]
        if policy.accessibility == rules.BLOCK:
            stairs = ~right["step_free"][None, :]
            floor, lift = right["floor"][None, :], right["lift"][None, :]
            no_lift = ~np.isnan(floor) & (floor != 0) & (lift == 0)
            ok &= ~(step_free & (stairs | no_lift))
        ok &= ~(pets & (right["pets_allowed"][None, :] == 0))
    return ok


class PairNotes(Mapping[tuple[str, str], list[dict[str, Any]]]):
    """The housing rules' flags of each edge, by (left id, right id): `rules.check` on the pair, run
    when a pair is read (a run over thousands of flats has hundreds of thousands of allowed pairs,
    and only the matched ones are read), each pair once. Should the rules ever block a pair that
    `_housing_allowed` let through, the blocking findings are given too, so that no one confirms it
    unawares."""

    def __init__(self, problem: engine.Problem, shared: dict[str, Any], left: dict[str, Any]) -> None:
        self._problem, self._shared, self._left = problem, shared, left
        self._found: dict[int, list[dict[str, Any]]] = {}

    def _of_edge(self, e: int) -> list[dict[str, Any]]:
        if e not in self._found:
            shared = self._shared
            unit = shared["units"][int(self._problem.edge_right[e])]
            household = shared["households"][int(self._left["req"][self._problem.edge_left[e]])]
            findings = rules.check(unit, household, shared["policy"], room=shared["kind"] == "host_room")
            self._found[e] = [
                {"code": f.code, "params": dict(f.params)} for f in findings if f.outcome in (rules.FLAG, rules.BLOCK)
            ]
        return [dict(note) for note in self._found[e]]

    def __getitem__(self, pair: tuple[str, str]) -> list[dict[str, Any]]:
        e = _edge_index(self._shared, *pair)
        found = self._of_edge(e) if e is not None else []
        if not found:
            raise KeyError(pair)
        return found

    def __iter__(self) -> Iterator[tuple[str, str]]:
        problem = self._problem
        for e in range(len(problem.edge_left)):
            if self._of_edge(e):
                yield problem.left_ids[problem.edge_left[e]], problem.right_ids[problem.edge_right[e]]

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _edge_index(shared: dict[str, Any], left_id: str, right_id: str) -> int | None:
    left, right = shared["left_index"].get(left_id), shared["right_index"].get(right_id)
    if left is None or right is None:
        return None
    keys: IntArray = shared["edge_keys"]
    key = left * max(len(shared["right_index"]), 1) + right
    place = int(np.searchsorted(keys, key))
    return place if place < len(keys) and keys[place] == key else None


# --- the criteria ------------------------------------------------------------------------------


def _criteria(
    kind: str,
    left: dict[str, Any],
    right: dict[str, Any],
    shared: dict[str, Any],
    li: IntArray,
    ri: IntArray,
) -> tuple[dict[str, FloatArray], dict[str, dict[str, Any]]]:
    """Each criterion's value for the pairs (li[e], ri[e]), and the facts behind them (for the
    explanation): kilometres, days, bedrooms..."""
    distances: FloatArray = shared["distances"]
    offer_area = right["area"][ri]
    has_area = offer_area >= 0

    def km_to(area_of_left: IntArray) -> FloatArray:
        known = has_area & (area_of_left >= 0)
        out = np.full(len(li), np.nan)
        if known.any():
            out[known] = distances[area_of_left[known], offer_area[known]]
        return out

    def to_preferred() -> FloatArray:
        out = np.full(len(li), np.nan)
        if has_area.any():
            out[has_area] = left["nearest"][li[has_area], offer_area[has_area]]
        return out

    values: dict[str, FloatArray] = {}
    details: dict[str, dict[str, Any]] = {}
    days = left["days"][li]
    values["waiting"] = scoring.waiting(days)
    details["waiting"] = {"days": days}
    first = left["first"][li]
    speaks_first = _has_bit(right["languages"][ri], first)
    speaks_other = _overlap(left["languages"][li], right["languages"][ri]) > 0
    language_how = np.where(
        first < 0, "unknown", np.where(speaks_first, "first", np.where(speaks_other, "other", "none"))
    )

    if kind in HOUSEHOLD_KINDS:
        school_km, work_km, services_km = km_to(left["school"][li]), km_to(left["work"][li]), to_preferred()
        values["school"] = scoring.closeness(school_km, scoring.SCHOOL_HALF_KM)
        values["work"] = scoring.closeness(work_km, scoring.WORK_HALF_KM)
        values["services"] = scoring.closeness(services_km, scoring.SERVICES_HALF_KM)
        details.update(school={"km": school_km}, work={"km": work_km}, services={"km": services_km})
        in_preferred = np.full(len(li), np.nan)
        named = left["prefers"][li].any(axis=1) if len(li) else np.zeros(0, bool)
        known = named & has_area
        if known.any():
            in_preferred[known] = left["prefers"][li[known], offer_area[known]].astype(float)
        in_preferred[named & ~has_area] = 0.0
        rent, most = right["rent"][ri], left["max_rent"][li]
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(most > 0, rent / np.where(most > 0, most, 1.0), np.nan)
        values["preferences"] = scoring.preferences(in_preferred, ratio)
        details["preferences"] = {"in_preferred": in_preferred, "rent": rent, "max_rent": most}
        if kind == "housing":
            speakers = np.zeros(len(li))
            ok = has_area & (first >= 0)
            if ok.any():
                speakers[ok] = shared["speakers"][offer_area[ok], first[ok]]
            values["language"] = scoring.community(speakers, (first >= 0) & has_area)
            details["language"] = {"how": np.where((first >= 0) & has_area, "community", "unknown"), "people": speakers}
            extra = right["bedrooms"][ri] - left["needed"][li]
            values["fit"] = scoring.bedrooms_fit(extra)
            details["fit"] = {"extra": extra, "bedrooms": right["bedrooms"][ri], "needed": left["needed"][li]}
        else:
            values["language"] = scoring.language_match(speaks_first, speaks_other, first >= 0)
            details["language"] = {"how": language_how}
            extra = right["beds"][ri] - left["size"][li]
            values["fit"] = scoring.beds_fit(extra)
            details["fit"] = {"beds": right["beds"][ri], "people": left["size"][li]}
    elif kind == Request.Kind.GOODS:
        km = to_preferred()
        values["distance"] = scoring.closeness(km, scoring.GOODS_HALF_KM)
        details["distance"] = {"km": km}
        condition = right["condition"][ri]
        values["fit"] = right["condition_fit"][ri]
        details["fit"] = {"condition": condition}
    else:
        values["language"] = scoring.language_match(speaks_first, speaks_other, first >= 0)
        details["language"] = {"how": language_how}
        likeness = shared["likeness"][left["req"][li], ri] if len(li) else np.zeros(0)
        if kind == Request.Kind.JOB:
            same = (left["sector"][li] == right["sector"][ri]) & (right["sector"][ri] != 0)
            values["fit"] = scoring.sector_and_profession(np.where(same, 1.0, scoring.NEUTRAL), likeness)
            details["fit"] = {"sector": right["sector"][ri], "same": same, "likeness": likeness}
            work_km = km_to(left["work"][li])
            values["work"] = scoring.closeness(work_km, scoring.WORK_HALF_KM)
            details["work"] = {"km": work_km}
        else:
            km = to_preferred()
            values["distance"] = scoring.closeness(km, scoring.SERVICES_HALF_KM)
            details["distance"] = {"km": km}
            if kind == Request.Kind.MENTORING:
                values["fit"] = likeness
                details["fit"] = {"likeness": likeness}
            else:
                asked = np.bitwise_count(left["skills"][li]).sum(axis=-1)
                common = left["skills"][li] & right["skills"][ri]
                values["fit"] = scoring.skills_share(np.bitwise_count(common).sum(axis=-1), asked)
                details["fit"] = {"common": common}
    return values, details


# --- explanations ------------------------------------------------------------------------------


def _edge(gathered: Gathered, match: engine.Match) -> tuple[int, int, int]:
    e = _edge_index(gathered._shared, match.left, match.right)
    if e is None:
        raise engine.EngineError(f"{match.left} - {match.right} is not a pair of this gathering")
    problem = gathered.problem
    return e, int(problem.edge_left[e]), int(problem.edge_right[e])


def _rounded(value: Any, digits: int = 1) -> float | None:
    number = float(value)
    return None if math.isnan(number) else round(number, digits)


def explanation(gathered: Gathered, match: engine.Match) -> list[dict[str, Any]]:
    """Why this pair: each criterion with a weight, most points first, as
    `{"code": "criterion.<name>", "params": {"points": ..., facts}}`, then the housing rules' flags
    for the pair. Worded by `wording.explain`."""
    e, left, right = _edge(gathered, match)
    problem = gathered.problem
    assert problem.contributions is not None
    li, ri = np.array([left]), np.array([right])
    _values, details = _criteria(gathered.kind, gathered._left, gathered._right, gathered._shared, li, ri)
    out: list[dict[str, Any]] = []
    for column, name in enumerate(problem.criteria):
        if gathered.weights.get(name, 0) <= 0:
            continue
        params: dict[str, Any] = {"points": round(float(problem.contributions[e, column]), 1), "kind": gathered.kind}
        params.update(_facts(gathered, name, {k: v[0] for k, v in details.get(name, {}).items()}, left, right))
        out.append({"code": scoring.reason_code(name), "params": params})
    out.sort(key=lambda entry: -entry["params"]["points"])
    pair = (match.left, match.right)
    out.extend(gathered.notes.get(pair, []))
    return out


def _facts(gathered: Gathered, name: str, raw: dict[str, Any], left: int, right: int) -> dict[str, Any]:
    """A criterion's facts for one pair, as JSON-safe params."""
    shared = gathered._shared
    facts: dict[str, Any] = {}
    if "km" in raw:
        facts["km"] = _rounded(raw["km"])
    if name == "waiting":
        facts["days"] = int(raw["days"])
    if name == "language":
        how = str(raw["how"])
        first = int(gathered._left["first"][left])
        facts["how"] = how
        if first >= 0:
            facts["language"] = shared["languages"][first]
        if how == "other":
            mine = shared["requests"][int(gathered._left["req"][left])].languages or []
            theirs = set(gathered._right["language_codes"][right])
            facts["language"] = next((code for code in mine if code in theirs), facts.get("language", ""))
        if how == "community":
            people = int(raw["people"])
            # a small count could point at a person: below the threshold it is only "few"
            facts["people"] = people if people >= COMMUNITY_SHOWN_FROM else None
    if name == "preferences":
        area = raw["in_preferred"]
        facts["area"] = "none" if math.isnan(float(area)) else ("preferred" if float(area) >= 1 else "other")
        facts["rent"] = _rounded(raw["rent"], 2)
        facts["max_rent"] = _rounded(raw["max_rent"], 2)
    if name == "fit":
        for key in ("extra", "bedrooms", "needed", "beds", "people"):
            if key in raw:
                facts[key] = None if math.isnan(float(raw[key])) else int(raw[key])
        if "condition" in raw:
            facts["condition"] = str(raw["condition"])
        if "likeness" in raw:
            facts["likeness"] = round(100 * float(raw["likeness"]))
            offer = shared["offers"][right]
            facts["profession"] = offer.profession
        if "sector" in raw:
            facts["sector"] = list(SECTORS)[int(raw["sector"]) - 1] if int(raw["sector"]) > 0 else ""
            facts["same"] = bool(raw["same"])
        if "common" in raw:
            bits = np.unpackbits(np.asarray(raw["common"]).view(np.uint8), bitorder="little")
            facts["skills"] = [s for s, yes in zip(shared["skills"], bits.tolist(), strict=False) if yes]
    return facts
