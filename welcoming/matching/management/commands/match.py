from __future__ import annotations

import json
import math
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from welcoming.lib.tables import Column, TableError, count, read_table, real, text, write_table
from welcoming.matching.engine import EngineError, Problem, solve

SIDES = ("left", "right")


def parse_side(value: str) -> str:
    if value.strip().lower() not in SIDES:
        raise ValueError(f"{value!r} is neither 'left' nor 'right'")
    return value.strip().lower()


EDGE_COLUMNS = [Column("left", text), Column("right", text), Column("score", real)]
CAPACITY_COLUMNS = [Column("side", parse_side), Column("id", text), Column("capacity", count)]
FORMATS = (".csv", ".xlsx")


class Command(BaseCommand):
    help = (
        "Match with your own scores: the maximum-weight b-matching of the edges in --edges (columns left, right, "
        "score; other columns ignored; a score may be negative, and such an edge is never chosen, as leaving both "
        "sides unmatched scores 0). --capacities (columns side, id, capacity; side left or right; capacity a whole "
        "number >= 0) sets how many matches an item may take part in, 1 for an id not listed. Each (left, right) "
        "pair is matched at most once. A pair given twice keeps its best score, with a warning. Writes --out "
        "(left, right, score: one row per matched pair) and prints a summary, or with --json one object: matched "
        "(rows written), objective (their total score), upper_bound (a proven bound on the best total, from the "
        "LP dual) and seconds (the whole command: reading, solving, writing). CSV or XLSX by extension."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--edges", required=True, help="E.csv or E.xlsx: left, right, score")
        parser.add_argument("--capacities", help="C.csv or C.xlsx: side, id, capacity (default capacity 1)")
        parser.add_argument("--out", required=True, help="M.csv or M.xlsx: left, right, score")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        edges_path = self._input(options["edges"], "--edges")
        capacities_path = self._input(options["capacities"], "--capacities") if options["capacities"] else None
        out = Path(options["out"])
        if out.suffix.lower() not in FORMATS:
            raise CommandError(f"--out {out}: the name must end in .csv or .xlsx")
        if not out.parent.is_dir():
            raise CommandError(f"--out {out}: no such directory {out.parent}")
        try:
            edges = read_table(edges_path, EDGE_COLUMNS)
            capacity_rows = read_table(capacities_path, CAPACITY_COLUMNS) if capacities_path else []
        except TableError as exc:
            raise CommandError(str(exc)) from exc
        best = self._best_edges(edges_path.name, edges)
        left_capacity, right_capacity = self._capacities(capacities_path, capacity_rows, best)
        try:
            problem = Problem.from_edges(
                [(left, right, score) for (left, right), (score, _) in best.items()],
                left_capacity=left_capacity,
                right_capacity=right_capacity,
            )
            result = solve(problem)
        except EngineError as exc:
            raise CommandError(str(exc)) from exc
        # Rows in the order the pairs first appear in the edges file.
        rows = sorted(((m.left, m.right, m.score) for m in result.matches), key=lambda r: best[r[0], r[1]][1])
        self._write(out, rows)
        objective = math.fsum(score for _, _, score in rows)
        figures = {
            "matched": len(rows),
            "objective": objective,
            "upper_bound": max(result.upper_bound, objective),
            "seconds": round(time.perf_counter() - started, 3),
        }
        if options["json"]:
            self.stdout.write(json.dumps(figures))
            return
        self.stdout.write(
            f"{len(rows):,} pairs matched of {len(problem.left_ids):,} left and {len(problem.right_ids):,} right "
            f"items ({len(best):,} edges), written to {out}\n"
            f"objective {objective:.6g}, upper bound {figures['upper_bound']:.6g} (LP dual), "
            f"greedy {result.greedy_objective:.6g}\n"
            f"seconds: {figures['seconds']:.2f} in all, of which the min-cost flow {result.flow_seconds:.2f}"
        )

    @staticmethod
    def _input(name: str, option: str) -> Path:
        path = Path(name)
        if path.suffix.lower() not in FORMATS:
            raise CommandError(f"{option} {path}: the name must end in .csv or .xlsx")
        if not path.is_file():
            raise CommandError(f"{option} {path}: no such file")
        return path

    def _best_edges(self, name: str, edges: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[float, int]]:
        """Score and first row of each (left, right) pair; a pair given twice keeps its best score."""
        best: dict[tuple[str, str], tuple[float, int]] = {}
        repeated: list[str] = []
        for row in edges:
            pair = (row["left"], row["right"])
            if pair in best:
                repeated.append(f"{pair[0]},{pair[1]} (row {row['_row']})")
                score, first = best[pair]
                best[pair] = (max(score, row["score"]), first)
            else:
                best[pair] = (row["score"], row["_row"])
        if repeated:
            shown = "; ".join(repeated[:5]) + (f"; and {len(repeated) - 5} more" if len(repeated) > 5 else "")
            self.stderr.write(f"{name}: {len(repeated)} repeated (left, right) pairs, the best score kept: {shown}")
        return best

    def _capacities(
        self, path: Path | None, rows: list[dict[str, Any]], edges: dict[tuple[str, str], tuple[float, int]]
    ) -> tuple[dict[str, int], dict[str, int]]:
        if path is None:
            return {}, {}
        name = path.name
        capacities: dict[str, dict[str, int]] = {"left": {}, "right": {}}
        seen: dict[tuple[str, str], int] = {}
        problems = []
        for row in rows:
            side, ident = row["side"], row["id"]
            if (side, ident) in seen:
                problems.append(
                    f"{name}:{row['_row']}:id: {side} {ident!r} already has a capacity (row {seen[side, ident]})"
                )
                continue
            seen[side, ident] = row["_row"]
            capacities[side][ident] = row["capacity"]
        if problems:
            raise CommandError("\n".join(problems))
        known = {"left": {left for left, _ in edges}, "right": {right for _, right in edges}}
        unknown = [f"{side} {ident}" for side in SIDES for ident in capacities[side] if ident not in known[side]]
        if unknown:
            shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
            self.stderr.write(f"{name}: {len(unknown)} ids appear in no edge and cannot be matched: {shown}")
        return capacities["left"], capacities["right"]

    @staticmethod
    def _write(out: Path, rows: list[tuple[str, str, float]]) -> None:
        """Written next to its destination, then renamed over it: a failed run leaves no partial file."""
        handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.stem}-", suffix=out.suffix)
        os.close(handle)
        try:
            write_table(Path(temporary), ["left", "right", "score"], rows)
            os.replace(temporary, out)
        except OSError as exc:
            Path(temporary).unlink(missing_ok=True)
            raise CommandError(f"--out {out}: cannot be written ({exc})") from exc
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
