from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from ortools.linear_solver import pywraplp

from welcoming.matching.placement import Community, Family, Pairs, Plan, _Problem, compatibility, place

NOT_ALLOWED = float("nan")


def brute_force(families: list[Family], communities: list[Community], scores: np.ndarray) -> float:
    """The best total score over every way of placing each family in one community or nowhere."""
    best = 0.0
    for choice in itertools.product(range(-1, len(communities)), repeat=len(families)):
        people = [0] * len(communities)
        limits = [dict.fromkeys(c.limits, 0) for c in communities]
        total = 0.0
        allowed = True
        for f, c in enumerate(choice):
            if c < 0:
                continue
            score = scores[f, c]
            if not np.isfinite(score) or score < 0:
                allowed = False
                break
            people[c] += families[f].size
            for name in limits[c]:
                limits[c][name] += families[f].uses.get(name, 0)
            total += score
        fits = all(people[c] <= k.capacity for c, k in enumerate(communities)) and all(
            used <= communities[c].limits[name] for c, use in enumerate(limits) for name, used in use.items()
        )
        if allowed and fits:
            best = max(best, total)
    return best


def assert_feasible(plan: Plan, families: list[Family], communities: list[Community], scores: np.ndarray) -> None:
    family_at = {f.id: n for n, f in enumerate(families)}
    community_at = {c.id: n for n, c in enumerate(communities)}
    placed = [p.family for p in plan.placements]
    assert len(placed) == len(set(placed)), "a family placed twice"
    people = dict.fromkeys(community_at, 0)
    for p in plan.placements:
        f, c = family_at[p.family], community_at[p.community]
        assert p.size == families[f].size, "a family split"
        assert scores[f, c] >= 0 and p.score == scores[f, c], "a pair that is not allowed"
        people[p.community] += p.size
    for community in communities:
        assert people[community.id] <= community.capacity
        assert plan.use[community.id]["people"] == (people[community.id], community.capacity)


def random_instance(rng: random.Random) -> tuple[list[Family], list[Community], np.ndarray]:
    families = [Family(f"f{n}", rng.randint(1, 6)) for n in range(rng.randint(1, 6))]
    communities = [Community(f"c{n}", rng.randint(0, 12)) for n in range(rng.randint(1, 3))]
    choices = [NOT_ALLOWED, -2.0, 0.0, *[float(s) for s in range(1, 10)]]
    scores = np.array([[rng.choice(choices) for _ in communities] for _ in families])
    return families, communities, scores


def test_a_small_instance_solved_by_hand_gets_its_optimum() -> None:
    # X holds 4, Y holds 2. a (3 people) only scores in X; b (2) prefers X but is nearly as happy in Y;
    # c (2) is happier in Y. Best: a in X (10) and b in Y (9) = 19; c cannot fit anywhere then.
    families = [Family("a", 3), Family("b", 2), Family("c", 2)]
    communities = [Community("X", 4), Community("Y", 2)]
    scores = np.array([[10.0, -1.0], [11.0, 9.0], [4.0, 5.0]])
    plan = place(families, communities, Pairs.from_matrix(scores), time_limit=10)
    assert {(p.family, p.community) for p in plan.placements} == {("a", "X"), ("b", "Y")}
    assert (plan.objective, plan.upper_bound, plan.placed_families, plan.placed_people) == (19.0, 19.0, 2, 5)
    assert plan.optimal
    assert plan.use == {"X": {"people": (3, 4)}, "Y": {"people": (2, 2)}}


def test_random_small_instances_match_brute_force_and_their_bound_is_tight() -> None:
    rng = random.Random(6)
    for _ in range(80):
        families, communities, scores = random_instance(rng)
        plan = place(families, communities, Pairs.from_matrix(scores), time_limit=10, workers=1)
        assert_feasible(plan, families, communities, scores)
        optimum = brute_force(families, communities, scores)
        assert plan.objective == pytest.approx(optimum)
        assert plan.upper_bound >= plan.objective
        assert plan.upper_bound == pytest.approx(optimum)
        assert plan.optimal


