from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from welcoming.lib.tables import write_table
from welcoming.matching.management.commands.bench_matching import bedrooms_needed

EDGES = "left,right,score,note\nh1,u1,3\nh1,u2,2.9\nh2,u1,2.8\nh3,u2,-1\n"


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("match", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_match_writes_the_best_pairs_and_prints_exactly_the_promised_json(tmp_path):
    (tmp_path / "e.csv").write_text(EDGES, encoding="utf-8")
    out, err = run("--edges", str(tmp_path / "e.csv"), "--out", str(tmp_path / "m.csv"), "--json")
    figures = json.loads(out)
    assert list(figures) == ["matched", "objective", "upper_bound", "seconds"]
    assert figures["matched"] == 2
    assert figures["objective"] == pytest.approx(5.7)
    assert figures["upper_bound"] >= figures["objective"]
    assert figures["upper_bound"] == pytest.approx(5.7)
    # Greedy would take h1-u1 (3) and stop; the negative edge is never chosen.
    assert rows(tmp_path / "m.csv") == [["left", "right", "score"], ["h1", "u2", "2.9"], ["h2", "u1", "2.8"]]
    assert err == ""


def test_match_reads_and_writes_xlsx_with_capacities(tmp_path):
    write_table(tmp_path / "e.xlsx", ["left", "right", "score"], [["h1", "u1", 3], ["h2", "u1", 2.8], [7, "u1", 1]])
    write_table(tmp_path / "c.xlsx", ["side", "id", "capacity"], [["right", "u1", 2], ["left", "h1", 1]])
    args = ["--edges", str(tmp_path / "e.xlsx"), "--capacities", str(tmp_path / "c.xlsx")]
    out, _ = run(*args, "--out", str(tmp_path / "m.xlsx"), "--json")
    assert json.loads(out)["matched"] == 2
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "m.xlsx").worksheets[0]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["left", "right", "score"],
        ["h1", "u1", 3],
        ["h2", "u1", 2.8],
    ]


def test_capacities_default_to_one_and_an_unknown_id_is_a_warning(tmp_path):
    (tmp_path / "e.csv").write_text("left,right,score\nh1,u1,1\nh2,u1,1\nh3,u1,1\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("side,id,capacity\nright,u1,2\nleft,h9,3\n", encoding="utf-8")
    out, err = run(
        "--edges", str(tmp_path / "e.csv"), "--capacities", str(tmp_path / "c.csv"), "--out", str(tmp_path / "m.csv")
    )
    assert len(rows(tmp_path / "m.csv")) == 3
    assert "2 pairs matched" in out and "upper bound" in out
    assert "c.csv: 1 ids appear in no edge and cannot be matched: left h9" in err


def test_a_pair_given_twice_keeps_its_best_score_and_says_so(tmp_path):
    (tmp_path / "e.csv").write_text("left,right,score\nh1,u1,1\nh1,u1,4\nh1,u1,2\n", encoding="utf-8")
    out, err = run("--edges", str(tmp_path / "e.csv"), "--out", str(tmp_path / "m.csv"), "--json")
    assert json.loads(out)["objective"] == 4.0
    assert rows(tmp_path / "m.csv")[1] == ["h1", "u1", "4.0"]
    assert "e.csv: 2 repeated (left, right) pairs, the best score kept: h1,u1 (row 3); h1,u1 (row 4)" in err


def test_only_negative_edges_give_an_empty_matching(tmp_path):
    (tmp_path / "e.csv").write_text("left,right,score\nh1,u1,-1\nh2,u1,-0.5\n", encoding="utf-8")
    out, _ = run("--edges", str(tmp_path / "e.csv"), "--out", str(tmp_path / "m.csv"), "--json")
    assert json.loads(out) | {"seconds": 0} == {"matched": 0, "objective": 0.0, "upper_bound": 0.0, "seconds": 0}
    assert rows(tmp_path / "m.csv") == [["left", "right", "score"]]


@pytest.mark.parametrize(
    ("edges", "capacities", "message"),
    [
        ("left,score\nh1,1\n", None, "e.csv:1: missing column 'right'"),
        ("left,right,score\nh1,u1,abc\n,u2,1\n", None, "e.csv:2:score: 'abc' is not a number\ne.csv:3:left: is empty"),
        (EDGES, "side,id,capacity\nmiddle,u1,2\nleft,h1,-1\n", "c.csv:2:side: 'middle' is neither"),
        (EDGES, "side,id,capacity\nleft,h1,-1\n", "c.csv:2:capacity: '-1' is negative"),
        (EDGES, "side,id,capacity\nleft,h1,1.5\n", "c.csv:2:capacity: '1.5' is not a whole number"),
        (EDGES, "side,id,capacity\nleft,h1,1\nleft,h1,2\n", "c.csv:3:id: left 'h1' already has a capacity (row 2)"),
    ],
)
def test_bad_files_fail_with_a_clear_message_and_write_nothing(tmp_path, edges, capacities, message):
    (tmp_path / "e.csv").write_text(edges, encoding="utf-8")
    args = ["--edges", str(tmp_path / "e.csv"), "--out", str(tmp_path / "m.csv")]
    if capacities is not None:
        (tmp_path / "c.csv").write_text(capacities, encoding="utf-8")
        args += ["--capacities", str(tmp_path / "c.csv")]
    with pytest.raises(CommandError) as raised:
        run(*args)
    assert message in str(raised.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["e.csv"] + (["c.csv"] if capacities else []))


def test_missing_files_and_unknown_formats_are_refused(tmp_path):
    (tmp_path / "e.csv").write_text(EDGES, encoding="utf-8")
    (tmp_path / "e.txt").write_text(EDGES, encoding="utf-8")
    with pytest.raises(CommandError, match=r"--edges .*nope\.csv: no such file"):
        run("--edges", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "m.csv"))
    with pytest.raises(CommandError, match=r"must end in \.csv or \.xlsx"):
        run("--edges", str(tmp_path / "e.txt"), "--out", str(tmp_path / "m.csv"))
    with pytest.raises(CommandError, match=r"--out .*m\.json: the name must end in \.csv or \.xlsx"):
        run("--edges", str(tmp_path / "e.csv"), "--out", str(tmp_path / "m.json"))
    (tmp_path / "bad.xlsx").write_text("not a workbook")
    with pytest.raises(CommandError, match=r"bad\.xlsx: cannot be read"):
        run("--edges", str(tmp_path / "bad.xlsx"), "--out", str(tmp_path / "m.csv"))
    assert not (tmp_path / "m.csv").exists()


