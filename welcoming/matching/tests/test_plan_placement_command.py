from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from welcoming.lib.tables import Column, read_table, real, text, whole, write_table
from welcoming.matching.management.commands import plan_placement
from welcoming.matching.placement import Placed, Plan, place

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
    family_header: tuple[str, ...] = ("id", "size"),
    community_header: tuple[str, ...] = ("id", "capacity"),
) -> list[str]:
    write_table(folder / f"F{suffix}", family_header, families)
    write_table(folder / f"K{suffix}", community_header, communities)
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


def test_json_prints_the_summary_keys_and_the_use_of_each_capacity(tmp_path: Path) -> None:
    stdout, stderr = run(*tables(tmp_path), "--out", str(tmp_path / "P.csv"), "--json")
    summary = json.loads(stdout)
    assert list(summary)[:5] == ["placed_families", "placed_people", "objective", "upper_bound", "seconds"]
    assert summary["placed_families"] == 2 and summary["placed_people"] == 5
    assert summary["objective"] == summary["upper_bound"] == 19
    assert summary["seconds"] >= 0
    assert summary["optimal"] is True
    assert summary["capacities"] == {"people": {"used": 5, "capacity": 6}}
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


@pytest.mark.parametrize("capacities", [[], ["--people-only"]])
def test_the_placement_benchmark_prints_exactly_its_figures(capacities: list[str]) -> None:
    out = StringIO()
    args = ["--people", "400", "--communities", "9", "--time-limit", "5", "--json", *capacities]
    call_command("bench_placement", *args, stdout=out)
    figures = json.loads(out.getvalue())
    keys = ["seconds", "objective", "upper_bound", "greedy_objective", "ratio_to_bound", "gain_over_greedy", "peak_mb"]
    assert list(figures) == keys
    assert figures["greedy_objective"] <= figures["objective"] <= figures["upper_bound"]
    assert 0 < figures["ratio_to_bound"] <= 1


# Other capacities: a column in both files.

# X has room for both families in people but 2 school places; a needs 2, b needs 1. Ignoring school places
# puts both in X (10 + 8 = 18); within them, a in X and b in Y (no limit there: empty cell) = 17.
SCHOOL_FAMILIES: Rows = [["a", 3, 2, "Kurdish"], ["b", 2, 1, "Arabic"], ["c", 1, None, "Dari"]]
SCHOOL_COMMUNITIES: Rows = [["X", 10, 2, "north"], ["Y", 10, None, "south"]]
SCHOOL_SCORES: Rows = [["a", "X", 10], ["a", "Y", 4], ["b", "X", 8], ["b", "Y", 7], ["c", "X", 1], ["c", "Y", -1]]


def school_tables(
    folder: Path, suffix: str = ".csv", families: Rows = SCHOOL_FAMILIES, communities: Rows = SCHOOL_COMMUNITIES
) -> list[str]:
    """The instance above; language and region are in one file each."""
    family_header = ("id", "size", "school_places", "language")
    community_header = ("id", "capacity", "school_places", "region")
    return tables(folder, suffix, families, communities, SCHOOL_SCORES, family_header, community_header)


def test_a_capacity_in_both_files_keeps_out_a_family_that_would_fit_in_people(tmp_path: Path) -> None:
    out = tmp_path / "P.csv"
    stdout, stderr = run(*school_tables(tmp_path), "--out", str(out))
    assert out.read_text().splitlines() == ["family,community,size,score", "a,X,3,10", "b,Y,2,7", "c,X,1,1"]
    assert "Total score 18; upper bound 18: proven optimal" in stdout
    assert "school_places: 3 used (no limit in some communities); full in 1 of 2 communities, no limit in 1." in stdout
    # Language and region are in one file each and hold text: left aside, and said so.
    assert "F.csv: column 'language' is not in K.csv and holds text: left aside" in stderr
    assert "K.csv: column 'region' is not in F.csv and holds text: left aside" in stderr
    ignored = tmp_path / "P-people-only.csv"
    run(*school_tables(tmp_path), "--out", str(ignored), "--ignore", "school_places")
    assert ignored.read_text().splitlines()[1:] == ["a,X,3,10", "b,X,2,8", "c,X,1,1"]


def test_the_printed_table_shows_how_full_each_community_is(tmp_path: Path) -> None:
    stdout, _ = run(*school_tables(tmp_path), "--out", str(tmp_path / "P.csv"))
    lines = stdout.splitlines()
    start = lines.index("How full each community is (used / capacity):")
    assert [line.split() for line in lines[start + 1 : start + 4]] == [
        ["community", "families", "people", "school_places"],
        ["X", "2", "4", "/", "10", "2", "/", "2"],
        ["Y", "1", "2", "/", "10", "1", "/", "no", "limit"],
    ]


def test_the_report_says_how_full_each_community_is_for_each_capacity(tmp_path: Path) -> None:
    out, report = tmp_path / "P.csv", tmp_path / "R.csv"
    stdout, _ = run(*school_tables(tmp_path), "--out", str(out), "--report", str(report))
    assert report.read_text().splitlines() == [
        "community,families,people_used,people_capacity,school_places_used,school_places_capacity,fullest",
        "X,2,4,10,2,2,1.0",
        "Y,1,2,10,1,,0.2",
    ]
    assert f"Wrote {report}" in stdout
    assert "How full each community is" not in stdout


