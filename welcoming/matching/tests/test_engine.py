from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from ortools.linear_solver import pywraplp

from welcoming.matching.engine import (
    Constraint,
    Criterion,
    EngineError,
    Problem,
    _bound,
    build_candidates,
    candidate_ranks,
    greedy,
    match_features,
    solve,
)


def pairs(result):
    return sorted((m.left, m.right, m.quantity) for m in result.matches)


def lp_optimum(problem: Problem) -> float:
    """The LP relaxation's optimum with GLOP: integral for bipartite b-matching."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    x = [solver.NumVar(0, float(problem.limit[e]), f"x{e}") for e in range(len(problem.score))]
    for side, capacity in ((problem.edge_left, problem.left_capacity), (problem.edge_right, problem.right_capacity)):
        for item, cap in enumerate(capacity.tolist()):
            edges = np.nonzero(side == item)[0].tolist()
            if edges:
                solver.Add(sum(x[e] for e in edges) <= cap)
    solver.Maximize(sum(float(problem.score[e]) * x[e] for e in range(len(x))))
    assert solver.Solve() == pywraplp.Solver.OPTIMAL
    return float(solver.Objective().Value())


def brute_force(problem: Problem) -> float:
    """Every subset of edges, each used once: the best total within the capacities."""
    best = 0.0
    edges = range(len(problem.score))
    for size in range(1, len(problem.score) + 1):
        for chosen in itertools.combinations(edges, size):
            left = np.bincount(problem.edge_left[list(chosen)], minlength=len(problem.left_ids))
            right = np.bincount(problem.edge_right[list(chosen)], minlength=len(problem.right_ids))
            if (left <= problem.left_capacity).all() and (right <= problem.right_capacity).all():
                best = max(best, float(problem.score[list(chosen)].sum()))
    return best


def random_problem(rng: np.random.Generator, *, repeats: bool) -> Problem:
    n_left, n_right = int(rng.integers(2, 9)), int(rng.integers(2, 9))
    edges = [
        (f"l{i}", f"r{j}", round(float(rng.normal(1, 2)), 3))
        for i in range(n_left)
        for j in range(n_right)
        if rng.random() < 0.5
    ]
    return Problem.from_edges(
        edges,
        left_capacity={f"l{i}": int(rng.integers(0, 4)) for i in range(n_left)},
        right_capacity={f"r{j}": int(rng.integers(0, 4)) for j in range(n_right)},
        repeats=repeats,
    )


def test_the_engine_finds_the_optimum_where_greedy_takes_the_best_edge_and_loses():
    problem = Problem.from_edges([("a", "x", 3.0), ("a", "y", 2.9), ("b", "x", 2.8)])
    result = solve(problem)
    assert pairs(result) == [("a", "y", 1), ("b", "x", 1)]
    assert result.objective == pytest.approx(5.7)
    assert result.greedy_objective == pytest.approx(3.0)
    assert result.upper_bound == pytest.approx(5.7)
    assert result.upper_bound >= result.objective


def test_the_optimum_is_of_maximum_weight_not_maximum_cardinality():
    problem = Problem.from_edges([("a", "x", 10.0), ("a", "y", 1.0), ("b", "x", 1.0)])
    result = solve(problem)
    assert pairs(result) == [("a", "x", 1)]
    assert result.objective == 10.0


def test_negative_and_zero_edges_are_never_chosen():
    result = solve(Problem.from_edges([("a", "x", -1.0), ("b", "y", 0.0), ("b", "x", -0.5)]))
    assert result.matches == []
    assert result.objective == 0.0
    assert result.upper_bound == 0.0
    assert result.greedy_objective == 0.0
    mixed = solve(Problem.from_edges([("a", "x", -1.0), ("a", "y", 0.5), ("b", "x", 2.0)]))
    assert pairs(mixed) == [("a", "y", 1), ("b", "x", 1)]


@pytest.mark.parametrize("seed", range(40))
def test_random_instances_reach_the_lp_optimum_and_the_bound_matches_it(seed):
    rng = np.random.default_rng(seed)
    problem = random_problem(rng, repeats=seed % 2 == 1)
    result = solve(problem)
    optimum = lp_optimum(problem)
    assert result.objective == pytest.approx(optimum, abs=1e-6)
    assert optimum - 1e-9 <= result.upper_bound <= optimum + 1e-6
    assert result.greedy_objective <= result.objective + 1e-9
    # The matching respects every capacity and edge limit.
    flows = result.flows
    assert (flows <= problem.limit).all()
    assert (np.bincount(problem.edge_left, flows, len(problem.left_ids)) <= problem.left_capacity).all()
    assert (np.bincount(problem.edge_right, flows, len(problem.right_ids)) <= problem.right_capacity).all()


@pytest.mark.parametrize("seed", range(10))
def test_small_instances_match_a_brute_force_search(seed):
    rng = np.random.default_rng(100 + seed)
    edges = [(f"l{int(rng.integers(3))}", f"r{int(rng.integers(3))}", float(rng.normal(1, 1))) for _ in range(9)]
    unique = list({(left, right): (left, right, score) for left, right, score in edges}.values())
    capacity = {f"l{i}": int(rng.integers(1, 3)) for i in range(3)}
    problem = Problem.from_edges(unique, left_capacity=capacity, right_capacity={f"r{i}": 2 for i in range(3)})
    assert solve(problem).objective == pytest.approx(brute_force(problem), abs=1e-6)


def test_any_prices_give_a_bound_no_lower_than_the_optimum():
    rng = np.random.default_rng(7)
    for _ in range(20):
        problem = random_problem(rng, repeats=False)
        optimum = lp_optimum(problem)
        prices = rng.uniform(0, 3, len(problem.right_ids))
        assert _bound(problem, prices) >= optimum - 1e-9


def test_capacities_above_one_on_both_sides():
    # Mentors taking two newcomers, a newcomer wanting two mentors; each pair at most once.
    problem = Problem.from_edges(
        [
            ("n1", "m1", 3.0),
            ("n1", "m2", 2.0),
            ("n2", "m1", 2.5),
            ("n3", "m1", 2.4),
            ("n3", "m2", 0.5),
            ("n2", "m2", 1.0),
        ],
        left_capacity={"n1": 2},
        right_capacity={"m1": 2},
    )
    result = solve(problem)
    assert pairs(result) == [("n1", "m1", 1), ("n1", "m2", 1), ("n2", "m1", 1)]
    assert result.objective == pytest.approx(7.5) == lp_optimum(problem)


def test_goods_with_quantities_flow_as_many_units_as_both_sides_allow():
    # Households asking for 3 and 2 coats; lots of 4 and 2 coats; scores per coat.
    edges = [("h1", "lot1", 2.0), ("h1", "lot2", 1.0), ("h2", "lot1", 1.5), ("h2", "lot2", 1.4)]
    capacities = {"left_capacity": {"h1": 3, "h2": 2}, "right_capacity": {"lot1": 4, "lot2": 2}}
    result = solve(Problem.from_edges(edges, repeats=True, **capacities))
    assert pairs(result) == [("h1", "lot1", 3), ("h2", "lot1", 1), ("h2", "lot2", 1)]
    assert result.objective == pytest.approx(3 * 2.0 + 1.5 + 1.4)
    assert result.upper_bound == pytest.approx(result.objective)
    # Without repeats each pair carries one coat at most.
    once = solve(Problem.from_edges(edges, **capacities))
    assert [m.quantity for m in once.matches] == [1, 1, 1, 1]
    assert once.objective == pytest.approx(5.9)


def test_fairness_figures_on_a_tiny_instance_match_a_hand_count():
    # Optimum a-y + b-x = 7.5 (greedy: a-x + c-y = 7). a ranks y 2nd, b gets its best; c is left out.
    problem = Problem.from_edges(
        [("a", "x", 5.0), ("a", "y", 4.0), ("b", "x", 3.5), ("c", "y", 2.0), ("c", "x", 1.0)],
        groups={"a": "g1", "b": "g1", "c": "g2"},
    )
    result = solve(problem)
    assert pairs(result) == [("a", "y", 1), ("b", "x", 1)]
    assert result.greedy_objective == pytest.approx(7.0)
    g1, g2 = result.fairness
    assert (g1.group, g1.items, g1.matched, g1.share_matched, g1.mean_rank) == ("g1", 2, 2, 1.0, 1.5)
    assert (g2.group, g2.items, g2.matched, g2.share_matched, g2.mean_rank) == ("g2", 1, 0, 0.0, None)
    # a would rather have x (5 > its 4), which b holds; c would rather have x or y than nothing.
    assert (g1.envious, g2.envious, result.overall.envious) == (1, 1, 2)
    assert result.overall.share_matched == pytest.approx(2 / 3)
    assert [m.rank for m in result.matches] == [2, 1]
    assert result.matches[0].explanation == {"score": 4.0}


def test_tied_scores_share_the_best_rank():
    problem = Problem.from_edges([("a", "x", 2.0), ("a", "y", 2.0), ("a", "z", 1.0), ("b", "z", 1.0)])
    assert candidate_ranks(problem).tolist() == [1, 1, 3, 1]


def test_greedy_takes_edges_by_decreasing_score_while_capacities_allow():
    problem = Problem.from_edges([("a", "x", 1.0), ("a", "y", 3.0), ("b", "y", 2.0), ("b", "x", 0.5)])
    assert greedy(problem).tolist() == [0, 1, 0, 1]


def test_bad_problems_are_refused_clearly():
    with pytest.raises(EngineError, match=r"duplicate edges, e.g. a - x"):
        Problem.from_edges([("a", "x", 1.0), ("a", "x", 2.0)])
    with pytest.raises(EngineError, match=">= 0"):
        Problem.from_edges([("a", "x", 1.0)], left_capacity={"a": -1})
    with pytest.raises(EngineError, match="finite"):
        Problem.from_edges([("a", "x", math.nan)])


def housing(n_left: int, n_right: int, seed: int) -> tuple[Any, ...]:
    rng = np.random.default_rng(seed)
    left = {"x": rng.uniform(0, 10, n_left), "budget": rng.uniform(500, 1500, n_left), "wait": rng.random(n_left)}
    right = {"x": rng.uniform(0, 10, n_right), "rent": rng.uniform(400, 1600, n_right)}
    criteria = [
        Criterion("near", 2.0, lambda h, u: 1 - np.minimum(np.abs(h["x"] - u["x"]) / 10, 1)),
        Criterion("cheap", 1.0, lambda h, u: 1 - u["rent"] / h["budget"]),
        Criterion("waiting", 1.0, lambda h, u: h["wait"]),
    ]
    constraints = [Constraint("affordable", lambda h, u: u["rent"] <= h["budget"])]
    ids = [f"h{i}" for i in range(n_left)], [f"u{j}" for j in range(n_right)]
    return ids, left, right, criteria, constraints


def test_candidates_keep_the_top_k_allowed_pairs_with_their_explanation():
    (left_ids, right_ids), left, right, criteria, constraints = housing(30, 40, seed=1)
    problem = build_candidates(left_ids, right_ids, left, right, criteria, constraints, k=5, block=7)
    full = build_candidates(left_ids, right_ids, left, right, criteria, constraints, k=40)
    assert (np.bincount(problem.edge_left, minlength=30) <= 5).all()
    assert (right["rent"][problem.edge_right] <= left["budget"][problem.edge_left]).all()
    assert (problem.score > 0).all()
    np.testing.assert_allclose(problem.contributions.sum(axis=1), problem.score)
    for item in range(30):
        kept = problem.score[problem.edge_left == item]
        every = np.sort(full.score[full.edge_left == item])[::-1]
        np.testing.assert_allclose(np.sort(kept)[::-1], every[: len(kept)])
    match = solve(problem).matches[0]
    assert set(match.explanation) == {"near", "cheap", "waiting"}
    assert sum(match.explanation.values()) == pytest.approx(match.score)


@pytest.mark.parametrize("seed", range(4))
def test_pricing_recovers_what_pruning_lost_and_proves_it_over_every_pair(seed):
    (left_ids, right_ids), left, right, criteria, constraints = housing(60, 45, seed=seed)
    exact = solve(build_candidates(left_ids, right_ids, left, right, criteria, constraints, k=45))
    pruned = solve(build_candidates(left_ids, right_ids, left, right, criteria, constraints, k=2))
    assert pruned.objective < 0.9 * exact.objective
    for cache_mb in (1024, 0):
        result = match_features(left_ids, right_ids, left, right, criteria, constraints, k=2, cache_mb=cache_mb)
        assert result.objective == pytest.approx(exact.objective, rel=1e-8)
        assert result.objective <= result.upper_bound_all_pairs <= exact.objective * (1 + 1e-8)
        assert result.pricing_rounds >= 1


def test_capacity_zero_items_are_never_matched():
    problem = Problem.from_edges(
        [("a", "x", 5.0), ("a", "y", 1.0), ("b", "x", 1.0)], left_capacity={"b": 0}, right_capacity={"x": 0}
    )
    result = solve(problem)
    assert pairs(result) == [("a", "y", 1)]
    assert result.upper_bound == pytest.approx(1.0)