def test_the_greedy_baseline_is_beaten_where_taking_the_best_pair_first_blocks_a_better_plan() -> None:
    # Greedy takes b in X (11) first; a no longer fits anywhere. The optimum moves b to Y.
    families = [Family("a", 3), Family("b", 2)]
    communities = [Community("X", 4), Community("Y", 2)]
    scores = np.array([[10.0, NOT_ALLOWED], [11.0, 9.0]])
    plan = place(families, communities, Pairs.from_matrix(scores), time_limit=10)
    assert plan.greedy_objective == 11.0
    assert plan.objective == 19.0


def test_a_negative_score_is_never_chosen_even_with_room_to_spare() -> None:
    families = [Family("a", 1), Family("b", 1)]
    communities = [Community("X", 10)]
    plan = place(families, communities, Pairs.from_matrix(np.array([[-0.5], [2.0]])), time_limit=10)
    assert [p.family for p in plan.placements] == ["b"]
    assert plan.objective == 2.0


def test_a_family_too_large_for_every_community_stays_unplaced_and_counts_for_nothing() -> None:
    families = [Family("big", 9), Family("small", 2)]
    communities = [Community("X", 8), Community("Y", 0)]
    plan = place(families, communities, Pairs.from_matrix(np.array([[50.0, 50.0], [1.0, 3.0]])), time_limit=10)
    assert [(p.family, p.community) for p in plan.placements] == [("small", "X")]
    assert plan.objective == plan.upper_bound == 1.0


def test_a_family_that_scores_zero_is_still_placed_where_it_fits() -> None:
    families = [Family("a", 2), Family("b", 2)]
    communities = [Community("X", 4)]
    plan = place(families, communities, Pairs.from_matrix(np.array([[0.0], [5.0]])), time_limit=10)
    assert plan.placed_families == 2
    assert plan.objective == 5.0


def test_other_limits_bind_and_are_reported_with_their_use() -> None:
    # Two families need medical care and X has one medical place: the second goes to Y though it scores less.
    families = [Family("a", 2, uses={"medical": 1}), Family("b", 2, uses={"medical": 1}), Family("c", 1)]
    communities = [Community("X", 10, limits={"medical": 1}), Community("Y", 10)]
    scores = np.array([[9.0, 1.0], [8.0, 2.0], [1.0, 1.0]])
    plan = place(families, communities, Pairs.from_matrix(scores), time_limit=10)
    assert plan.objective == pytest.approx(brute_force(families, communities, scores)) == 12.0
    assert {(p.family, p.community) for p in plan.placements} == {("a", "X"), ("b", "Y"), ("c", "X")}
    assert plan.use["X"] == {"people": (3, 10), "medical": (1, 1)}
    assert plan.upper_bound == plan.objective


def test_random_instances_with_limits_match_brute_force() -> None:
    rng = random.Random(7)
    for _ in range(40):
        families, communities, scores = random_instance(rng)
        families = [Family(f.id, f.size, uses={"school": rng.randint(0, 3)}) for f in families]
        communities = [Community(c.id, c.capacity, limits={"school": rng.randint(0, 4)}) for c in communities]
        plan = place(families, communities, Pairs.from_matrix(scores), time_limit=10, workers=1)
        assert plan.objective == pytest.approx(brute_force(families, communities, scores))
        assert plan.upper_bound >= plan.objective - 1e-9
        for community in communities:
            used, limit = plan.use[community.id]["school"]
            assert used <= limit


