"""Placement of families across communities — plain Python, numpy and OR-Tools, no Django.

Each family goes whole to at most one community (never split); a community takes at most its capacity in
people and, where it sets them, its other limits (housing units of a size, language-class seats, school
places, jobs in a sector, medical places), each family using some of them. Among the allowed pairs — the
ones given a score; a negative score is never chosen — the plan maximises the total score of the placed
families. A family with nothing that fits stays unplaced and counts for nothing.

How it is solved, and why each step is there:

1. Greedy baseline: pairs by score, best first, each taken when its family is still free and it fits.
2. Upper bound from the LP relaxation over *every* pair. With capacities in people only, the relaxation is a
   transportation problem in people (the LP may split a family), solved exactly as a min-cost flow — a few
   seconds for 8,000 families × 357 communities, where a simplex LP takes minutes. Other limits enter by
   Lagrange multipliers μ ≥ 0: for any μ, the flow with each pair's score less what it uses at those
   prices is a bound, so the reported bound never depends on the solver having converged (μ = 0 gives the
   bound in people alone, still valid, only looser). Good multipliers are the duals of the LP with every
   limit over a few pairs — each family's best and every pair a flow has used — solved by CLP; each flow
   at the new μ brings the pairs it uses into the next LP, and the two values meet at the LP's optimum
   (measured: within 0.03 % in four rounds on the benchmark with school places). That LP's dual prices give
   a bound too. Costs are rounded up, so rounding can only raise the bound.
3. Iterative LP rounding: the families the LP places whole stay (with other limits, the LP over some pairs,
   which keeps within them), the flow is solved again for the others in the room left, and so on. It keeps
   most of the LP's value (within 0.3 % of the bound on the benchmark, where simple rounding loses twice
   that). The better of this and the greedy plan is CP-SAT's hint.
4. CP-SAT with integer scores: each score times 10**precision, rounded (fewer decimals if 64-bit sums
   would overflow); the bound adds back the most the rounding could hide. Up to `max_model_pairs`
   positive pairs CP-SAT sees them all, exact, and its best bound holds for the whole problem; beyond
   that, proofs are out of reach on such near-ties (measured: not even 800 families × 36 communities in a
   minute), so CP-SAT improves the plan by large-neighbourhood search on each family's best few pairs and
   the pairs the LP uses, and only the LP bound is claimed.

The upper bound reported is the tighter valid one; `optimal` means it equals the objective. Every step keeps
within every capacity and limit; the final plan is checked all the same and, should a community be over one,
mended by taking out its lowest-scoring families (`Plan.repaired` counts them; 0 expected).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

PEOPLE = "people"
# Up to this many positive pairs CP-SAT gets them all and its bound holds for the whole problem; beyond, it
# works on a neighbourhood of the LP's solution (each family's best few pairs and the pairs the LP uses),
# which measured better plans in the same time from a few tens of thousands of pairs on.
MAX_MODEL_PAIRS = 20_000
NEIGHBOURS = 6
# Each family's best few pairs start the LP with other limits; the flows add the pairs they use.
LP_SEED = 2
# Pair orders are walked in blocks, so that a walk that places everyone early stops early and holds little.
BLOCK = 65_536


@dataclass(frozen=True)
class Family:
    """A family to place. `uses` is what it takes of a community's other limits (e.g. {"school": 3,
    "medical": 1}); the attributes below only feed `compatibility`."""

    id: str
    size: int
    uses: Mapping[str, int] = field(default_factory=dict)
    languages: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()  # sectors its adults have worked in
    medical: bool = False  # someone needs ongoing medical care
    children: int = 0


@dataclass(frozen=True)
class Community:
    """A receiving community. `capacity` is in people; `limits` are its other capacities (a limit it does not
    name does not bind there). The attributes below only feed `compatibility`."""

    id: str
    capacity: int
    limits: Mapping[str, int] = field(default_factory=dict)
    languages: frozenset[str] = frozenset()  # established language communities
    jobs: Mapping[str, int] = field(default_factory=dict)  # openings by sector
    medical_places: int = 0
    school_places: int = 0


@dataclass(frozen=True)
class Weights:
    """Weights of `compatibility`; a city that predicts outcomes elsewhere brings its own scores instead."""

    base: float = 1.0  # being placed at all
    language: float = 3.0  # someone there speaks one of the family's languages
    jobs: float = 2.0  # openings in the family's sectors
    medical: float = 4.0  # care where care is needed; as much taken off where there is none
    school: float = 0.5  # per child, where there are school places


@dataclass(frozen=True)
class Pairs:
    """The allowed (family, community) pairs as indexes into the families and communities, with scores.
    Sparse: a pair that is not here is not allowed."""

    family: np.ndarray
    community: np.ndarray
    score: np.ndarray

    @classmethod
    def from_matrix(cls, matrix: np.ndarray) -> Pairs:
        """Every finite cell of a families × communities matrix is a pair; NaN means not allowed."""
        family, community = np.nonzero(np.isfinite(matrix))
        return cls(family, community, np.asarray(matrix, dtype=np.float64)[family, community])

    @classmethod
    def from_triples(
        cls, families: Sequence[Family], communities: Sequence[Community], triples: Iterable[tuple[str, str, float]]
    ) -> Pairs:
        """Pairs named by ids; an unknown id is a `KeyError`."""
        family_index = {family.id: n for n, family in enumerate(families)}
        community_index = {community.id: n for n, community in enumerate(communities)}
        rows = [(family_index[f], community_index[c], float(s)) for f, c, s in triples]
        if not rows:
            return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
        f_, c_, s_ = zip(*rows, strict=True)
        return cls(np.array(f_, np.int64), np.array(c_, np.int64), np.array(s_, np.float64))


@dataclass(frozen=True)
class Placed:
    family: str
    community: str
    size: int
    score: float


@dataclass(frozen=True)
class Plan:
    placements: list[Placed]
    placed_families: int
    placed_people: int
    objective: float
    upper_bound: float  # no plan of the full problem scores more
    optimal: bool  # proven optimal: the upper bound equals the objective
    seconds: float
    greedy_objective: float
    lp_bound: float  # the LP relaxation's (Lagrangian) bound over all pairs
    use: dict[str, dict[str, tuple[int, int]]]  # community → capacity ("people", limits) → (used, available)
    pairs: int  # allowed pairs given
    pairs_in_model: int  # pairs CP-SAT saw
    status: str  # CP-SAT's status, or why it did not run
    repaired: int  # families the final check took out of a community over a capacity or limit (0 expected)

    @property
    def gap(self) -> float:
        """Relative optimality gap, 0 when proven optimal."""
        return 0.0 if self.upper_bound <= self.objective else (self.upper_bound - self.objective) / self.upper_bound


def compatibility(
    families: Sequence[Family], communities: Sequence[Community], weights: Weights | None = None
) -> np.ndarray:
    """A families × communities score matrix from their attributes: language community, openings in the
    family's sectors, medical need against medical places, children against school places. Saturating
    curves (1 − e^(−x/k)) so that the tenth opening counts less than the first."""
    w = weights or Weights()
    languages = sorted(
        {lang for f in families for lang in f.languages} | {lang for c in communities for lang in c.languages}
    )
    sectors = sorted({s for f in families for s in f.skills} | {s for c in communities for s in c.jobs})
    lang_at = {lang: n for n, lang in enumerate(languages)}
    sector_at = {s: n for n, s in enumerate(sectors)}
    speaks = np.zeros((len(families), len(languages)))
    skilled = np.zeros((len(families), len(sectors)))
    for n, family in enumerate(families):
        speaks[n, [lang_at[lang] for lang in family.languages]] = 1
        if family.skills:
            skilled[n, [sector_at[s] for s in family.skills]] = 1 / len(family.skills)
    spoken = np.zeros((len(communities), len(languages)))
    openings = np.zeros((len(communities), len(sectors)))
    for n, community in enumerate(communities):
        spoken[n, [lang_at[lang] for lang in community.languages]] = 1
        for sector, number in community.jobs.items():
            openings[n, sector_at[sector]] = number
    medical = np.array([f.medical for f in families], dtype=np.float64)
    children = np.array([f.children for f in families], dtype=np.float64)
    care = 1 - np.exp(-np.array([c.medical_places for c in communities], dtype=np.float64) / 5)
    seats = 1 - np.exp(-np.array([c.school_places for c in communities], dtype=np.float64) / 20)
    score = np.full((len(families), len(communities)), w.base)
    score += w.language * ((speaks @ spoken.T) > 0)
    score += w.jobs * (skilled @ (1 - np.exp(-openings / 10)).T)
    score += w.medical * np.outer(medical, 2 * care - 1)
    score += w.school * np.outer(children, seats)
    return score


def place(
    families: Sequence[Family],
    communities: Sequence[Community],
    pairs: Pairs,
    *,
    time_limit: float = 50.0,
    workers: int = 0,
    precision: int = 6,
    gap_limit: float = 0.0,
    max_model_pairs: int = MAX_MODEL_PAIRS,
) -> Plan:
    """The plan maximising the placed families' total score. `time_limit` (seconds) covers the whole
    solve; `workers` are CP-SAT's threads (0: the machine's cores, at most 8); CP-SAT rounds scores to
    `precision` decimals; `gap_limit` lets it stop within that relative gap of its bound. A `ValueError`
    names what is inconsistent in the input."""
    started = time.perf_counter()
    if time_limit <= 0 or workers < 0 or precision < 0 or gap_limit < 0:
        raise ValueError("placement: time_limit must be positive; workers, precision and gap_limit not negative")
    problem = _Problem.build(families, communities, pairs)
    greedy = problem.fill(problem.empty(), [problem.by_score])
    greedy_objective = problem.objective(greedy)
    best = greedy
    lp_bound = 0.0
    cp_bound = math.inf
    status = "nothing to place"
    kept = np.zeros(0, np.int64)
    exact_model = True
    if problem.positive.size:
        relaxation = _Relaxation(problem)
        # Other limits make the bound an iteration (LPs and flows), worth more of the time.
        relaxation.solve(deadline=started + (0.6 if problem.resources else 0.3) * time_limit)
        lp_bound = relaxation.bound
        rounded = relaxation.iterative_rounding(deadline=started + (0.7 if problem.resources else 0.5) * time_limit)
        if problem.objective(rounded) > greedy_objective:
            best = rounded
        if problem.positive.size <= max_model_pairs:
            kept = problem.positive
        else:
            exact_model = False
            kept = relaxation.neighbourhood(best, per_family=NEIGHBOURS)
        threads = workers or min(8, os.cpu_count() or 1)
        options = _Options(started + time_limit, threads, precision, gap_limit, exact_model)
        solved, status, cp_bound = _cp_sat(problem, kept, best, options)
        if problem.objective(solved) >= problem.objective(best):
            best = solved
    # Every step above keeps within every capacity and limit; checked all the same, and mended if need be.
    best, repaired = problem.repair(best)
    # A family that fits only where it scores 0 still goes there: a place beats none, at no cost to others.
    best = problem.fill(best, [problem.by_score])
    objective = problem.objective(best)
    upper_bound = min(lp_bound, cp_bound) if exact_model else lp_bound
    optimal = upper_bound - objective <= 1e-9 * max(1.0, abs(upper_bound))
    # Float noise must not show a bound under (or a hair over) a proven optimum.
    upper_bound = objective if optimal else upper_bound
    return problem.plan(
        best,
        objective=objective,
        upper_bound=upper_bound,
        optimal=optimal,
        seconds=time.perf_counter() - started,
        greedy_objective=greedy_objective,
        lp_bound=max(lp_bound, objective),
        pairs_in_model=int(kept.size),
        status=status,
        repaired=repaired,
    )


class _Problem:
    """The allowed pairs that can be used at all (score ≥ 0, the family fits the community's capacity and
    limits) as arrays sorted by family, best score first; an assignment is an array family → pair index,
    −1 for unplaced."""

    def __init__(self, families: Sequence[Family], communities: Sequence[Community], pairs: Pairs) -> None:
        self.families = families
        self.communities = communities
        self.n_families = len(families)
        self.size = np.array([f.size for f in families], dtype=np.int64)
        self.capacity = np.array([c.capacity for c in communities], dtype=np.int64)
        self.resources = sorted({name for c in communities for name in c.limits})
        self.uses = np.array([[f.uses.get(r, 0) for r in self.resources] for f in families], np.int64).reshape(
            len(families), len(self.resources)
        )
        # A limit a community does not name does not bind there: infinity.
        self.limit = np.array(
            [[c.limits.get(r, math.inf) for r in self.resources] for c in communities], np.float64
        ).reshape(len(communities), len(self.resources))
        self.n_pairs = int(pairs.score.size)
        # 32-bit indexes: millions of pairs, each array copied a few times on the way.
        fam = np.asarray(pairs.family).astype(np.int32)
        com = np.asarray(pairs.community).astype(np.int32)
        score = np.asarray(pairs.score, np.float64)
        usable = score >= 0
        usable &= self.size[fam] <= self.capacity[com]
        for r in range(len(self.resources)):
            usable &= self.uses[fam, r] <= self.limit[com, r]
        fam, com, score = fam[usable], com[usable], score[usable]
        del usable
        order = np.lexsort((-score, fam))
        self.fam, self.com, self.score = fam[order], com[order], score[order]
        del fam, com, score, order
        self.positive = np.flatnonzero(self.score > 0)
        self.by_score = np.argsort(-self.score, kind="stable")

    @classmethod
    def build(cls, families: Sequence[Family], communities: Sequence[Community], pairs: Pairs) -> _Problem:
        problems = []
        if any(f.size < 1 for f in families):
            problems.append("every family has at least one person")
        if any(c.capacity < 0 or any(v < 0 for v in c.limits.values()) for c in communities):
            problems.append("capacities and limits are not negative")
        if any(v < 0 for f in families for v in f.uses.values()):
            problems.append("what a family uses is not negative")
        if any(PEOPLE in c.limits for c in communities):
            problems.append(f"no limit named {PEOPLE!r} (that is the capacity)")
        if len({f.id for f in families}) != len(families) or len({c.id for c in communities}) != len(communities):
            problems.append("ids are unique")
        n = int(pairs.score.size)
        if not (len(pairs.family) == len(pairs.community) == n):
            problems.append("the pair arrays have the same length")
        elif n:
            if pairs.family.min() < 0 or pairs.family.max() >= len(families):
                problems.append("pair families are indexes into the families")
            elif pairs.community.min() < 0 or pairs.community.max() >= len(communities):
                problems.append("pair communities are indexes into the communities")
            else:
                keys = np.sort(np.asarray(pairs.family, np.int64) * len(communities) + pairs.community)
                if (keys[1:] == keys[:-1]).any():
                    problems.append("each pair is given once")
            if not np.isfinite(pairs.score).all():
                problems.append("scores are finite")
        if problems:
            raise ValueError("placement input: expected " + "; ".join(problems))
        return cls(families, communities, pairs)

    def empty(self) -> np.ndarray:
        return np.full(self.n_families, -1, np.int64)

    def objective(self, assign: np.ndarray) -> float:
        # fsum: the exact sum correctly rounded, whatever the order of the families.
        return math.fsum(self.score[assign[assign >= 0]].tolist())

    def fill(self, assign: np.ndarray, orders: Sequence[np.ndarray]) -> np.ndarray:
        """`assign` completed by walking each order of pair indexes in turn and taking every pair whose
        family is still free and which still fits."""
        assign = assign.copy()
        placed = np.flatnonzero(assign >= 0)
        where = self.com[assign[placed]]
        n_communities = len(self.communities)
        room = (self.capacity - np.bincount(where, weights=self.size[placed], minlength=n_communities)).tolist()
        left = self.limit.copy()
        for r in range(len(self.resources)):
            left[:, r] -= np.bincount(where, weights=self.uses[placed, r], minlength=n_communities)
        limits = left.tolist()
        needs = [[(r, v) for r, v in enumerate(row) if v] for row in self.uses.tolist()]
        free = (assign < 0).tolist()
        free_count = sum(free)
        size = self.size.tolist()
        for order in orders:
            for start in range(0, order.size, BLOCK):
                if not free_count:
                    return assign
                block = order[start : start + BLOCK]
                for p, f, c in zip(block.tolist(), self.fam[block].tolist(), self.com[block].tolist(), strict=True):
                    if not free[f] or room[c] < size[f] or any(limits[c][r] < v for r, v in needs[f]):
                        continue
                    room[c] -= size[f]
                    for r, v in needs[f]:
                        limits[c][r] -= v
                    assign[f] = p
                    free[f] = False
                    free_count -= 1
        return assign

    def over(self, assign: np.ndarray) -> np.ndarray:
        """Which communities `assign` puts over their capacity or one of their limits."""
        placed = np.flatnonzero(assign >= 0)
        where = self.com[assign[placed]]
        n_communities = len(self.communities)
        over = np.bincount(where, weights=self.size[placed], minlength=n_communities) > self.capacity
        for r in range(len(self.resources)):
            over |= np.bincount(where, weights=self.uses[placed, r], minlength=n_communities) > self.limit[:, r]
        return over

    def repair(self, assign: np.ndarray) -> tuple[np.ndarray, int]:
        """`assign` within every capacity and limit: from a community over one, placed families leave,
        lowest score first, until it is within all. Returns the assignment and how many left."""
        over = self.over(assign)
        if not over.any():
            return assign, 0
        assign = assign.copy()
        left = 0
        placed = np.flatnonzero(assign >= 0)
        for c in np.flatnonzero(over).tolist():
            members = placed[self.com[assign[placed]] == c]
            members = members[np.argsort(self.score[assign[members]], kind="stable")]
            for f in members.tolist():
                if not self.over(assign)[c]:
                    break
                assign[f] = -1
                left += 1
        return assign, left

    def plan(self, assign: np.ndarray, **figures: Any) -> Plan:
        used = {c.id: {PEOPLE: 0, **dict.fromkeys(c.limits, 0)} for c in self.communities}
        placements = []
        for f in np.flatnonzero(assign >= 0).tolist():
            p = int(assign[f])
            family, community = self.families[f], self.communities[int(self.com[p])]
            placements.append(Placed(family.id, community.id, family.size, float(self.score[p])))
            used[community.id][PEOPLE] += family.size
            for name in community.limits:
                used[community.id][name] += family.uses.get(name, 0)
        use = {
            c.id: {
                name: (amount, c.capacity if name == PEOPLE else c.limits[name]) for name, amount in used[c.id].items()
            }
            for c in self.communities
        }
        return Plan(
            placements=placements,
            placed_families=len(placements),
            placed_people=sum(p.size for p in placements),
            use=use,
            pairs=self.n_pairs,
            **figures,
        )


class _Relaxation:
    """The LP relaxation over every positive pair. With people capacities only it is a transportation
    problem in people (a family's people may split in the LP), solved exactly as a min-cost flow. Other
    limits are priced in by Lagrange multipliers μ: for any μ ≥ 0 the flow with each pair's score less what
    it uses at those prices, plus what the limits are worth at those prices, is a bound (weak duality). The
    multipliers come from an LP with every limit over a few pairs (each family's best and the ones the
    flows use), solved again with the pairs each new flow uses: the two meet at the LP's optimum."""

    def __init__(self, problem: _Problem) -> None:
        self.problem = problem
        pos = problem.positive
        self.fam, self.com, self.score = problem.fam[pos], problem.com[pos], problem.score[pos]
        self.uses = problem.uses[self.fam].astype(np.float64)
        self.finite = np.isfinite(problem.limit)
        self.bound = math.inf
        # The last LP's multipliers (0 until there is one), and each pair's share of its family in the best
        # fractional plan known: that LP's (within every limit) once there is one, else the flow's.
        self.mu = np.zeros(problem.limit.shape)
        self.values = np.zeros(pos.size)

    def solve(self, deadline: float) -> None:
        p = self.problem
        mu = np.zeros(p.limit.shape)
        first = np.zeros(p.n_families + 1, np.int64)
        np.cumsum(np.bincount(self.fam, minlength=p.n_families), out=first[1:])
        # Positive pairs are in the problem's order (family, then best score first): rank is the position.
        columns = np.flatnonzero(np.arange(self.fam.size) - first[self.fam] < LP_SEED)
        lp_seconds = 0.0
        lp_value = -math.inf
        while True:
            started = time.perf_counter()
            bound, values = self._flow(mu)
            flow_seconds = time.perf_counter() - started
            self.bound = min(self.bound, bound)
            if lp_value == -math.inf:
                self.values = values
            if not self.finite.any() or self._met(lp_value):
                return
            columns = np.union1d(columns, np.flatnonzero(values > 1e-9))
            # An LP improves the rounding as well as the bound: it goes first when time is short.
            if time.perf_counter() + lp_seconds > deadline:
                return
            started = time.perf_counter()
            solved = self._restricted_lp(columns, deadline)
            lp_seconds = time.perf_counter() - started
            if solved is None:
                return
            lp_value, shares, price, mu = solved
            # The LP's own prices give a bound too (looser than the flow's at the same μ, but at once).
            self.bound = min(self.bound, self.dual_bound(price, mu))
            self.mu = mu
            self.values = np.zeros(self.score.size)
            self.values[columns] = shares
            if self._met(lp_value) or time.perf_counter() + flow_seconds > deadline:
                return

    def _met(self, lp_value: float) -> bool:
        """The LP over some pairs reaches the bound over every pair: it is the LP's optimum."""
        return self.bound - lp_value <= 1e-9 * max(1.0, abs(self.bound))

    def _restricted_lp(
        self, columns: np.ndarray, deadline: float
    ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray] | None:
        """The LP with every capacity and limit over the pairs `columns` (indexes into the positive pairs):
        its value, each pair's share of its family, and the dual prices of a person in each community and
        of a unit of each limit (μ). None when no LP solver is at hand or it did not finish in time."""
        p = self.problem
        solver = pywraplp.Solver.CreateSolver("CLP") or pywraplp.Solver.CreateSolver("GLOP")
        milliseconds = int(1000 * (deadline - time.perf_counter()))
        if solver is None or milliseconds < 50:
            return None
        solver.SetTimeLimit(milliseconds)
        infinity = solver.infinity()
        fam, com = self.fam[columns], self.com[columns]
        size, uses = p.size[fam].astype(np.float64), self.uses[columns]
        family_rows = {f: solver.Constraint(-infinity, 1.0) for f in np.unique(fam).tolist()}
        people_rows = {c: solver.Constraint(-infinity, float(p.capacity[c])) for c in np.unique(com).tolist()}
        limit_rows = {
            (c, r): solver.Constraint(-infinity, float(p.limit[c, r]))
            for c in people_rows
            for r in range(len(p.resources))
            if self.finite[c, r]
        }
        objective = solver.Objective()
        objective.SetMaximization()
        variables = []
        for f, c, s, n, used in zip(
            fam.tolist(), com.tolist(), self.score[columns].tolist(), size.tolist(), uses.tolist(), strict=True
        ):
            x = solver.NumVar(0.0, 1.0, "")
            variables.append(x)
            family_rows[f].SetCoefficient(x, 1.0)
            people_rows[c].SetCoefficient(x, n)
            for r, amount in enumerate(used):
                if amount and (c, r) in limit_rows:
                    limit_rows[c, r].SetCoefficient(x, amount)
            objective.SetCoefficient(x, s)
        parameters = pywraplp.MPSolverParameters()
        # Measured: CLP's interior point (with its crossover) twice as fast as its simplex on these LPs.
        if solver.SolverVersion().startswith("Clp"):
            parameters.SetIntegerParam(parameters.LP_ALGORITHM, parameters.BARRIER)
        if solver.Solve(parameters) != pywraplp.Solver.OPTIMAL:
            return None
        shares = np.clip(np.array([x.solution_value() for x in variables]), 0.0, 1.0)
        price = np.zeros(len(p.communities))
        for c, row in people_rows.items():
            price[c] = max(0.0, row.dual_value())
        mu = np.zeros(p.limit.shape)
        for (c, r), row in limit_rows.items():
            mu[c, r] = max(0.0, row.dual_value())
        return math.fsum((self.score[columns] * shares).tolist()), shares, price, mu

    def dual_bound(self, price: np.ndarray, mu: np.ndarray) -> float:
        """The LP dual's value at prices per person (`price`) and per unit of each limit (`mu`), each family
        taking its best pair at those prices or none: a bound for any prices ≥ 0 (weak duality)."""
        p = self.problem
        priced = np.where(self.finite, mu, 0)
        gain = self.score - p.size[self.fam] * price[self.com] - (self.uses * priced[self.com]).sum(axis=1)
        best = np.zeros(p.n_families)
        np.maximum.at(best, self.fam, gain)
        limits = priced * np.where(self.finite, p.limit, 0)
        return math.fsum([*(p.capacity * price).tolist(), *limits.ravel().tolist(), *best.tolist()])

    def _flow(
        self, mu: np.ndarray, among: np.ndarray | None = None, room: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        """The relaxation's value at multipliers μ (a bound) and its solution (each pair's share of its
        family), over the pairs `among` (indexes into the positive pairs; default all) within `room` people
        per community (default the capacities)."""
        p = self.problem
        among = np.arange(self.score.size) if among is None else among
        room = p.capacity if room is None else room
        priced = np.where(self.finite, mu, 0)
        profit = self.score[among] - (self.uses[among] * priced[self.com[among]]).sum(axis=1)
        offset = math.fsum((priced * np.where(self.finite, p.limit, 0)).ravel().tolist())
        values = np.zeros(among.size)
        arcs = np.flatnonzero(profit > 0)
        if not arcs.size:
            return offset, values
        fam, com = self.fam[among[arcs]], self.com[among[arcs]]
        solved = _transport(p, fam, com, profit[arcs], room)
        if solved is None:
            # Should not happen (the flow is always feasible); each family's best pair is a weak bound.
            best = np.zeros(p.n_families)
            np.maximum.at(best, fam, profit[arcs])
            return offset + float(best.sum()), values
        value, people = solved
        values[arcs] = people / p.size[fam]
        return offset + value, values

    def iterative_rounding(self, deadline: float) -> np.ndarray:
        """A plan from the LP: the families it places whole stay; the LP is solved again for the others in
        the room left, and so on — when a round places nobody whole, the largest family goes where its
        biggest share was. Then every pair by score, for what is left."""
        p = self.problem
        pos = p.positive
        assign = p.fill(p.empty(), [pos[self.values >= 1 - 1e-9]])
        while time.perf_counter() < deadline:
            placed = np.flatnonzero(assign >= 0)
            where = p.com[assign[placed]]
            room = p.capacity - np.bincount(where, weights=p.size[placed], minlength=len(p.communities)).astype(
                np.int64
            )
            fits = (assign[self.fam] < 0) & (p.size[self.fam] <= room[self.com])
            for r in range(len(p.resources)):
                left = p.limit[:, r] - np.bincount(where, weights=p.uses[placed, r], minlength=len(p.communities))
                fits &= self.uses[:, r] <= left[self.com]
            among = np.flatnonzero(fits)
            if not among.size:
                break
            _, values = self._flow(self.mu, among, room)
            whole = among[values >= 1 - 1e-9]
            if not whole.size:
                if values.max() <= 0:
                    break
                whole = among[[np.lexsort((-values, -p.size[self.fam[among]]))[0]]]
            before = placed.size
            assign = p.fill(assign, [pos[whole]])
            if np.count_nonzero(assign >= 0) == before:
                break
        return p.fill(assign, [p.by_score])

    def neighbourhood(self, best: np.ndarray, per_family: int) -> np.ndarray:
        """Pair indexes for a CP-SAT model too large to hold every pair: each family's best few by score,
        every pair the LP uses, and the incumbent's."""
        p = self.problem
        first = np.zeros(p.n_families + 1, np.int64)
        np.cumsum(np.bincount(self.fam, minlength=p.n_families), out=first[1:])
        # Positive pairs keep the problem's order (family, then best score first): rank is the position.
        rank = np.arange(self.fam.size) - first[self.fam]
        pos = p.positive
        chosen = best[best >= 0]
        return np.union1d(pos[(rank < per_family) | (self.values > 1e-9)], chosen[p.score[chosen] > 0])


@dataclass(frozen=True)
class _Options:
    deadline: float  # time.perf_counter() at which CP-SAT must be done, building its model included
    workers: int
    precision: int
    gap_limit: float
    exact_model: bool


def _cp_sat(problem: _Problem, kept: np.ndarray, hint: np.ndarray, options: _Options) -> tuple[np.ndarray, str, float]:
    """The best plan CP-SAT finds on the kept pairs, its status, and its bound in score units (valid for the
    whole problem only when `kept` is every positive pair)."""
    scores = problem.score[kept]
    n_families = int(np.unique(problem.fam[kept]).size)
    # 64-bit sums: the largest total must stay well inside 2**62.
    largest = float(np.abs(scores).max()) * max(1, n_families)
    scale = float(10**options.precision)
    if largest * scale > 2.0**60:
        scale = 10.0 ** math.floor(math.log10(2.0**60 / largest))
    integer = np.rint(scores * scale).astype(np.int64)
    fam, com = problem.fam[kept], problem.com[kept]
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(kept.size)]
    by_family: dict[int, list[int]] = {}
    by_community: dict[int, list[int]] = {}
    for i, (f, c) in enumerate(zip(fam.tolist(), com.tolist(), strict=True)):
        by_family.setdefault(f, []).append(i)
        by_community.setdefault(c, []).append(i)
    for members in by_family.values():
        if len(members) > 1:
            model.add_at_most_one([x[i] for i in members])
    for c, members in by_community.items():
        chosen = [x[i] for i in members]
        # A capacity that every candidate together cannot exceed needs no constraint.
        sizes = problem.size[fam[members]]
        if sizes.sum() > problem.capacity[c]:
            model.add(cp_model.LinearExpr.weighted_sum(chosen, sizes.tolist()) <= int(problem.capacity[c]))
        for r in range(len(problem.resources)):
            used = problem.uses[fam[members], r]
            if used.sum() > problem.limit[c, r]:
                model.add(cp_model.LinearExpr.weighted_sum(chosen, used.tolist()) <= int(problem.limit[c, r]))
    model.maximize(cp_model.LinearExpr.weighted_sum(x, integer.tolist()))
    hinted = np.isin(kept, hint[hint >= 0])
    for var, on in zip(x, hinted.tolist(), strict=True):
        model.add_hint(var, on)
    assign = problem.empty()
    seconds = options.deadline - time.perf_counter()
    if seconds < 0.05:
        return assign, "no time left for CP-SAT", math.inf
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = options.workers
    solver.parameters.relative_gap_limit = options.gap_limit
    # On a neighbourhood nothing is to be proved: every worker improves the hint by local search.
    solver.parameters.use_lns_only = not options.exact_model
    code = solver.solve(model)
    status = solver.status_name(code)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return assign, status, math.inf
    values = np.array([solver.boolean_value(v) for v in x], dtype=bool)
    assign[fam[values]] = kept[values]
    # The most rounding can hide: each family's largest shortfall of rounded score under true score.
    hidden = np.zeros(problem.n_families)
    np.maximum.at(hidden, fam, np.maximum(scores - integer / scale, 0.0))
    return assign, status, solver.best_objective_bound / scale + float(hidden.sum())


def _transport(
    problem: _Problem, fam: np.ndarray, com: np.ndarray, profit: np.ndarray, room: np.ndarray
) -> tuple[float, np.ndarray] | None:
    """The transportation problem in people over the arcs (family, community) with these profits (all
    positive) — each family may send up to its size, each community take up to its room — solved as a
    min-cost flow: its value (rounded so as to overstate, never understate) and the people on each arc."""
    size = problem.size[fam]
    per_person = profit / size
    families = np.unique(fam)
    people = int(problem.size[families].sum())
    # Integer costs, rounded up so that the flow's value can only overstate the relaxation's: the bound
    # stays a bound.
    scale = _cost_scale(per_person, people)
    n_families, n_communities = problem.n_families, len(problem.communities)
    sink = n_families + n_communities
    graph = min_cost_flow.SimpleMinCostFlow()
    graph.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([fam, families, n_families + np.arange(n_communities)]),
        np.concatenate([n_families + com, np.full(families.size, sink), np.full(n_communities, sink)]),
        np.concatenate([size, problem.size[families], room]),
        np.concatenate([-np.ceil(per_person * scale), np.zeros(families.size + n_communities)]).astype(np.int64),
    )
    supplies = np.zeros(sink + 1, np.int64)
    supplies[families] = problem.size[families]
    supplies[sink] = -people
    graph.set_nodes_supplies(np.arange(sink + 1), supplies)
    if graph.solve() != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
        return None
    return -graph.optimal_cost() / scale, graph.flows(np.arange(fam.size)).astype(np.float64)


def _cost_scale(per_person: np.ndarray, people: int) -> float:
    """Integer costs for the flow: per-person profit times this, which keeps the total within int64."""
    return min(1e6, 2.0**60 / (float(per_person.max()) * people + 1))
