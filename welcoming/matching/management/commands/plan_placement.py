from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.core.management.base import BaseCommand, CommandError, CommandParser

from welcoming.lib.tables import (
    Column,
    Columns,
    TableError,
    count,
    read_columns,
    read_header,
    real,
    text,
    whole,
    write_table,
)
from welcoming.matching.placement import PEOPLE, Community, Family, Pairs, Plan, place

OUTPUT_HEADER = ["family", "community", "size", "score"]
SUFFIXES = (".csv", ".xlsx")
SHOWN = 5  # offending items named in a message; the rest are counted
FAMILY_KEYS = ("id", "size")
COMMUNITY_KEYS = ("id", "capacity")


def family_size(value: str) -> int:
    number = whole(value)
    if number < 1:
        raise ValueError(f"{value!r} is less than 1 (a family has at least one person)")
    return number


SCORE_COLUMNS = [Column("family", text), Column("community", text), Column("score", real)]


def listed(items: Sequence[str], total: int | None = None) -> str:
    """The first few items, and how many more."""
    total = len(items) if total is None else total
    shown = ", ".join(items[:SHOWN])
    return shown + (f" and {total - SHOWN:,} more" if total > SHOWN else "")


def is_number(value: str) -> bool:
    try:
        real(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Inputs:
    families: list[Family]
    communities: list[Community]
    pairs: Pairs
    capacities: list[str]  # the other capacities (columns in both files), in the families file's order
    notes: list[str]  # columns left aside, for the planner to see


@dataclass(frozen=True)
class Use:
    """How full one community is: families placed, and per capacity (people first) the amount used and
    the capacity (None: no limit there)."""

    community: str
    families: int
    amounts: dict[str, tuple[int, int | None]]

    @property
    def fullest(self) -> float | None:
        """The largest share used among its capacities (a capacity of 0 is full)."""
        shares = [used / limit if limit else 1.0 for used, limit in self.amounts.values() if limit is not None]
        return max(shares) if shares else None


class Command(BaseCommand):
    help = (
        "Place families across communities, each family whole in at most one community, maximising the total "
        "score of the placed families within every capacity of every community. --families: id,size (size a "
        "whole number >= 1); --communities: id,capacity (people, whole number >= 0); --scores: "
        "family,community,score with one row for every family-community pair (a missing pair is an error; a "
        "negative score forbids the pair). Other capacities: a column in both --families and --communities "
        "(e.g. school_places, language_seats, jobs_health, homes_3br) is one: what the families placed in a "
        "community use of it, summed, must not exceed what the community has. Its cells are whole numbers "
        ">= 0; an empty cell is 0 for a family (uses none) and no limit for a community (write 0 for none). "
        "A column of numbers in only one of the two files is an error (a capacity needs both sides): add it to "
        "the other file or leave it aside with --ignore NAME; a column of text in only one file (a name, a "
        "region) is left aside with a note. CSV or XLSX in and out, by extension. --out gets one row per placed "
        "family: family,community,size,score. Every capacity is a hard constraint, checked again on the final "
        "plan before anything is written. Solved with OR-Tools (an LP bound, LP rounding, then CP-SAT within "
        "--time-limit, scores rounded to --precision decimals); says whether the plan is proven optimal. The "
        "upper bound is the LP relaxation with every capacity (without the other capacities it would be "
        "larger and still a bound). Prints how full each community is (used / capacity per capacity), or "
        "writes it with --report R.csv|R.xlsx: community, families, then <capacity>_used and "
        "<capacity>_capacity for people and each other capacity (empty: no limit), and fullest (the largest "
        'share used). --json prints only {"placed_families", "placed_people", "objective", "upper_bound", '
        '"seconds", "optimal", "capacities"} (capacities: used and capacity in total for each, null capacity '
        "where some community has no limit)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--families", required=True, type=Path, help="F.csv or .xlsx: id,size[,capacities]")
        parser.add_argument("--communities", required=True, type=Path, help="K.csv or .xlsx: id,capacity[,capacities]")
        parser.add_argument("--scores", required=True, type=Path, help="S.csv or .xlsx: family,community,score")
        parser.add_argument("--out", required=True, type=Path, help="P.csv or .xlsx: family,community,size,score")
        parser.add_argument("--report", type=Path, help="R.csv or .xlsx: how full each community is")
        parser.add_argument(
            "--ignore", action="append", default=[], metavar="NAME", help="a column to leave aside (repeatable)"
        )
        parser.add_argument("--json", action="store_true", help="print only the summary as JSON")
        parser.add_argument("--time-limit", type=float, default=50.0, help="seconds for the solve (default 50)")
        parser.add_argument("--workers", type=int, default=0, help="CP-SAT threads (default: the machine's cores)")
        parser.add_argument("--precision", type=int, default=6, help="decimals of the scores the solver keeps")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        report_path: Path | None = options["report"]
        for flag, path in (("--out", out), ("--report", report_path)):
            if path is not None and path.suffix.lower() not in SUFFIXES:
                raise CommandError(f"{flag} {path}: give a .csv or .xlsx file")
        if report_path is not None and report_path.resolve() == out.resolve():
            raise CommandError("--report and --out must be different files")
        if not options["time_limit"] > 0:
            raise CommandError("--time-limit must be a positive number of seconds")
        if options["workers"] < 0 or not 0 <= options["precision"] <= 9:
            raise CommandError("--workers must be >= 0 and --precision between 0 and 9")
        inputs = self.read(options["families"], options["communities"], options["scores"], set(options["ignore"]))
        for note in inputs.notes:
            self.stderr.write(f"plan_placement: {note}")
        plan = place(
            inputs.families,
            inputs.communities,
            inputs.pairs,
            time_limit=options["time_limit"],
            workers=options["workers"],
            precision=options["precision"],
        )
        uses = self.verify(plan, inputs)
        names = [PEOPLE, *inputs.capacities]
        outputs = [
            (out, OUTPUT_HEADER, [[p.family, p.community, p.size, self.number(p.score)] for p in plan.placements])
        ]
        if report_path is not None:
            outputs.append((report_path, *self.report_table(uses, names)))
        self.write(outputs)
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
                "optimal": plan.optimal,
                "capacities": {name: self.total(uses, name) for name in names},
            }
            self.stdout.write(json.dumps(summary))
            # Standard output holds the JSON alone; the verdict goes to standard error.
            self.stderr.write(f"plan_placement: {verdict}")
            return
        self.summary(plan, inputs, uses, names, verdict, out, report_path, options["verbosity"])

    # Reading

    def read(self, families_path: Path, communities_path: Path, scores_path: Path, ignore: set[str]) -> Inputs:
        for path in (families_path, communities_path, scores_path):
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        f_name, k_name = families_path.name, communities_path.name
        try:
            family_header, community_header = read_header(families_path), read_header(communities_path)
        except TableError as exc:
            raise CommandError(str(exc)) from exc
        family_extra = [n for n in dict.fromkeys(family_header) if n and n not in FAMILY_KEYS and n not in ignore]
        community_extra = [
            n for n in dict.fromkeys(community_header) if n and n not in COMMUNITY_KEYS and n not in ignore
        ]
        capacities = [n for n in family_extra if n in community_extra]
        if PEOPLE in capacities:
            raise CommandError(
                f"{f_name} and {k_name}: a column named {PEOPLE!r} cannot be another capacity (the capacity in "
                f"people is {k_name}'s 'capacity' column, the people in a family its 'size'): rename it"
            )
        family_only = [n for n in family_extra if n not in capacities]
        community_only = [n for n in community_extra if n not in capacities]
        family_columns = [
            Column("id", text),
            Column("size", family_size),
            *(Column(n, count, required=False, default=0) for n in capacities),
            *(Column(n, required=False, default="") for n in family_only),
        ]
        community_columns = [
            Column("id", text),
            Column("capacity", count),
            *(Column(n, count, required=False, default=math.inf) for n in capacities),
            *(Column(n, required=False, default="") for n in community_only),
        ]
        problems: list[str] = []
        tables: list[Columns] = []
        for path, columns in (
            (families_path, family_columns),
            (communities_path, community_columns),
            (scores_path, SCORE_COLUMNS),
        ):
            try:
                tables.append(read_columns(path, columns))
            except TableError as exc:
                problems.extend(exc.problems)
        if problems:
            raise CommandError("\n".join(problems))
        family_rows, community_rows, score_rows = tables
        notes: list[str] = []
        for table, only, name, other in (
            (family_rows, family_only, f_name, k_name),
            (community_rows, community_only, k_name, f_name),
        ):
            for column in only:
                cells = [cell for cell in table[column].tolist() if cell]
                if cells and all(is_number(cell) for cell in cells):
                    problems.append(
                        f"{name}: column {column!r} holds numbers but {other} has no such column: a capacity "
                        f"needs both files (what each family uses, what each community has). Add it to {other}, "
                        f"or leave it aside with --ignore {column}"
                    )
                else:
                    notes.append(f"{name}: column {column!r} is not in {other} and holds text: left aside")
        problems += self.duplicates(f_name, "family", family_rows)
        problems += self.duplicates(k_name, "community", community_rows)
        family_ids: list[str] = family_rows["id"].tolist()
        community_ids: list[str] = community_rows["id"].tolist()
        n_families, n_communities = len(family_ids), len(community_ids)
        family_index = self.index(score_rows["family"], family_ids)
        community_index = self.index(score_rows["community"], community_ids)
        rows = score_rows.rows
        name = scores_path.name
        for what, index, file_name in (
            ("family", family_index, f_name),
            ("community", community_index, k_name),
        ):
            unknown = np.flatnonzero(index < 0)
            if unknown.size:
                named = score_rows[what]
                shown = [f"{named[n]!r} (row {rows[n]})" for n in unknown[:SHOWN].tolist()]
                problems.append(
                    f"{name}: {unknown.size:,} row(s) name a {what} not in {file_name}: " + listed(shown, unknown.size)
                )
        known = np.flatnonzero((family_index >= 0) & (community_index >= 0))
        keys = family_index[known] * n_communities + community_index[known]
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        first = np.r_[True, ordered[1:] != ordered[:-1]] if ordered.size else np.zeros(0, bool)
        repeated = np.flatnonzero(~first)
        if repeated.size:
            # Each repeat with the row that gave the pair first, in the order of the file.
            earliest = np.maximum.accumulate(np.where(first, np.arange(ordered.size), 0))
            at = known[order[repeated]]
            was = known[order[earliest[repeated]]]
            by_row = np.argsort(at, kind="stable")[:SHOWN]
            shown = [
                f"({score_rows['family'][a]}, {score_rows['community'][a]}) rows {rows[w]} and {rows[a]}"
                for a, w in zip(at[by_row].tolist(), was[by_row].tolist(), strict=True)
            ]
            problems.append(f"{name}: {repeated.size:,} pair(s) given more than once: " + listed(shown, repeated.size))
        pairs_total = n_families * n_communities
        given = ordered[first]
        missing_count = pairs_total - given.size
        if missing_count:
            shown = [
                f"({family_ids[key // n_communities]}, {community_ids[key % n_communities]})"
                for key in self.first_missing(given, pairs_total)
            ]
            problems.append(
                f"{name}: {missing_count:,} of the {pairs_total:,} family-community pairs have no score (every "
                "pair needs one; a negative score forbids a pair): " + listed(shown, missing_count)
            )
        if problems:
            raise CommandError("\n".join(problems))
        uses = {n: family_rows[n] for n in capacities}
        families = [
            Family(family_id, int(size), uses={n: int(uses[n][f]) for n in capacities if uses[n][f]})
            for f, (family_id, size) in enumerate(zip(family_ids, family_rows["size"].tolist(), strict=True))
        ]
        limits = {n: community_rows[n] for n in capacities}
        communities = [
            Community(
                community_id,
                int(capacity),
                limits={n: int(limits[n][c]) for n in capacities if math.isfinite(limits[n][c])},
            )
            for c, (community_id, capacity) in enumerate(
                zip(community_ids, community_rows["capacity"].tolist(), strict=True)
            )
        ]
        pairs = Pairs(family_index, community_index, np.asarray(score_rows["score"], np.float64))
        return Inputs(families, communities, pairs, capacities, notes)

    @staticmethod
    def index(cells: np.ndarray, ids: list[str]) -> np.ndarray:
        """Each cell's position in `ids` (the last, if an id is repeated), −1 if it is not there."""
        position = {identifier: n for n, identifier in enumerate(ids)}
        codes, distinct = pd.factorize(cells)
        return np.array([position.get(value, -1) for value in distinct.tolist()] + [-1], np.int64)[codes]

    @staticmethod
    def first_missing(given: np.ndarray, total: int) -> list[int]:
        """The first few keys in 0..total−1 not in `given` (sorted, distinct)."""
        missing: list[int] = []
        bounds = np.r_[-1, given, total]
        for gap in np.flatnonzero(np.diff(bounds) > 1).tolist():
            start, stop = int(bounds[gap]) + 1, int(bounds[gap + 1])
            missing.extend(range(start, min(stop, start + SHOWN - len(missing))))
            if len(missing) >= SHOWN:
                break
        return missing

    @staticmethod
    def duplicates(name: str, what: str, table: Columns) -> list[str]:
        ids: list[str] = table["id"].tolist()
        counts = Counter(ids)
        repeated = [f"{i!r} (row {row})" for i, row in zip(ids, table.rows.tolist(), strict=True) if counts[i] > 1]
        if not repeated:
            return []
        return [f"{name}: {len(repeated):,} row(s) repeat a {what} id: " + listed(repeated)]

    # Checking and writing

    @staticmethod
    def verify(plan: Plan, inputs: Inputs) -> list[Use]:
        """How full each community is, counted again from the placements and the inputs — not from the
        solver's own figures — and refused if any capacity is exceeded: nothing infeasible is written."""
        family_at = {f.id: f for f in inputs.families}
        names = [PEOPLE, *inputs.capacities]
        used = {c.id: dict.fromkeys(names, 0) for c in inputs.communities}
        placed = Counter[str]()
        for p in plan.placements:
            family = family_at[p.family]
            placed[p.community] += 1
            used[p.community][PEOPLE] += family.size
            for name in inputs.capacities:
                used[p.community][name] += family.uses.get(name, 0)
        uses = []
        over = []
        for c in inputs.communities:
            amounts: dict[str, tuple[int, int | None]] = {PEOPLE: (used[c.id][PEOPLE], c.capacity)}
            amounts.update((name, (used[c.id][name], c.limits.get(name))) for name in inputs.capacities)
            over += [
                f"{c.id} {name} {amount} > {limit}"
                for name, (amount, limit) in amounts.items()
                if limit is not None and amount > limit
            ]
            uses.append(Use(c.id, placed[c.id], amounts))
        if over:
            raise CommandError("the plan exceeds a capacity; nothing was written: " + listed(over))
        return uses

    @staticmethod
    def total(uses: list[Use], name: str) -> dict[str, int | None]:
        limits = [use.amounts[name][1] for use in uses]
        return {
            "used": sum(use.amounts[name][0] for use in uses),
            "capacity": None if any(limit is None for limit in limits) else sum(int(limit or 0) for limit in limits),
        }

    @staticmethod
    def report_table(uses: list[Use], names: list[str]) -> tuple[list[str], list[list[Any]]]:
        header = ["community", "families"]
        for name in names:
            header += [f"{name}_used", f"{name}_capacity"]
        header.append("fullest")
        rows = []
        for use in uses:
            row: list[Any] = [use.community, use.families]
            for name in names:
                row += list(use.amounts[name])
            fullest = use.fullest
            row.append(None if fullest is None else round(fullest, 4))
            rows.append(row)
        return header, rows

    @staticmethod
    def number(value: float) -> int | float:
        return int(value) if value.is_integer() else value

    def write(self, outputs: list[tuple[Path, list[str], list[list[Any]]]]) -> None:
        """Each file written beside its target, then renamed over it once all are written: a failed run
        never leaves half a file, nor a plan without its report."""
        temporaries = [path.with_name(f".{path.stem}.{os.getpid()}.partial{path.suffix}") for path, _, _ in outputs]
        try:
            for temporary, (_, header, rows) in zip(temporaries, outputs, strict=True):
                write_table(temporary, header, rows)
            for temporary, (path, _, _) in zip(temporaries, outputs, strict=True):
                os.replace(temporary, path)
        except OSError as exc:
            raise CommandError(f"{exc.filename or 'output'}: cannot be written ({exc})") from exc
        finally:
            for temporary in temporaries:
                temporary.unlink(missing_ok=True)

    # Printing

    def summary(
        self,
        plan: Plan,
        inputs: Inputs,
        uses: list[Use],
        names: list[str],
        verdict: str,
        out: Path,
        report_path: Path | None,
        verbosity: int,
    ) -> None:
        families = inputs.families
        self.stdout.write(
            f"Placed {plan.placed_families:,} of {len(families):,} families ({plan.placed_people:,} of "
            f"{sum(f.size for f in families):,} people) in {sum(1 for u in uses if u.families):,} of "
            f"{len(uses):,} communities."
        )
        self.stdout.write(
            f"Total score {plan.objective:,.6g}; upper bound {plan.upper_bound:,.6g}: {verdict}. "
            f"Greedy baseline {plan.greedy_objective:,.6g}. {plan.seconds:.2f} s."
        )
        for name in names:
            total = self.total(uses, name)
            amounts = [u.amounts[name] for u in uses]
            full = sum(1 for used, limit in amounts if limit is not None and used >= limit)
            unlimited = sum(1 for _, limit in amounts if limit is None)
            of = f"of {total['capacity']:,}" if total["capacity"] is not None else "(no limit in some communities)"
            self.stdout.write(
                f"  {name}: {total['used']:,} used {of}; full in {full:,} of {len(uses):,} communities"
                + (f", no limit in {unlimited:,}" if unlimited else "")
                + "."
            )
        self.stdout.write(f"Wrote {out} ({', '.join(OUTPUT_HEADER)}; one row per placed family).")
        if report_path is not None:
            self.stdout.write(f"Wrote {report_path} (how full each community is).")
        elif verbosity >= 1:
            self.table(uses, names)

    def table(self, uses: list[Use], names: list[str]) -> None:
        """Used / capacity for each community and capacity, aligned."""

        def cell(amount: tuple[int, int | None]) -> str:
            used, limit = amount
            return f"{used:,} / {'no limit' if limit is None else f'{limit:,}'}"

        header = ["community", "families", *names]
        body = [[u.community, f"{u.families:,}", *(cell(u.amounts[name]) for name in names)] for u in uses]
        widths = [max(len(row[n]) for row in [header, *body]) for n in range(len(header))]
        self.stdout.write("How full each community is (used / capacity):")
        for row in [header, *body]:
            self.stdout.write(
                "  "
                + "  ".join(
                    v.ljust(w) if n == 0 else v.rjust(w) for n, (v, w) in enumerate(zip(row, widths, strict=True))
                )
            )
