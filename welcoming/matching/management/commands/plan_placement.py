from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from welcoming.lib.tables import Column, TableError, count, read_table, real, text, whole, write_table
from welcoming.matching.placement import Community, Family, Pairs, Plan, place

OUTPUT_HEADER = ["family", "community", "size", "score"]
SUFFIXES = (".csv", ".xlsx")
SHOWN = 5  # offending items named in a message; the rest are counted


def family_size(value: str) -> int:
    number = whole(value)
    if number < 1:
        raise ValueError(f"{value!r} is less than 1 (a family has at least one person)")
    return number


FAMILY_COLUMNS = [Column("id", text), Column("size", family_size)]
COMMUNITY_COLUMNS = [Column("id", text), Column("capacity", count)]
SCORE_COLUMNS = [Column("family", text), Column("community", text), Column("score", real)]


def listed(items: Sequence[str], total: int | None = None) -> str:
    """The first few items, and how many more."""
    total = len(items) if total is None else total
    shown = ", ".join(items[:SHOWN])
    return shown + (f" and {total - SHOWN:,} more" if total > SHOWN else "")


class Command(BaseCommand):
    help = (
        "Place families across communities, each family whole in at most one community, maximising the total "
        "score of the placed families within each community's capacity in people. --families: id,size (size a "
        "whole number >= 1); --communities: id,capacity (people, whole number >= 0); --scores: "
        "family,community,score with one row for every family-community pair (a missing pair is an error; a "
        "negative score forbids the pair). CSV or XLSX in and out, by extension. --out gets one row per placed "
        "family: family,community,size,score. Solved with OR-Tools CP-SAT (exact within --time-limit, scores "
        "rounded to --precision decimals) and an LP bound; says whether the plan is proven optimal. --json "
        'prints {"placed_families", "placed_people", "objective", "upper_bound", "seconds"}.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--families", required=True, type=Path, help="F.csv or .xlsx: id,size")
        parser.add_argument("--communities", required=True, type=Path, help="K.csv or .xlsx: id,capacity")
        parser.add_argument("--scores", required=True, type=Path, help="S.csv or .xlsx: family,community,score")
        parser.add_argument("--out", required=True, type=Path, help="P.csv or .xlsx: family,community,size,score")
        parser.add_argument("--json", action="store_true", help="print only the summary as JSON")
        parser.add_argument("--time-limit", type=float, default=50.0, help="seconds for the solve (default 50)")
        parser.add_argument("--workers", type=int, default=0, help="CP-SAT threads (default: the machine's cores)")
        parser.add_argument("--precision", type=int, default=6, help="decimals of the scores the solver keeps")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        if out.suffix.lower() not in SUFFIXES:
            raise CommandError(f"--out {out}: give a .csv or .xlsx file")
        if not options["time_limit"] > 0:
            raise CommandError("--time-limit must be a positive number of seconds")
        if options["workers"] < 0 or not 0 <= options["precision"] <= 9:
            raise CommandError("--workers must be >= 0 and --precision between 0 and 9")
        families, communities, pairs = self.read(options["families"], options["communities"], options["scores"])
        plan = place(
            families,
            communities,
            pairs,
            time_limit=options["time_limit"],
            workers=options["workers"],
            precision=options["precision"],
        )
        rows = [[p.family, p.community, p.size, self.number(p.score)] for p in plan.placements]
        self.write(out, rows)
        verdict = (
            "proven optimal"
            if plan.optimal
            else f"not proven optimal: within {100 * plan.gap:.3f} % of the upper bound (time limit or size)"
        )
        if options["json"]:
            summary = {
                "placed_families": plan.placed_families,
                "placed_people": plan.placed_people,
                "objective": plan.objective,
                "upper_bound": plan.upper_bound,
                "seconds": round(plan.seconds, 3),
            }
            self.stdout.write(json.dumps(summary))
            # Standard output holds the JSON alone; the verdict goes to standard error.
            self.stderr.write(f"plan_placement: {verdict}")
            return
        self.report(plan, families, communities, verdict, out, detailed=options["verbosity"] >= 2)

    def read(
        self, families_path: Path, communities_path: Path, scores_path: Path
    ) -> tuple[list[Family], list[Community], Pairs]:
        for path in (families_path, communities_path, scores_path):
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        try:
            family_rows = read_table(families_path, FAMILY_COLUMNS)
            community_rows = read_table(communities_path, COMMUNITY_COLUMNS)
            score_rows = read_table(scores_path, SCORE_COLUMNS)
        except TableError as exc:
            raise CommandError(str(exc)) from exc
        problems = [
            *self.duplicates(families_path.name, "family", family_rows),
            *self.duplicates(communities_path.name, "community", community_rows),
        ]
        family_at = {row["id"]: n for n, row in enumerate(family_rows)}
        community_at = {row["id"]: n for n, row in enumerate(community_rows)}
        name = scores_path.name
        unknown_families = [f"{r['family']!r} (row {r['_row']})" for r in score_rows if r["family"] not in family_at]
        unknown_communities = [
            f"{r['community']!r} (row {r['_row']})" for r in score_rows if r["community"] not in community_at
        ]
        if unknown_families:
            problems.append(
                f"{name}: {len(unknown_families):,} row(s) name a family not in {families_path.name}: "
                + listed(unknown_families)
            )
        if unknown_communities:
            problems.append(
                f"{name}: {len(unknown_communities):,} row(s) name a community not in {communities_path.name}: "
                + listed(unknown_communities)
            )
        seen: dict[tuple[int, int], int] = {}
        repeated: list[str] = []
        family_index, community_index, scores = [], [], []
        for row in score_rows:
            f, c = family_at.get(row["family"]), community_at.get(row["community"])
            if f is None or c is None:
                continue
            if (f, c) in seen:
                repeated.append(f"({row['family']}, {row['community']}) rows {seen[f, c]} and {row['_row']}")
                continue
            seen[f, c] = row["_row"]
            family_index.append(f)
            community_index.append(c)
            scores.append(row["score"])
        if repeated:
            problems.append(f"{name}: {len(repeated):,} pair(s) given more than once: " + listed(repeated))
        missing_count = len(family_rows) * len(community_rows) - len(seen)
        if missing_count:
            missing = []
            for f, family in enumerate(family_rows):
                for c, community in enumerate(community_rows):
                    if (f, c) not in seen:
                        missing.append(f"({family['id']}, {community['id']})")
                        if len(missing) == SHOWN:
                            break
                if len(missing) == SHOWN:
                    break
            problems.append(
                f"{name}: {missing_count:,} of the {len(family_rows) * len(community_rows):,} family-community "
                "pairs have no score (every pair needs one; a negative score forbids a pair): "
                + listed(missing, missing_count)
            )
        if problems:
            raise CommandError("\n".join(problems))
        families = [Family(row["id"], row["size"]) for row in family_rows]
        communities = [Community(row["id"], row["capacity"]) for row in community_rows]
        pairs = Pairs(
            np.array(family_index, np.int64), np.array(community_index, np.int64), np.array(scores, np.float64)
        )
        return families, communities, pairs

    @staticmethod
    def duplicates(name: str, what: str, rows: list[dict[str, Any]]) -> list[str]:
        counts = Counter(row["id"] for row in rows)
        repeated = [f"{row['id']!r} (row {row['_row']})" for row in rows if counts[row["id"]] > 1]
        if not repeated:
            return []
        return [f"{name}: {len(repeated):,} row(s) repeat a {what} id: " + listed(repeated)]

    @staticmethod
    def number(value: float) -> int | float:
        return int(value) if value.is_integer() else value

    def write(self, out: Path, rows: list[list[Any]]) -> None:
        """Written beside the target, then renamed over it: a failed run never leaves half a file."""
        temporary = out.with_name(f".{out.stem}.{os.getpid()}.partial{out.suffix}")
        try:
            write_table(temporary, OUTPUT_HEADER, rows)
            os.replace(temporary, out)
        except OSError as exc:
            raise CommandError(f"--out {out}: cannot be written ({exc})") from exc
        finally:
            temporary.unlink(missing_ok=True)

    def report(
        self, plan: Plan, families: list[Family], communities: list[Community], verdict: str, out: Path, detailed: bool
    ) -> None:
        used = sum(1 for use in plan.use.values() if use["people"][0])
        self.stdout.write(
            f"Placed {plan.placed_families:,} of {len(families):,} families ({plan.placed_people:,} of "
            f"{sum(f.size for f in families):,} people) in {used:,} of {len(communities):,} communities."
        )
        self.stdout.write(
            f"Total score {plan.objective:,.6g}; upper bound {plan.upper_bound:,.6g}: {verdict}. "
            f"Greedy baseline {plan.greedy_objective:,.6g}. {plan.seconds:.2f} s."
        )
        if detailed:
            for community, use in plan.use.items():
                people, capacity = use["people"]
                self.stdout.write(f"  {community}: {people:,} of {capacity:,} people")
        self.stdout.write(f"Wrote {out} ({', '.join(OUTPUT_HEADER)}; one row per placed family).")