def test_the_lp_bound_holds_for_every_pair_when_cp_sat_only_sees_a_neighbourhood() -> None:
    rng = random.Random(8)
    for n in range(40):
        families, communities, scores = random_instance(rng)
        if n % 2:
            # Other limits too: the bound then comes from Lagrange multipliers on them.
            families = [Family(f.id, f.size, uses={"school": rng.randint(0, 3)}) for f in families]
            communities = [Community(c.id, c.capacity, limits={"school": rng.randint(0, 4)}) for c in communities]
        optimum = brute_force(families, communities, scores)
        plan = place(families, communities, Pairs.from_matrix(scores), time_limit=10, workers=1, max_model_pairs=1)
        assert_feasible(plan, families, communities, scores)
        assert plan.objective <= optimum + 1e-9
        assert plan.upper_bound >= optimum - 1e-9
        assert plan.lp_bound >= optimum - 1e-9


def test_scores_finer_than_the_precision_still_give_a_valid_bound() -> None:
    rng = random.Random(9)
    for _ in range(30):
        families, communities, scores = random_instance(rng)
        scores = scores + np.where(np.isfinite(scores), rng.random() / 7, 0)
        optimum = brute_force(families, communities, scores)
        plan = place(families, communities, Pairs.from_matrix(scores), time_limit=10, workers=1, precision=1)
        assert plan.upper_bound >= optimum - 1e-9
        # Rounding to tenths can cost at most a twentieth per placed family.
        assert plan.objective >= optimum - 0.05 * len(families) - 1e-9


def test_pairs_by_id_and_by_matrix_give_the_same_plan() -> None:
    families = [Family("a", 3), Family("b", 2)]
    communities = [Community("X", 4), Community("Y", 2)]
    by_id = Pairs.from_triples(families, communities, [("a", "X", 10), ("b", "X", 11), ("b", "Y", 9)])
    by_matrix = Pairs.from_matrix(np.array([[10.0, NOT_ALLOWED], [11.0, 9.0]]))
    first, second = place(families, communities, by_id), place(families, communities, by_matrix)
    assert first.placements == second.placements


def test_inconsistent_input_is_refused_with_what_is_wrong() -> None:
    communities = [Community("X", 4)]
    with pytest.raises(ValueError, match="at least one person"):
        place([Family("a", 0)], communities, Pairs.from_matrix(np.array([[1.0]])))
    twice = Pairs(np.array([0, 0]), np.array([0, 0]), np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="each pair is given once"):
        place([Family("a", 1)], communities, twice)
    with pytest.raises(ValueError, match="ids are unique"):
        place([Family("a", 1), Family("a", 2)], communities, Pairs.from_matrix(np.array([[1.0], [1.0]])))
    with pytest.raises(ValueError, match="time_limit"):
        place([Family("a", 1)], communities, Pairs.from_matrix(np.array([[1.0]])), time_limit=0)


def test_nothing_to_place_is_an_empty_plan() -> None:
    plan = place([], [Community("X", 3)], Pairs.from_matrix(np.zeros((0, 1))))
    assert (plan.placements, plan.objective, plan.upper_bound, plan.optimal) == ([], 0.0, 0.0, True)


def test_compatibility_rewards_a_language_community_and_care_where_care_is_needed() -> None:
    families = [
        Family("speaks-kurdish", 4, languages=frozenset({"ku"})),
        Family("needs-care", 3, medical=True),
    ]
    communities = [
        Community("kurdish-town", 50, languages=frozenset({"ku"})),
        Community("hospital-city", 50, medical_places=20),
        Community("no-care-town", 50),
    ]
    scores = compatibility(families, communities)
    assert scores[0, 0] > scores[0, 1]
    assert scores[1, 1] > scores[1, 0]
    assert scores[1, 2] < 0  # needing care where there is none is worse than not being placed


def test_compatibility_rewards_jobs_in_the_family_sectors_and_school_places_for_children() -> None:
    families = [Family("builders", 2, skills=frozenset({"construction"})), Family("children", 5, children=3)]
    communities = [
        Community("building-boom", 40, jobs={"construction": 30}),
        Community("schools", 40, jobs={"retail": 30}, school_places=60),
    ]
    scores = compatibility(families, communities)
    assert scores[0, 0] > scores[0, 1]
    assert scores[1, 1] > scores[1, 0]


