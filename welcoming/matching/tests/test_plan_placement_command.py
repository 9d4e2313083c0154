from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from welcoming.lib.tables import Column, read_table, real, text, whole, write_table

FAMILIES: list[list[object]] = [["a", 3], ["b", 2], ["c", 2]]
COMMUNITIES: list[list[object]] = [["X", 4], ["Y", 2]]
# The hand-solved instance: a in X (10) and b in Y (9) = 19; greedy takes b in X (11) and stops at 16.
SCORES: list[list[object]] = [
    ["a", "X", 10],
    ["a", "Y", -1],
    ["b", "X", 11],
    ["b", "Y", 9],
    ["c", "X", 4],
    ["c", "Y", 5],
]
OUTPUT = [Column("family", text), Column("community", text), Column("size", whole), Column("score", real)]


Rows = list[list[object]]


def tables(
    folder: Path,
    suffix: str = ".csv",
    families: Rows = FAMILIES,
    communities: Rows = COMMUNITIES,
    scores: Rows = SCORES,
) -> list[str]:
    write_table(folder / f"F{suffix}", ["id", "size"], families)
    write_table(folder / f"K{suffix}", ["id", "capacity"], communities)
    write_table(folder / f"S{suffix}", ["family", "community", "score"], scores)
    return [
        "--families",
        str(folder / f"F{suffix}"),
        "--communities",
        str(folder / f"K{suffix}"),
        "--scores",
        str(folder / f"S{suffix}"),
    ]


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("plan_placement", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(tmp_path: Path, args: list[str]) -> str:
    out = tmp_path / "P.csv"
    with pytest.raises(CommandError) as raised:
        run(*args, "--out", str(out))
    assert not out.exists()
    assert not list(tmp_path.glob(".P*")), "a partial file was left behind"
    return str(raised.value)


def test_a_csv_plan_places_families_whole_and_says_it_is_proven_optimal(tmp_path: Path) -> None:
    out = tmp_path / "P.csv"
    stdout, _ = run(*tables(tmp_path), "--out", str(out))
    assert out.read_text().splitlines() == ["family,community,size,score", "a,X,3,10", "b,Y,2,9"]
    assert "Placed 2 of 3 families (5 of 7 people)" in stdout
    assert "proven optimal" in stdout and "not proven" not in stdout
    assert "Greedy baseline 16" in stdout


def test_xlsx_in_and_out_give_the_same_plan(tmp_path: Path) -> None:
    out = tmp_path / "P.xlsx"
    run(*tables(tmp_path, ".xlsx"), "--out", str(out))
    rows = [(r["family"], r["community"], r["size"], r["score"]) for r in read_table(out, OUTPUT)]
    assert rows == [("a", "X", 3, 10.0), ("b", "Y", 2, 9.0)]


def test_json_prints_exactly_the_summary_keys(tmp_path: Path) -> None:
    stdout, stderr = run(*tables(tmp_path), "--out", str(tmp_path / "P.csv"), "--json")
    summary = json.loads(stdout)
    assert list(summary) == ["placed_families", "placed_people", "objective", "upper_bound", "seconds"]
    assert summary["placed_families"] == 2 and summary["placed_people"] == 5
    assert summary["objective"] == summary["upper_bound"] == 19
    assert summary["seconds"] >= 0
    assert "proven optimal" in stderr


def test_negative_scores_are_never_chosen_and_fractional_scores_are_kept(tmp_path: Path) -> None:
    scores = [["a", "X", -3], ["a", "Y", -0.5], ["b", "X", 1.25], ["b", "Y", 0.5], ["c", "X", 0.75], ["c", "Y", 2]]
    out = tmp_path / "P.csv"
    stdout, _ = run(*tables(tmp_path, scores=scores), "--out", str(out), "--json")
    assert out.read_text().splitlines()[1:] == ["b,X,2,1.25", "c,Y,2,2"]
    assert json.loads(stdout)["objective"] == 3.25


def test_a_missing_pair_is_an_error_naming_the_first_few_and_the_count(tmp_path: Path) -> None:
    families = [[f"f{n}", 1] for n in range(10)]
    scores = [[f"f{n}", "X", 1] for n in range(10)]
    message = refused(tmp_path, tables(tmp_path, families=families, scores=scores))
    assert "10 of the 20 family-community pairs have no score" in message
    assert "(f0, Y), (f1, Y), (f2, Y), (f3, Y), (f4, Y) and 5 more" in message


def test_an_unknown_family_or_community_is_an_error_naming_it_and_its_row(tmp_path: Path) -> None:
    message = refused(tmp_path, tables(tmp_path, scores=[*SCORES, ["zed", "X", 1], ["a", "Atlantis", 2]]))
    assert "S.csv: 1 row(s) name a family not in F.csv: 'zed' (row 8)" in message
    assert "S.csv: 1 row(s) name a community not in K.csv: 'Atlantis' (row 9)" in message


def test_a_pair_given_twice_is_an_error(tmp_path: Path) -> None:
    message = refused(tmp_path, tables(tmp_path, scores=[*SCORES, ["b", "Y", 3]]))
    assert "S.csv: 1 pair(s) given more than once: (b, Y) rows 5 and 8" in message


def test_a_repeated_family_or_community_id_is_an_error(tmp_path: Path) -> None:
    message = refused(tmp_path, tables(tmp_path, families=[*FAMILIES, ["a", 1]], communities=[*COMMUNITIES, ["X", 3]]))
    assert "F.csv: 2 row(s) repeat a family id: 'a' (row 2), 'a' (row 5)" in message
    assert "K.csv: 2 row(s) repeat a community id" in message


@pytest.mark.parametrize(
    ("families", "communities", "scores", "expected"),
    [
        ([["a", 0], ["b", 2], ["c", 2]], COMMUNITIES, SCORES, "F.csv:2:size: '0' is less than 1"),
        ([["a", 2.5], ["b", 2], ["c", 2]], COMMUNITIES, SCORES, "F.csv:2:size: '2.5' is not a whole number"),
        (FAMILIES, [["X", "lots"], ["Y", 2]], SCORES, "K.csv:2:capacity: 'lots' is not a whole number"),
        (FAMILIES, [["X", -4], ["Y", 2]], SCORES, "K.csv:2:capacity: '-4' is negative"),
        (FAMILIES, COMMUNITIES, [["a", "X", "high"], *SCORES[1:]], "S.csv:2:score: 'high' is not a number"),
        (FAMILIES, COMMUNITIES, [["a", "X", "inf"], *SCORES[1:]], "S.csv:2:score: 'inf' is not a finite number"),
    ],
)
def test_a_bad_number_is_an_error_naming_file_row_and_column(
    tmp_path: Path, families: list, communities: list, scores: list, expected: str
) -> None:
    assert expected in refused(tmp_path, tables(tmp_path, families=families, communities=communities, scores=scores))


def test_a_missing_column_or_file_is_an_error(tmp_path: Path) -> None:
    args = tables(tmp_path)
    (tmp_path / "F.csv").write_text("id,people\na,3\n")
    assert "F.csv:1: missing column 'size'" in refused(tmp_path, args)
    args[1] = str(tmp_path / "nowhere.csv")
    assert "nowhere.csv: no such file" in refused(tmp_path, args)


def test_a_failed_run_leaves_an_earlier_plan_untouched(tmp_path: Path) -> None:
    out = tmp_path / "P.csv"
    out.write_text("earlier plan\n")
    with pytest.raises(CommandError):
        run(*tables(tmp_path, scores=SCORES[:-1]), "--out", str(out))
    assert out.read_text() == "earlier plan\n"


def test_an_output_that_is_neither_csv_nor_xlsx_is_refused_before_solving(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"give a \.csv or \.xlsx file"):
        run(*tables(tmp_path), "--out", str(tmp_path / "P.txt"))


def test_invalid_input_exits_non_zero_with_a_message_and_no_traceback(tmp_path: Path) -> None:
    args = tables(tmp_path, scores=SCORES[:-1])
    done = subprocess.run(
        [sys.executable, "manage.py", "plan_placement", *args, "--out", str(tmp_path / "P.csv"), "--json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert done.returncode != 0
    assert "1 of the 6 family-community pairs have no score" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert not (tmp_path / "P.csv").exists()


def test_the_placement_benchmark_prints_exactly_its_figures() -> None:
    out = StringIO()
    call_command("bench_placement", "--people", "400", "--communities", "9", "--time-limit", "5", "--json", stdout=out)
    figures = json.loads(out.getvalue())
    keys = ["seconds", "objective", "upper_bound", "greedy_objective", "ratio_to_bound", "gain_over_greedy", "peak_mb"]
    assert list(figures) == keys
    assert figures["greedy_objective"] <= figures["objective"] <= figures["upper_bound"]
    assert 0 < figures["ratio_to_bound"] <= 1