def test_json_gives_each_capacity_in_total_with_no_total_where_a_community_has_no_limit(tmp_path: Path) -> None:
    stdout, _ = run(*school_tables(tmp_path), "--out", str(tmp_path / "P.csv"), "--json")
    summary = json.loads(stdout)
    assert summary["capacities"] == {
        "people": {"used": 6, "capacity": 20},
        "school_places": {"used": 3, "capacity": None},
    }


def test_xlsx_in_and_out_with_other_capacities_and_empty_cells(tmp_path: Path) -> None:
    out, report = tmp_path / "P.xlsx", tmp_path / "R.xlsx"
    run(*school_tables(tmp_path, ".xlsx"), "--out", str(out), "--report", str(report))
    rows = [(r["family"], r["community"], r["size"], r["score"]) for r in read_table(out, OUTPUT)]
    assert rows == [("a", "X", 3, 10.0), ("b", "Y", 2, 7.0), ("c", "X", 1, 1.0)]
    columns = [Column("community", text), Column("school_places_used", whole)]
    columns += [Column("school_places_capacity", whole, required=False), Column("fullest", real)]
    used = [tuple(r[c.name] for c in columns) for r in read_table(report, columns)]
    assert used == [("X", 2, 2, 1.0), ("Y", 1, None, 0.2)]


def test_a_column_of_numbers_in_only_one_file_is_an_error_naming_file_and_column(tmp_path: Path) -> None:
    args = tables(
        tmp_path,
        families=[["a", 3, 1], ["b", 2, 0], ["c", 2, 2]],
        family_header=("id", "size", "school_places"),
        communities=[["X", 4, 7], ["Y", 2, 1]],
        community_header=("id", "capacity", "language_seats"),
    )
    message = refused(tmp_path, args)
    assert "F.csv: column 'school_places' holds numbers but K.csv has no such column" in message
    assert "or leave it aside with --ignore school_places" in message
    assert "K.csv: column 'language_seats' holds numbers but F.csv has no such column" in message
    stdout, _ = run(*args, "--ignore", "school_places", "--ignore", "language_seats", "--out", str(tmp_path / "P.csv"))
    assert "Total score 19" in stdout


@pytest.mark.parametrize(
    ("families", "communities", "expected"),
    [
        (
            [["a", 3, "two", ""], *SCHOOL_FAMILIES[1:]],
            SCHOOL_COMMUNITIES,
            "F.csv:2:school_places: 'two' is not a whole",
        ),
        ([["a", 3, 1.5, ""], *SCHOOL_FAMILIES[1:]], SCHOOL_COMMUNITIES, "F.csv:2:school_places: '1.5' is not a whole"),
        (SCHOOL_FAMILIES, [["X", 10, -1, ""], SCHOOL_COMMUNITIES[1]], "K.csv:2:school_places: '-1' is negative"),
    ],
)
def test_a_bad_capacity_cell_is_an_error_naming_file_row_and_column(
    tmp_path: Path, families: Rows, communities: Rows, expected: str
) -> None:
    assert expected in refused(tmp_path, school_tables(tmp_path, families=families, communities=communities))


def test_a_capacity_named_people_is_refused(tmp_path: Path) -> None:
    args = tables(
        tmp_path,
        families=[[*row, 1] for row in FAMILIES],
        family_header=("id", "size", "people"),
        communities=[[*row, 1] for row in COMMUNITIES],
        community_header=("id", "capacity", "people"),
    )
    assert "a column named 'people' cannot be another capacity" in refused(tmp_path, args)


def test_a_report_that_is_neither_csv_nor_xlsx_is_refused_before_solving(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"--report .*R.txt: give a \.csv or \.xlsx file"):
        run(*tables(tmp_path), "--out", str(tmp_path / "P.csv"), "--report", str(tmp_path / "R.txt"))
    assert not (tmp_path / "P.csv").exists()


def test_the_benchmark_writes_inputs_that_plan_placement_reads_with_school_places(tmp_path: Path) -> None:
    out = StringIO()
    call_command("bench_placement", "--people", "60", "--communities", "4", "--write-inputs", str(tmp_path), stdout=out)
    header = [Column("id", text), Column("school_places", whole, required=False)]
    assert [r["school_places"] for r in read_table(tmp_path / "K.csv", header)] != [None] * 4
    stdout, _ = run(
        "--families",
        str(tmp_path / "F.csv"),
        "--communities",
        str(tmp_path / "K.csv"),
        "--scores",
        str(tmp_path / "S.csv"),
        "--out",
        str(tmp_path / "P.csv"),
        "--report",
        str(tmp_path / "R.csv"),
        "--time-limit",
        "5",
        "--json",
    )
    summary = json.loads(stdout)
    assert list(summary["capacities"]) == ["people", "school_places"]
    for row in read_table(
        tmp_path / "R.csv", [Column(c, whole) for c in ("school_places_used", "school_places_capacity")]
    ):
        assert row["school_places_used"] <= row["school_places_capacity"]


def test_a_plan_over_a_capacity_is_never_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever the solver returns is counted again from the inputs: here, a solver that ignored school places.
    def careless(*args: Any, **kwargs: Any) -> Plan:
        plan = place(*args, **kwargs)
        return replace(plan, placements=[Placed("a", "X", 3, 10.0), Placed("b", "X", 2, 8.0)])

    monkeypatch.setattr(plan_placement, "place", careless)
    message = refused(tmp_path, school_tables(tmp_path))
    assert "the plan exceeds a capacity; nothing was written: X school_places 3 > 2" in message
