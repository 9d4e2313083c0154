"""Who gets which offer: an exact maximum-weight b-matching between requests and offers.

Plain Python, numpy and OR-Tools; no Django. Plain data in (ids, capacities, scored candidate edges),
plain data out (matches with their explanations, the objective, a proven upper bound, the greedy
baseline and fairness figures).

The model. Left items (households, families, newcomers) and right items (housing units, host rooms,
goods lots, mentors) each have a capacity (default 1): how many units of matching they take part in.
A candidate edge (left, right, score) exists only where every hard constraint holds; the caller, or
`build_candidates`, applies them before an edge is made. Each edge carries at most `limit` units (1
for a b-matching, in which a pair is matched at most once; more for goods with quantities, where a
household asking for 3 blankets may take all 3 from one lot). The engine maximises the sum of
score x units over the chosen edges. It never forces a match: leaving both sides free scores 0, so an
edge with a score <= 0 is never chosen.

The solver. OR-Tools' min-cost flow (SimpleMinCostFlow): source -> left (capacity) -> right (edge
limit, cost -score) -> sink (capacity), plus a zero-cost bypass arc source -> sink that absorbs the
supply nobody needs. With the bypass the solver is free to leave capacity unused, so the optimum is of
maximum weight, not of maximum cardinality (a maximum-cardinality matching may trade one very good
pair for two poor ones). The graph is acyclic, so the min-cost flow is well defined.

Precision. The solver needs integer costs: each score is multiplied by `scale`, the largest power of
ten with max|score| x scale <= 10**9 (nine significant digits of the largest score), and rounded.
The matching is exact for the rounded scores and within (units of flow) / scale of the exact
optimum; the objective is always recomputed from the original float scores.

The bound. For bipartite b-matching the LP relaxation is integral, so its optimum equals the matching
optimum. We report a dual (Lagrangian) bound that holds for any prices y_r >= 0 on the right items:

    UB(y) = sum_r capacity_r * y_r + sum_l (best capacity_l units of (score_e - y_r)^+ over l's edges)

(weak duality: each left item, free to pick its best options at these prices, can do no better).
The prices come from the optimal flow's potentials: shortest-path distances in the residual graph.
The bound is thus a certificate computed independently of the solver's own claim of optimality: it
equals the objective up to the rounding above when the flow is optimal, and it is still a valid
bound, only looser, if it is not.

Sparse candidates. `build_candidates` keeps the top k right items per left item, so the solve stays
small; `match_features` then proves that nothing was lost to the pruning, or repairs it, by column
generation: at the optimal prices it scans every allowed pair, block by block, for a pair whose
gain score - y_r beats what its left item already gets; such pairs are added and the matching
solved again, until none is left. The same scan gives `upper_bound_all_pairs`, the bound above taken
over every allowed pair, pruned ones included.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Integer costs are at most 10**COST_DIGITS in absolute value (see the module docstring).
COST_DIGITS = 9
_INFINITE_DISTANCE = np.int64(2**62)


class EngineError(ValueError):
    """The input cannot be matched as given (bad capacities, duplicate edges, unknown ids...)."""


@dataclass(frozen=True)
class Edge:
    left: str
    right: str
    score: float


@dataclass
class Problem:
    """A matching instance as arrays: edge e joins left item `edge_left[e]` (an index into `left_ids`)
    and right item `edge_right[e]`, scores `score[e]` per unit and carries at most `limit[e]` units.

    `groups` labels each left item for the fairness figures. `criteria` and `contributions` (one row
    per edge, one column per criterion, summing to the score) explain matches built from features."""

    left_ids: list[str]
    right_ids: list[str]
    left_capacity: IntArray
    right_capacity: IntArray
    edge_left: IntArray
    edge_right: IntArray
    score: FloatArray
    limit: IntArray
    groups: list[str] | None = None
    criteria: tuple[str, ...] = ()
    contributions: FloatArray | None = None

    def __post_init__(self) -> None:
        self.left_capacity = np.asarray(self.left_capacity, dtype=np.int64)
        self.right_capacity = np.asarray(self.right_capacity, dtype=np.int64)
        self.edge_left = np.asarray(self.edge_left, dtype=np.int64)
        self.edge_right = np.asarray(self.edge_right, dtype=np.int64)
        self.score = np.asarray(self.score, dtype=np.float64)
        self.limit = np.asarray(self.limit, dtype=np.int64)
        n_left, n_right, n_edges = len(self.left_ids), len(self.right_ids), len(self.edge_left)
        if self.left_capacity.shape != (n_left,) or self.right_capacity.shape != (n_right,):
            raise EngineError("one capacity per left and right item is needed")
        if not (len(self.edge_right) == len(self.score) == len(self.limit) == n_edges):
            raise EngineError("edge arrays differ in length")
        if len(set(self.left_ids)) != n_left or len(set(self.right_ids)) != n_right:
            raise EngineError("ids must be unique on each side")
        if (self.left_capacity < 0).any() or (self.right_capacity < 0).any() or (self.limit < 0).any():
            raise EngineError("capacities and edge limits must be >= 0")
        if not np.isfinite(self.score).all():
            raise EngineError("scores must be finite numbers")
        if n_edges and (
            self.edge_left.min() < 0
            or self.edge_left.max() >= n_left
            or self.edge_right.min() < 0
            or self.edge_right.max() >= n_right
        ):
            raise EngineError("an edge refers to an unknown item")
        keys = self.edge_left * max(n_right, 1) + self.edge_right
        unique, counts = np.unique(keys, return_counts=True)
        if (counts > 1).any():
            key = int(unique[counts > 1][0])
            pair = (self.left_ids[key // max(n_right, 1)], self.right_ids[key % max(n_right, 1)])
            raise EngineError(f"{int((counts > 1).sum())} duplicate edges, e.g. {pair[0]} - {pair[1]}")
        if self.groups is not None and len(self.groups) != n_left:
            raise EngineError("one group label per left item is needed")
        if self.contributions is not None and self.contributions.shape != (n_edges, len(self.criteria)):
            raise EngineError("one contribution per edge and criterion is needed")

    @classmethod
    def from_edges(
        cls,
        edges: Iterable[Edge | tuple[str, str, float]],
        *,
        left_capacity: Mapping[str, int] | None = None,
        right_capacity: Mapping[str, int] | None = None,
        groups: Mapping[str, str] | None = None,
        repeats: bool = False,
    ) -> Problem:
        """A problem from (left, right, score) edges; an id's capacity defaults to 1. Ids given only
        in the capacities take part with no edge. With `repeats`, a pair may be matched as many times
        as both capacities allow (goods with quantities); without, at most once (a b-matching).
        Duplicate (left, right) edges are an `EngineError`: the caller decides which one counts."""
        left_index: dict[str, int] = {}
        right_index: dict[str, int] = {}
        lefts: list[int] = []
        rights: list[int] = []
        scores: list[float] = []
        for edge in edges:
            left, right, score = (edge.left, edge.right, edge.score) if isinstance(edge, Edge) else edge
            lefts.append(left_index.setdefault(left, len(left_index)))
            rights.append(right_index.setdefault(right, len(right_index)))
            scores.append(float(score))
        for ident in left_capacity or {}:
            left_index.setdefault(ident, len(left_index))
        for ident in right_capacity or {}:
            right_index.setdefault(ident, len(right_index))
        left_cap = np.array([(left_capacity or {}).get(i, 1) for i in left_index], dtype=np.int64)
        right_cap = np.array([(right_capacity or {}).get(i, 1) for i in right_index], dtype=np.int64)
        edge_left = np.array(lefts, dtype=np.int64)
        edge_right = np.array(rights, dtype=np.int64)
        if repeats:
            limit = np.minimum(left_cap[edge_left], right_cap[edge_right]) if lefts else np.zeros(0, np.int64)
        else:
            limit = np.ones(len(lefts), dtype=np.int64)
        return cls(
            left_ids=list(left_index),
            right_ids=list(right_index),
            left_capacity=left_cap,
            right_capacity=right_cap,
            edge_left=edge_left,
            edge_right=edge_right,
            score=np.array(scores, dtype=np.float64),
            limit=limit,
            groups=None if groups is None else [groups.get(i, "") for i in left_index],
        )


# --- Sparse candidates from features -----------------------------------------------------------

Features = Mapping[str, Any]
"""Column arrays by name, one value per item (numbers; encode categories as integers)."""


@dataclass(frozen=True)
class Criterion:
    """A weighted soft criterion. `value(left, right)` gets the two sides' features as arrays that
    broadcast against each other (a block of left items by all right items, or aligned pairs) and
    returns the criterion's value for each pair, usually between 0 (poor) and 1 (ideal); the score of
    a pair is the weighted sum, and each weighted value is that criterion's contribution."""

    name: str
    weight: float
    value: Callable[[Features, Features], Any]


