from __future__ import annotations

import json
import random
import resource
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from welcoming.lib.tables import write_table
from welcoming.matching.placement import Community, Family, Pairs, compatibility, place

# Household sizes of resettled Syrian families, roughly: mean about 4.5, one in ten of seven or more.
SIZES = list(range(1, 13))
SIZE_SHARES = [0.09, 0.11, 0.14, 0.18, 0.18, 0.13, 0.08, 0.045, 0.025, 0.01, 0.005, 0.005]
SECTORS = ["construction", "food", "retail", "manufacturing", "health", "transport", "agriculture", "cleaning"]
# Languages families speak (share) — Arabic nearly always; a community "has" one when speakers live there.
FAMILY_LANGUAGES = {"ar": 0.93, "ku": 0.1, "hy": 0.03, "tr": 0.05, "en": 0.15, "fr": 0.03}
# Spare capacity across the country: tight enough that where a family goes decides where others can.
SPARE = 0.03
# School places: each community's share of the children, from 0.7 to 1.5 times it, so that they bind in some.
SCHOOL = "school_places"
SCHOOL_SPREAD = (0.7, 1.5)


def synthetic(people: int, n_communities: int, seed: int) -> tuple[list[Family], list[Community]]:
    """Families summing to exactly `people`, and communities with skewed capacities (a few cities take
    thousands, many towns a few dozen) summing to `people` plus a little spare. Each family uses a school
    place per child and each community has some (`SCHOOL_SPREAD` times its share of the children): a
    second capacity, which `without_school_places` drops."""
    rng = random.Random(seed)
    families: list[Family] = []
    total = 0
    while total < people:
        size = min(rng.choices(SIZES, SIZE_SHARES)[0], people - total)
        adults = 1 if size == 1 else min(size, rng.choice([2, 2, 2, 3]))
        languages = {lang for lang, share in FAMILY_LANGUAGES.items() if rng.random() < share} or {"ar"}
        skills = frozenset(rng.sample(SECTORS, rng.choice([0, 1, 1, 2, 2, 3])))
        medical = rng.random() < 0.12
        families.append(
            Family(
                id=f"F{len(families) + 1:05d}",
                size=size,
                languages=frozenset(languages),
                skills=skills,
                medical=medical,
                children=size - adults,
            )
        )
        total += size
    children = sum(f.children for f in families) / max(1, total)
    weights = [1 / (rank + 3) ** 1.05 for rank in range(n_communities)]
    floor = 12  # every town can take the largest families
    spread = max(0, round(people * (1 + SPARE)) - floor * n_communities)
    capacities = [floor + int(spread * w / sum(weights)) for w in weights]
    capacities[0] += max(0, people - sum(capacities))
    largest = max(capacities)
    communities = []
    for n, capacity in enumerate(capacities):
        big = capacity / largest
        francophone = rng.random() < 0.2
        languages = {"fr" if francophone else "en"}
        for lang, odds in (("ar", 0.25 + 0.75 * big**0.3), ("ku", 0.1 * big**0.2), ("hy", 0.05), ("tr", 0.08)):
            if rng.random() < odds:
                languages.add(lang)
        mix = np.random.default_rng(seed * 1000 + n).dirichlet(np.ones(len(SECTORS)))
        jobs = {s: int(rng.random() * 0.6 * capacity * share) for s, share in zip(SECTORS, mix, strict=True)}
        # Small towns often have no specialist care at all.
        medical_places = 0 if big < 0.02 and rng.random() < 0.4 else max(1, round(capacity * rng.uniform(0.02, 0.06)))
        school_places = round(capacity * children * rng.uniform(*SCHOOL_SPREAD))
        communities.append(
            Community(
                id=f"C{n + 1:03d}",
                capacity=capacity,
                limits={SCHOOL: school_places},
                languages=frozenset(languages),
                jobs=jobs,
                medical_places=medical_places,
                school_places=school_places,
            )
        )
    families = [replace(family, uses={SCHOOL: family.children}) for family in families]
    return families, communities


def without_school_places(families: list[Family], communities: list[Community]) -> tuple[list[Family], list[Community]]:
    """The same instance with capacities in people only (school places still count in the scores)."""
    return [replace(f, uses={}) for f in families], [replace(c, limits={}) for c in communities]