def test_a_failed_run_leaves_an_earlier_output_untouched(tmp_path):
    (tmp_path / "m.csv").write_text("left,right,score\nold,run,1\n", encoding="utf-8")
    (tmp_path / "e.csv").write_text("left,right,score\nh1,u1,x\n", encoding="utf-8")
    with pytest.raises(CommandError):
        run("--edges", str(tmp_path / "e.csv"), "--out", str(tmp_path / "m.csv"))
    assert (tmp_path / "m.csv").read_text(encoding="utf-8") == "left,right,score\nold,run,1\n"


def test_the_command_line_exits_non_zero_with_the_message_and_no_traceback(tmp_path):
    (tmp_path / "e.csv").write_text("left,right,score\nh1,u1,x\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "manage.py", "match", "--edges", str(tmp_path / "e.csv"), "--out", str(tmp_path / "m.csv")],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "e.csv:2:score: 'x' is not a number" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_bench_matching_prints_exactly_the_promised_figures():
    out = io.StringIO()
    call_command("bench_matching", "--households", "300", "--units", "250", "--k", "5", "--json", stdout=out)
    figures = json.loads(out.getvalue())
    assert list(figures) == [
        "seconds",
        "objective",
        "upper_bound",
        "greedy_objective",
        "ratio_to_bound",
        "gain_over_greedy",
        "peak_mb",
    ]
    assert figures["ratio_to_bound"] >= 0.995
    assert figures["objective"] > figures["greedy_objective"] > 0
    assert figures["upper_bound"] >= figures["objective"]
    readable = io.StringIO()
    call_command("bench_matching", "--households", "50", "--units", "40", stdout=readable)
    assert "whole run" in readable.getvalue() and "ratio to bound" in readable.getvalue()


@pytest.mark.parametrize(
    ("adults", "couple", "children", "rooms"),
    [
        (1, False, [], 0),  # a person alone may take a bachelor unit
        (2, True, [], 1),
        (1, False, [(3, "m")], 2),  # a lone parent does not share with a child
        (2, True, [(3, "m"), (4, "f")], 2),  # a boy and a girl under 5 share
        (2, True, [(3, "m"), (6, "f")], 3),
        (2, True, [(12, "m"), (2, "m"), (9, "f")], 3),  # two boys share whatever their ages
        (2, True, [(12, "m"), (2, "m"), (4, "m"), (3, "f")], 3),  # the youngest boy shares with the girl
        (3, True, [(10, "f"), (11, "f")], 3),  # a grandparent has a room of her own
    ],
)
def test_bedrooms_follow_the_national_occupancy_standard(adults, couple, children, rooms):
    assert bedrooms_needed(adults, couple, children) == rooms