@dataclass(frozen=True)
class Constraint:
    """A hard constraint: `allows(left, right)` returns True where a pair may be matched (arrays
    broadcast as for `Criterion`). A pair that any constraint refuses never becomes an edge."""

    name: str
    allows: Callable[[Features, Features], Any]


class _Gathered(Mapping[str, Any]):
    """Features of the pairs' items, gathered on first use: a criterion reads only what it needs."""

    def __init__(self, arrays: Mapping[str, npt.NDArray[Any]], index: IntArray) -> None:
        self._arrays = arrays
        self._index = index
        self._cache: dict[str, npt.NDArray[Any]] = {}

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        if name not in self._cache:
            self._cache[name] = self._arrays[name][self._index]
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._arrays)

    def __len__(self) -> int:
        return len(self._arrays)


class _Scorer:
    """Scores of the allowed pairs, one block of left items at a time."""

    def __init__(
        self,
        n_left: int,
        n_right: int,
        left: Features,
        right: Features,
        criteria: Sequence[Criterion],
        constraints: Sequence[Constraint],
        block: int,
    ) -> None:
        self.n_left, self.n_right, self.block = n_left, n_right, block
        self.criteria, self.constraints = list(criteria), list(constraints)
        self.left = {name: np.asarray(values) for name, values in left.items()}
        self.right = {name: np.asarray(values) for name, values in right.items()}
        for side, arrays, size in (("left", self.left, n_left), ("right", self.right, n_right)):
            for name, array in arrays.items():
                if array.shape[:1] != (size,):
                    raise EngineError(f"{side} feature {name!r} has {array.shape[:1]} values for {size} items")
        self.right_row = {name: array[None, :] for name, array in self.right.items()}

    def blocks(self) -> Iterator[tuple[int, int, IntArray, IntArray, FloatArray]]:
        """(start, stop, left index, right index, score) of the allowed pairs of each block of left
        items, pairs in row-major order."""
        for start in range(0, self.n_left, self.block):
            stop = min(start + self.block, self.n_left)
            left_block = {name: array[start:stop, None] for name, array in self.left.items()}
            allowed = np.ones((stop - start, self.n_right), dtype=bool)
            for constraint in self.constraints:
                allowed &= np.broadcast_to(
                    np.asarray(constraint.allows(left_block, self.right_row), dtype=bool), allowed.shape
                )
            rows, cols = np.divmod(np.flatnonzero(allowed), self.n_right)
            del allowed
            yield start, stop, rows + start, cols, self.scores(rows + start, cols)

    def scores(self, left: IntArray, right: IntArray) -> FloatArray:
        total = np.zeros(len(left))
        if len(left):
            left_pairs, right_pairs = _Gathered(self.left, left), _Gathered(self.right, right)
            for criterion in self.criteria:
                total += criterion.weight * np.broadcast_to(criterion.value(left_pairs, right_pairs), total.shape)
        return total

    def contributions(self, left: IntArray, right: IntArray) -> FloatArray:
        """Each criterion's weighted value for aligned pairs: one row per pair."""
        out = np.zeros((len(left), len(self.criteria)))
        if len(left):
            left_pairs, right_pairs = _Gathered(self.left, left), _Gathered(self.right, right)
            for column, criterion in enumerate(self.criteria):
                value = np.broadcast_to(criterion.value(left_pairs, right_pairs), (len(left),))
                out[:, column] = criterion.weight * value
        return out