def test_a_solve_cut_short_by_its_time_limit_still_gives_a_plan_between_greedy_and_the_bound() -> None:
    rng = random.Random(10)
    families = [Family(f"f{n}", rng.randint(1, 8)) for n in range(300)]
    communities = [Community(f"c{n}", rng.randint(0, 120)) for n in range(20)]
    scores = np.array([[rng.uniform(-20, 100) for _ in communities] for _ in families])
    # how long it takes is for bench_placement to print, not for a test to time
    plan = place(families, communities, Pairs.from_matrix(scores), time_limit=1.5, workers=1)
    assert plan.greedy_objective <= plan.objective <= plan.upper_bound


def lp_optimum(families: list[Family], communities: list[Community], scores: np.ndarray) -> float:
    """The LP relaxation over every allowed pair with every capacity and limit, solved whole by GLOP."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    shares = {}
    for f, family in enumerate(families):
        for c, community in enumerate(communities):
            fits = family.size <= community.capacity and all(
                family.uses.get(name, 0) <= limit for name, limit in community.limits.items()
            )
            if np.isfinite(scores[f, c]) and scores[f, c] > 0 and fits:
                shares[f, c] = solver.NumVar(0, 1, "")
    for f in range(len(families)):
        solver.Add(sum(x for (g, _), x in shares.items() if g == f) <= 1)
    for c, community in enumerate(communities):
        solver.Add(sum(families[f].size * x for (f, d), x in shares.items() if d == c) <= community.capacity)
        for name, limit in community.limits.items():
            solver.Add(sum(families[f].uses.get(name, 0) * x for (f, d), x in shares.items() if d == c) <= limit)
    solver.Maximize(sum(float(scores[f, c]) * x for (f, c), x in shares.items()))
    assert solver.Solve() == pywraplp.Solver.OPTIMAL
    return float(solver.Objective().Value())


def test_with_other_limits_the_bound_is_the_lp_over_every_pair_below_the_bound_in_people_alone() -> None:
    rng = random.Random(12)
    for _ in range(6):
        families = [Family(f"f{n}", rng.randint(1, 7), uses={"school": rng.randint(0, 4)}) for n in range(70)]
        communities = [
            Community(f"c{n}", rng.randint(10, 60), limits={"school": rng.randint(0, 25)} if n % 4 else {})
            for n in range(9)
        ]
        scores = np.array([[rng.uniform(-2, 10) for _ in communities] for _ in families])
        # A model too large for CP-SAT to see whole: the bound is the LP's alone.
        plan = place(families, communities, Pairs.from_matrix(scores), time_limit=10, workers=1, max_model_pairs=50)
        assert plan.upper_bound == pytest.approx(lp_optimum(families, communities, scores), rel=1e-6)
        people_only = place(
            [Family(f.id, f.size) for f in families],
            [Community(c.id, c.capacity) for c in communities],
            Pairs.from_matrix(scores),
            time_limit=2,
            workers=1,
            max_model_pairs=50,
        )
        assert plan.objective <= plan.upper_bound <= people_only.lp_bound + 1e-6
        for community in communities:
            for name, (used, limit) in plan.use[community.id].items():
                assert used <= limit, (community.id, name)
        assert plan.repaired == 0


def test_a_plan_over_a_limit_is_mended_by_taking_out_its_lowest_scoring_families_first() -> None:
    families = [Family("a", 1, uses={"school": 2}), Family("b", 1, uses={"school": 1}), Family("c", 1)]
    communities = [Community("X", 3, limits={"school": 2})]
    problem = _Problem.build(families, communities, Pairs.from_matrix(np.array([[5.0], [1.0], [2.0]])))
    everyone = np.array([int(np.flatnonzero(problem.fam == f)[0]) for f in range(3)])
    assert problem.over(everyone).tolist() == [True]
    mended, taken_out = problem.repair(everyone)
    assert taken_out == 1
    assert mended.tolist() == [everyone[0], -1, everyone[2]]  # b, the lowest score, leaves; a and c fit
    assert problem.over(mended).tolist() == [False]