def write_inputs(folder: Path, families: list[Family], communities: list[Community], scores: np.ndarray) -> None:
    """The instance as plan_placement's inputs: F.csv (id,size and each capacity used), K.csv (id,capacity
    and each other capacity), S.csv (family,community,score for every pair)."""
    import pandas as pd

    names = sorted({name for c in communities for name in c.limits})
    write_table(
        folder / "F.csv", ["id", "size", *names], [[f.id, f.size, *(f.uses.get(n, 0) for n in names)] for f in families]
    )
    write_table(
        folder / "K.csv",
        ["id", "capacity", *names],
        [[c.id, c.capacity, *(c.limits.get(n) for n in names)] for c in communities],
    )
    # Millions of rows: written by pandas, as plain ids and numbers need no spreadsheet escaping.
    pd.DataFrame(
        {
            "family": np.repeat([f.id for f in families], len(communities)),
            "community": np.tile([c.id for c in communities], len(families)),
            "score": scores.ravel(),
        }
    ).to_csv(folder / "S.csv", index=False, float_format="%.6f")


class Command(BaseCommand):
    help = (
        "Benchmark placement across communities on a synthetic instance shaped like Canada's Syrian "
        "resettlement (35,147 people, 357 communities): compatibility scores for every family–community "
        "pair (language community, medical need and places, jobs by sector, school places) and capacities in "
        "people (3 % spare) and in school places (a place per child; from 0.7 to 1.5 times each community's "
        "share of the children, so they bind in some; --people-only drops them). Prints the solve time, the "
        "objective, the upper bound (the LP over all pairs), the greedy baseline, ratio_to_bound (objective / "
        "upper_bound), gain_over_greedy (objective / greedy − 1) and peak_mb (the whole process's peak "
        "resident memory, getrusage ru_maxrss). --write-inputs DIR writes the instance as plan_placement's "
        "F.csv, K.csv and S.csv instead of solving it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=35_147)
        parser.add_argument("--communities", type=int, default=357)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--time-limit", type=float, default=30.0, help="seconds for the whole solve (default 30)")
        parser.add_argument("--workers", type=int, default=0, help="CP-SAT threads (0: the machine's cores)")
        parser.add_argument("--people-only", action="store_true", help="capacities in people only, no school places")
        parser.add_argument("--write-inputs", type=Path, metavar="DIR", help="write F.csv, K.csv, S.csv; no solve")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] < 1 or options["communities"] < 1:
            raise CommandError("--people and --communities must be at least 1")
        if options["time_limit"] <= 0:
            raise CommandError("--time-limit must be positive")
        families, communities = synthetic(options["people"], options["communities"], options["seed"])
        if options["people_only"]:
            families, communities = without_school_places(families, communities)
        scores = compatibility(families, communities)
        if options["write_inputs"]:
            folder: Path = options["write_inputs"]
            folder.mkdir(parents=True, exist_ok=True)
            write_inputs(folder, families, communities, scores)
            self.stdout.write(
                f"Wrote {folder / 'F.csv'}, {folder / 'K.csv'} and {folder / 'S.csv'} ({scores.size:,} pairs)."
            )
            return
        plan = place(
            families,
            communities,
            Pairs.from_matrix(scores),
            time_limit=options["time_limit"],
            workers=options["workers"],
        )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
        greedy = plan.greedy_objective
        figures = {
            "seconds": round(plan.seconds, 3),
            "objective": round(plan.objective, 3),
            "upper_bound": round(plan.upper_bound, 3),
            "greedy_objective": round(greedy, 3),
            "ratio_to_bound": round(plan.objective / plan.upper_bound, 6) if plan.upper_bound else 1.0,
            "gain_over_greedy": round((plan.objective - greedy) / greedy, 6) if greedy else 0.0,
            "peak_mb": round(peak_mb, 1),
        }
        if options["json"]:
            self.stdout.write(json.dumps(figures))
            return
        capacities = "people only" if options["people_only"] else "people and school places"
        full = sum(1 for use in plan.use.values() if SCHOOL in use and use[SCHOOL][0] == use[SCHOOL][1])
        self.stdout.write(
            f"{len(families):,} families ({options['people']:,} people) × {len(communities)} communities, "
            f"capacities in {capacities}, {plan.pairs:,} allowed pairs, {plan.pairs_in_model:,} in the CP-SAT "
            f"model ({plan.status}); school places full in {full} communities"
        )
        self.stdout.write(
            f"placed {plan.placed_families:,} families ({plan.placed_people:,} people); objective "
            f"{plan.objective:,.3f}, upper bound {plan.upper_bound:,.3f} (ratio {figures['ratio_to_bound']}, goal "
            f">= 0.995), greedy {greedy:,.3f} (+{100 * figures['gain_over_greedy']:.2f} %); "
            f"{plan.seconds:.1f} s (goal <= 60 s), peak {peak_mb:.0f} MB"
        )