class _PairCache:
    """The allowed pairs' scores, kept from the candidates' scan so that pricing need not compute them
    again, as long as they fit in `budget` bytes (12 per pair); beyond it, the cache gives up and
    pricing rescans."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self.blocks: list[tuple[int, int, npt.NDArray[np.int32], npt.NDArray[np.int32], FloatArray]] | None = []

    def add(self, start: int, stop: int, rows: IntArray, cols: IntArray, score: FloatArray) -> None:
        if self.blocks is None:
            return
        self.size += 12 * len(cols) + 4 * (stop - start)
        if self.size > self.budget:
            self.blocks = None
            return
        counts = np.bincount(rows - start, minlength=stop - start).astype(np.int32)
        self.blocks.append((start, stop, counts, cols.astype(np.int32), score))

    def scan(self) -> Iterator[tuple[int, int, IntArray, IntArray, FloatArray]]:
        assert self.blocks is not None
        for start, stop, counts, cols, score in self.blocks:
            rows = np.repeat(np.arange(start, stop, dtype=np.int64), counts)
            yield start, stop, rows, cols.astype(np.int64), score


def build_candidates(
    left_ids: Sequence[str],
    right_ids: Sequence[str],
    left: Features,
    right: Features,
    criteria: Sequence[Criterion],
    constraints: Sequence[Constraint] = (),
    *,
    k: int = 50,
    left_capacity: Sequence[int] | None = None,
    right_capacity: Sequence[int] | None = None,
    groups: Sequence[str] | None = None,
    block: int = 256,
) -> Problem:
    """Sparse scored candidates: for each left item, its `k` best-scoring right items among those
    that every constraint allows and that score above 0 (a pair scoring <= 0 can never be chosen).

    Left items are processed in blocks of `block` rows, so memory stays at a few block x right-items
    arrays and k edges per left item: 10,000 x 10,000 never becomes a dense 10^8 matrix. Constraints
    are evaluated on the block, criteria only on the pairs the constraints allow."""
    scorer = _Scorer(len(left_ids), len(right_ids), left, right, criteria, constraints, block)
    return _candidates(scorer, list(left_ids), list(right_ids), k, left_capacity, right_capacity, groups)


def _candidates(
    scorer: _Scorer,
    left_ids: list[str],
    right_ids: list[str],
    k: int,
    left_capacity: Sequence[int] | None,
    right_capacity: Sequence[int] | None,
    groups: Sequence[str] | None,
    cache: _PairCache | None = None,
) -> Problem:
    if k < 1:
        raise EngineError("k must be at least 1")
    n_left, n_right = scorer.n_left, scorer.n_right
    kept_left: list[IntArray] = []
    kept_right: list[IntArray] = []
    for start, stop, rows, cols, score in scorer.blocks():
        if cache is not None:
            cache.add(start, stop, rows, cols, score)
        if n_right <= k:
            good = score > 0
            kept_left.append(rows[good])
            kept_right.append(cols[good])
            continue
        # The per-row top k on a dense block; float32 is precise enough to choose candidates (the
        # pricing in match_features catches any pair this misses) and halves the memory.
        negated = np.full((stop - start, n_right), np.inf, dtype=np.float32)
        negated[rows - start, cols] = np.where(score > 0, -score, np.inf)
        best = np.argpartition(negated, k, axis=1)[:, :k]
        row_index = np.repeat(np.arange(stop - start), k)
        col_index = best.reshape(-1)
        good = np.isfinite(negated[row_index, col_index])
        kept_left.append(row_index[good] + start)
        kept_right.append(col_index[good])
    edge_left = np.concatenate(kept_left) if kept_left else np.zeros(0, np.int64)
    edge_right = np.concatenate(kept_right) if kept_right else np.zeros(0, np.int64)
    contributions = scorer.contributions(edge_left, edge_right)
    return Problem(
        left_ids=left_ids,
        right_ids=right_ids,
        left_capacity=np.ones(n_left, np.int64) if left_capacity is None else np.asarray(left_capacity),
        right_capacity=np.ones(n_right, np.int64) if right_capacity is None else np.asarray(right_capacity),
        edge_left=edge_left,
        edge_right=edge_right,
        score=contributions.sum(axis=1),
        limit=np.ones(len(edge_left), dtype=np.int64),
        groups=None if groups is None else list(groups),
        criteria=tuple(c.name for c in scorer.criteria),
        contributions=contributions,
    )


# --- Solving -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """One chosen pair: `quantity` units at `score` each. `rank` is 1 if the right item was the left
    item's best-scoring candidate. `explanation` maps each criterion to its contribution to the score
    (or {"score": score} when the scores were given)."""

    left: str
    right: str
    score: float
    quantity: int
    rank: int
    explanation: dict[str, float]


@dataclass(frozen=True)
class GroupFairness:
    """Fairness figures for the left items of one group (with capacity >= 1).

    `share_matched`: the share of them with at least one match. `mean_rank`: the mean, over their
    matches, of the match's rank among the left item's candidates (1 = its best; tied scores share the
    best rank), None without matches. `envious`: how many of them would rather have, by their own
    scores, a right item that went to someone else (defined precisely in `fairness`)."""

    group: str
    items: int
    matched: int
    share_matched: float
    mean_rank: float | None
    envious: int


@dataclass(frozen=True)
class Result:
    """`objective`: the sum of score x quantity over the matches, in the original float scores.
    `upper_bound`: proven, >= the best objective of any matching of the problem's edges.
    `upper_bound_all_pairs` (from `match_features` only): likewise over every pair the constraints
    allow, pruned ones included. `greedy_objective`: the greedy baseline on the same edges.
    `seconds`: from `solve`, the solve itself (flow network, min-cost flow, reading the matches); from
    `match_features`, the whole of it (candidates, solves, pricing); `flow_seconds`, the last solve
    alone; `bound_seconds`, the bound after it. `prices`: the right items' dual
    prices behind the bound. `problem`: the edges the matching was chosen from."""

    matches: list[Match]
    objective: float
    upper_bound: float
    upper_bound_all_pairs: float | None
    greedy_objective: float
    greedy_matched: int
    seconds: float
    flow_seconds: float
    bound_seconds: float
    scale: float
    fairness: list[GroupFairness]
    overall: GroupFairness
    pricing_rounds: int = 0
    added_edges: int = 0
    flows: IntArray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    prices: FloatArray = field(default_factory=lambda: np.zeros(0), repr=False)
    problem: Problem | None = field(default=None, repr=False)


def cost_scale(scores: FloatArray) -> float:
    """The largest power of ten that keeps every scaled score within 10**COST_DIGITS."""
    largest = float(np.abs(scores).max()) if len(scores) else 0.0
    if largest == 0.0:
        return 1.0
    return float(10.0 ** math.floor(COST_DIGITS - math.log10(largest)))


@dataclass(frozen=True)
class _Solved:
    flows: IntArray
    prices: FloatArray
    upper_bound: float
    scale: float
    flow_seconds: float
    bound_seconds: float


def _solve_flow(problem: Problem) -> _Solved:
    started = time.perf_counter()
    scale = cost_scale(problem.score)
    cost = np.rint(problem.score * scale).astype(np.int64)
    usable = (
        (cost > 0)
        & (problem.limit > 0)
        & (problem.left_capacity[problem.edge_left] > 0)
        & (problem.right_capacity[problem.edge_right] > 0)
    )
    flows = _min_cost_flow(problem, usable, cost)
    flow_seconds = time.perf_counter() - started
    started = time.perf_counter()
    upper_bound, prices = min(
        ((_bound(problem, price), price) for price in _prices(problem, usable, cost, flows, scale)),
        key=lambda pair: pair[0],
    )
    return _Solved(flows, prices, upper_bound, scale, flow_seconds, time.perf_counter() - started)


def solve(problem: Problem) -> Result:
    """The maximum-weight b-matching of `problem`, with its bound, greedy baseline and fairness."""
    return _result(problem, _solve_flow(problem))


def _result(problem: Problem, solved: _Solved) -> Result:
    flows = solved.flows
    chosen = np.nonzero(flows)[0]
    objective = math.fsum((problem.score[chosen] * flows[chosen]).tolist())
    greedy_flows = greedy(problem)
    greedy_chosen = np.nonzero(greedy_flows)[0]
    ranks = candidate_ranks(problem)
    groups, overall = fairness(problem, flows, ranks)
    matches = [
        Match(
            left=problem.left_ids[problem.edge_left[e]],
            right=problem.right_ids[problem.edge_right[e]],
            score=float(problem.score[e]),
            quantity=int(flows[e]),
            rank=int(ranks[e]),
            explanation=(
                dict(zip(problem.criteria, problem.contributions[e].tolist(), strict=True))
                if problem.contributions is not None
                else {"score": float(problem.score[e])}
            ),
        )
        for e in chosen.tolist()
    ]
    return Result(
        matches=matches,
        objective=objective,
        # The bound is >= the optimum >= the objective in exact arithmetic; summing in floats may
        # put it a few ulps below a tight objective.
        upper_bound=max(solved.upper_bound, objective),
        upper_bound_all_pairs=None,
        greedy_objective=math.fsum((problem.score[greedy_chosen] * greedy_flows[greedy_chosen]).tolist()),
        greedy_matched=len(greedy_chosen),
        seconds=solved.flow_seconds,
        flow_seconds=solved.flow_seconds,
        bound_seconds=solved.bound_seconds,
        scale=solved.scale,
        fairness=groups,
        overall=overall,
        flows=flows,
        prices=solved.prices,
        problem=problem,
    )


def match_features(
    left_ids: Sequence[str],
    right_ids: Sequence[str],
    left: Features,
    right: Features,
    criteria: Sequence[Criterion],
    constraints: Sequence[Constraint] = (),
    *,
    k: int = 50,
    left_capacity: Sequence[int] | None = None,
    right_capacity: Sequence[int] | None = None,
    groups: Sequence[str] | None = None,
    block: int = 256,
    max_rounds: int = 10,
    added_per_item: int = 10,
    cache_mb: int = 1024,
) -> Result:
    """The best matching over every allowed pair, computed on sparse candidates: `build_candidates`
    with the top `k`, a solve, then pricing scans (module docstring) that add, for each left item,
    up to `added_per_item` pruned pairs that would improve the matching at the current prices, and
    solve again, until a scan finds no such pair (the matching is then optimal over all pairs, up to
    the cost rounding) or after `max_rounds` new solves (the all-pairs bound still holds). The allowed
    pairs' scores are kept in memory for the scans when they fit in `cache_mb` MiB (12 bytes a pair);
    otherwise each scan computes them again."""
    started = time.perf_counter()
    scorer = _Scorer(len(left_ids), len(right_ids), left, right, criteria, constraints, block)
    cache = _PairCache(cache_mb * 2**20)
    problem = _candidates(scorer, list(left_ids), list(right_ids), k, left_capacity, right_capacity, groups, cache)
    solved = _solve_flow(problem)
    scans = added = 0
    while True:
        scans += 1
        pairs = cache.scan() if cache.blocks is not None else scorer.blocks()
        all_pairs, new_left, new_right = _pricing(pairs, scorer.n_right, problem, solved, added_per_item)
        if not len(new_left) or scans > max_rounds:
            break
        contributions = scorer.contributions(new_left, new_right)
        problem = replace(
            problem,
            edge_left=np.concatenate([problem.edge_left, new_left]),
            edge_right=np.concatenate([problem.edge_right, new_right]),
            score=np.concatenate([problem.score, contributions.sum(axis=1)]),
            limit=np.concatenate([problem.limit, np.ones(len(new_left), np.int64)]),
            contributions=np.concatenate([_contributions(problem), contributions]),
        )
        added += len(new_left)
        solved = _solve_flow(problem)
    del cache
    result = _result(problem, solved)
    return replace(
        result,
        upper_bound_all_pairs=max(all_pairs, result.upper_bound),
        seconds=time.perf_counter() - started,
        pricing_rounds=scans,
        added_edges=added,
    )


def _contributions(problem: Problem) -> FloatArray:
    if problem.contributions is None:
        raise EngineError("the problem has no criteria contributions")
    return problem.contributions


def _pricing(
    pairs: Iterable[tuple[int, int, IntArray, IntArray, FloatArray]],
    n_right: int,
    problem: Problem,
    solved: _Solved,
    per_item: int,
) -> tuple[float, IntArray, IntArray]:
    """One scan of every allowed pair at the result's prices: the all-pairs bound, and the pruned pairs
    worth adding (at most `per_item` per left item, the best first)."""
    price = solved.prices
    gain = problem.score - price[problem.edge_right]
    _, level = _best_units(problem.left_capacity, problem.edge_left, gain, problem.limit)
    # A left item with no capacity can take nothing, however good the pair.
    level = np.where(problem.left_capacity > 0, level, np.inf)
    existing = np.sort(problem.edge_left * n_right + problem.edge_right)
    found_left: list[IntArray] = []
    found_right: list[IntArray] = []
    found_gain: list[FloatArray] = []
    for _, _, rows, cols, score in pairs:
        pair_gain = score - price[cols]
        better = np.nonzero(pair_gain > level[rows])[0]
        if not len(better):
            continue
        keys = rows[better] * n_right + cols[better]
        place = np.minimum(np.searchsorted(existing, keys), max(len(existing) - 1, 0))
        pruned = better[existing[place] != keys] if len(existing) else better
        found_left.append(rows[pruned])
        found_right.append(cols[pruned])
        found_gain.append(pair_gain[pruned])
    new_left = np.concatenate(found_left) if found_left else np.zeros(0, np.int64)
    new_right = np.concatenate(found_right) if found_right else np.zeros(0, np.int64)
    new_gain = np.concatenate(found_gain) if found_gain else np.zeros(0)
    # Keep each left item's best: enough for its capacity (so that the bound is exact) and for adding.
    order = np.lexsort((-new_gain, new_left))
    new_left, new_right, new_gain = new_left[order], new_right[order], new_gain[order]
    rank = _rank_in_group(new_left)
    keep = rank < np.maximum(problem.left_capacity[new_left], per_item)
    new_left, new_right, new_gain = new_left[keep], new_right[keep], new_gain[keep]
    bound = _bound(
        problem,
        price,
        extra=(new_left, new_gain),
    )
    # Only pairs that beat their item's level by more than the cost rounding are worth a new solve.
    worth = (new_gain > level[new_left] + 2 / solved.scale) & (rank[keep] < per_item)
    return bound, new_left[worth], new_right[worth]


def _rank_in_group(sorted_keys: IntArray) -> IntArray:
    """0, 1, 2... within each run of equal keys of a sorted array."""
    if not len(sorted_keys):
        return np.zeros(0, np.int64)
    position = np.arange(len(sorted_keys))
    starts = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
    return position - np.maximum.accumulate(np.where(starts, position, 0))


def _min_cost_flow(problem: Problem, usable: BoolArray, cost: IntArray) -> IntArray:
    """Units of flow on each edge of an optimal b-matching (zero on unusable edges)."""
    n_left, n_right = len(problem.left_ids), len(problem.right_ids)
    flows = np.zeros(len(problem.score), dtype=np.int64)
    edges = np.nonzero(usable)[0]
    supply = min(int(problem.left_capacity.sum()), int(problem.right_capacity.sum()), int(problem.limit[edges].sum()))
    if supply == 0:
        return flows
    source, sink, first_left, first_right = 0, 1, 2, 2 + n_left
    lefts, rights = np.arange(n_left), np.arange(n_right)
    tails = np.concatenate(
        [first_left + problem.edge_left[edges], np.zeros(n_left, np.int64), first_right + rights, [source]]
    )
    heads = np.concatenate(
        [first_right + problem.edge_right[edges], first_left + lefts, np.full(n_right, sink), [sink]]
    )
    capacities = np.concatenate([problem.limit[edges], problem.left_capacity, problem.right_capacity, [supply]]).astype(
        np.int64
    )
    # The last arc is the bypass: a unit of supply that takes it leaves its capacity unused, at no cost.
    costs = np.concatenate([-cost[edges], np.zeros(n_left + n_right + 1, np.int64)]).astype(np.int64)
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32), capacities, costs)
    solver.set_nodes_supplies(np.array([source, sink], dtype=np.int32), np.array([supply, -supply], dtype=np.int64))
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise EngineError(f"the min-cost flow solver failed (status {status})")
    flows[edges] = solver.flows(np.arange(len(edges), dtype=np.int32))
    return flows


def _prices(problem: Problem, usable: BoolArray, cost: IntArray, flows: IntArray, scale: float) -> list[FloatArray]:
    """Candidate dual prices of the right items, from shortest distances in the residual graph of the
    flow (see the module docstring). Two references are tried, the source's and the sink's distance,
    as they differ when one side is saturated; both give valid bounds and the smaller is kept."""
    n_left, n_right = len(problem.left_ids), len(problem.right_ids)
    source, sink, first_left, first_right = 0, 1, 2, 2 + n_left
    edges = np.nonzero(usable)[0]
    x = flows[edges]
    el, er, c, u = problem.edge_left[edges], problem.edge_right[edges], cost[edges], problem.limit[edges]
    left_load = np.bincount(el, weights=x, minlength=n_left).astype(np.int64)
    right_load = np.bincount(er, weights=x, minlength=n_right).astype(np.int64)
    matched = int(x.sum())
    supply = min(int(problem.left_capacity.sum()), int(problem.right_capacity.sum()), int(u.sum()))
    left_index, right_index = first_left + np.arange(n_left), first_right + np.arange(n_right)
    left_free, left_used = left_load < problem.left_capacity, left_load > 0
    right_free, right_used = right_load < problem.right_capacity, right_load > 0
    forward, backward = x < u, x > 0
    # Residual arcs (tail, head, cost): what could still be added, and what could be undone.
    arcs: list[tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike]] = [
        (first_left + el[forward], first_right + er[forward], -c[forward]),
        (first_right + er[backward], first_left + el[backward], c[backward]),
        (np.full(int(left_free.sum()), source), left_index[left_free], 0),
        (left_index[left_used], np.full(int(left_used.sum()), source), 0),
        (right_index[right_free], np.full(int(right_free.sum()), sink), 0),
        (np.full(int(right_used.sum()), sink), right_index[right_used], 0),
    ]
    if matched > 0:
        arcs.append(([source], [sink], 0))
    if matched < supply:
        arcs.append(([sink], [source], 0))
    tails = np.concatenate([np.asarray(t, dtype=np.int64) for t, _, _ in arcs])
    heads = np.concatenate([np.asarray(h, dtype=np.int64) for _, h, _ in arcs])
    weights = np.concatenate([np.broadcast_to(np.asarray(w, np.int64), np.shape(t)) for t, _, w in arcs])
    distance = _shortest_distances(2 + n_left + n_right, tails, heads, weights, source)
    right_distance = distance[first_right:]
    out = []
    for reference in (distance[source], distance[sink]):
        if reference >= _INFINITE_DISTANCE:
            continue
        reached = right_distance < _INFINITE_DISTANCE
        price = np.where(reached, np.maximum(reference - right_distance, 0), 0).astype(np.float64) / scale
        # An item with no capacity can be priced out entirely: it costs nothing in the bound.
        out.append(np.where(problem.right_capacity > 0, price, np.inf))
    return out


def _shortest_distances(nodes: int, tails: IntArray, heads: IntArray, weights: IntArray, root: int) -> IntArray:
    """Bellman-Ford from `root`, vectorised: each round relaxes only the arcs out of the nodes whose
    distance changed in the previous round. The residual graph of an optimal flow has no negative
    cycle, so this ends within `nodes` rounds; unreachable nodes keep an infinite distance."""
    order = np.argsort(tails, kind="stable")
    tails, heads, weights = tails[order], heads[order], weights[order]
    starts = np.searchsorted(tails, np.arange(nodes + 1))
    distance = np.full(nodes, _INFINITE_DISTANCE, dtype=np.int64)
    distance[root] = 0
    frontier = np.array([root], dtype=np.int64)
    for _ in range(nodes):
        first, counts = starts[frontier], starts[frontier + 1] - starts[frontier]
        total = int(counts.sum())
        if total == 0:
            break
        offsets = np.repeat(first - np.cumsum(counts) + counts, counts) + np.arange(total)
        candidate = distance[tails[offsets]] + weights[offsets]
        updated = distance.copy()
        np.minimum.at(updated, heads[offsets], candidate)
        frontier = np.nonzero(updated < distance)[0]
        distance = updated
        if len(frontier) == 0:
            break
    return distance


def _best_units(
    capacity: IntArray, edge_left: IntArray, value: FloatArray, units: IntArray
) -> tuple[IntArray, FloatArray]:
    """Each left item takes its best units of positive value, up to its capacity. Returns the units
    taken on each edge, and each item's level: the value of its worst unit taken if its capacity is
    full, else 0 (a free unit of capacity is worth 0)."""
    n_left = len(capacity)
    take = np.zeros(len(value), dtype=np.int64)
    positive = np.nonzero((value > 0) & (units > 0))[0]
    order = positive[np.lexsort((-value[positive], edge_left[positive]))]
    left, available = edge_left[order], units[order]
    cumulative = np.cumsum(available)
    starts = np.r_[True, left[1:] != left[:-1]] if len(left) else np.zeros(0, dtype=bool)
    before_item = np.maximum.accumulate(np.where(starts, cumulative - available, 0)) if len(left) else cumulative
    taken = np.clip(capacity[left] - (cumulative - available - before_item), 0, available)
    take[order] = taken
    worst = np.full(n_left, np.inf)
    np.minimum.at(worst, left[taken > 0], value[order][taken > 0])
    full = np.bincount(edge_left, weights=take, minlength=n_left) >= capacity
    return take, np.where(full & np.isfinite(worst), worst, 0.0)


def _bound(problem: Problem, price: FloatArray, extra: tuple[IntArray, FloatArray] | None = None) -> float:
    """UB(y) of the module docstring: what the right items' capacities are worth at these prices plus
    what each left item gains by taking its best options at these prices. `extra` adds (left item,
    gain) options of one unit each, e.g. pruned pairs."""
    left, gain, units = problem.edge_left, problem.score - price[problem.edge_right], problem.limit
    if extra is not None:
        left = np.concatenate([left, extra[0]])
        gain = np.concatenate([gain, extra[1]])
        units = np.concatenate([units, np.ones(len(extra[0]), np.int64)])
    take, _ = _best_units(problem.left_capacity, left, gain, units)
    finite, taken = np.isfinite(price), take > 0
    return math.fsum((problem.right_capacity[finite] * price[finite]).tolist()) + math.fsum(
        (take[taken] * gain[taken]).tolist()
    )


def greedy(problem: Problem) -> IntArray:
    """The greedy baseline: edges by decreasing score (ties in input order), each taking as many units
    as its limit and both remaining capacities allow. Only positive scores are taken."""
    order = np.argsort(-problem.score, kind="stable")
    order = order[problem.score[order] > 0]
    left_room = problem.left_capacity.tolist()
    right_room = problem.right_capacity.tolist()
    edge_left, edge_right, limit = problem.edge_left.tolist(), problem.edge_right.tolist(), problem.limit.tolist()
    flows = np.zeros(len(problem.score), dtype=np.int64)
    for e in order.tolist():
        left, right = edge_left[e], edge_right[e]
        units = min(left_room[left], right_room[right], limit[e])
        if units > 0:
            flows[e] = units
            left_room[left] -= units
            right_room[right] -= units
    return flows


def candidate_ranks(problem: Problem) -> IntArray:
    """For each edge, 1 + the number of the same left item's edges with a strictly higher score."""
    order = np.lexsort((-problem.score, problem.edge_left))
    left, score = problem.edge_left[order], problem.score[order]
    position = np.arange(len(order))
    new_left = np.r_[True, left[1:] != left[:-1]] if len(order) else np.zeros(0, dtype=bool)
    new_value = new_left | np.r_[True, score[1:] != score[:-1]] if len(order) else new_left
    group_first = np.maximum.accumulate(np.where(new_left, position, 0)) if len(order) else position
    value_first = np.maximum.accumulate(np.where(new_value, position, 0)) if len(order) else position
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = value_first - group_first + 1
    return ranks


def fairness(
    problem: Problem, flows: IntArray, ranks: IntArray | None = None
) -> tuple[list[GroupFairness], GroupFairness]:
    """Fairness figures per group of left items and overall (left items with capacity >= 1 only).

    Envy: left item l is envious when it has a candidate edge (l, r) that could carry more units
    (flow < limit) with score(l, r) > l's own worst matched score (0 if l still has free capacity,
    since an unused unit of capacity is worth 0), where r has no spare capacity and some of r's
    capacity went to another left item. In words: by its own scores l would rather have a share of r,
    which was given to someone else. With maximum-weight matching this is expected for some items
    (the total is maximised, not each item's satisfaction); the count shows how many. One pass over
    the edges."""
    if ranks is None:
        ranks = candidate_ranks(problem)
    n_left, n_right = len(problem.left_ids), len(problem.right_ids)
    edge_left, edge_right = problem.edge_left, problem.edge_right
    units_left = np.bincount(edge_left, weights=flows, minlength=n_left).astype(np.int64)
    units_right = np.bincount(edge_right, weights=flows, minlength=n_right).astype(np.int64)
    used = flows > 0
    worst = np.full(n_left, np.inf)
    np.minimum.at(worst, edge_left[used], problem.score[used])
    own = np.where(units_left >= problem.left_capacity, worst, 0.0)
    envy_edge = (
        (flows < problem.limit)
        & (units_right[edge_right] >= problem.right_capacity[edge_right])
        & (units_right[edge_right] - flows > 0)
        & (problem.score > own[edge_left])
    )
    envious = np.zeros(n_left, dtype=bool)
    envious[edge_left[envy_edge]] = True
    rank_sum = np.bincount(edge_left[used], weights=ranks[used], minlength=n_left)
    rank_count = np.bincount(edge_left[used], minlength=n_left)
    active = problem.left_capacity > 0
    labels = np.array(problem.groups if problem.groups is not None else [""] * n_left, dtype=object)

    def figures(group: str, members: BoolArray) -> GroupFairness:
        members = members & active
        items = int(members.sum())
        matched = int((members & (units_left > 0)).sum())
        count = int(rank_count[members].sum())
        return GroupFairness(
            group=group,
            items=items,
            matched=matched,
            share_matched=matched / items if items else 0.0,
            mean_rank=float(rank_sum[members].sum()) / count if count else None,
            envious=int((members & envious).sum()),
        )

    names = sorted({str(label) for label in labels.tolist()})
    groups = [figures(name, labels == name) for name in names]
    return groups, figures("all", np.ones(n_left, dtype=bool))
