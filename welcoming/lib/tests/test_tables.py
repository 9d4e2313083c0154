from __future__ import annotations

from pathlib import Path

import pytest

from welcoming.lib.tables import Column, TableError, count, read_table, real, text, write_table

COLUMNS = [Column("left", text), Column("right", text), Column("score", real)]


def test_a_table_reads_the_same_from_csv_with_a_byte_order_mark_and_from_xlsx(tmp_path: Path) -> None:
    rows = [["h1", "u1", 2.5], ["h2", "u1", -1]]
    (tmp_path / "e.csv").write_text("\ufeffleft,right,score,extra\nh1,u1,2.5,x\nh2,u1,-1,y\n", encoding="utf-8")
    write_table(tmp_path / "e.xlsx", ["left", "right", "score"], rows)
    for name in ("e.csv", "e.xlsx"):
        got = [(r["left"], r["right"], r["score"]) for r in read_table(tmp_path / name, COLUMNS)]
        assert got == [("h1", "u1", 2.5), ("h2", "u1", -1.0)], name


def test_every_bad_cell_and_missing_column_is_named_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("left,score\nh1,abc\nh2,nan\n", encoding="utf-8")
    with pytest.raises(TableError) as raised:
        read_table(path, COLUMNS)
    assert raised.value.problems == ["e.csv:1: missing column 'right' (found: left, score)"]
    path.write_text("left,right,score\nh1,u1,abc\n,u2,1\n", encoding="utf-8")
    with pytest.raises(TableError) as raised:
        read_table(path, COLUMNS)
    assert raised.value.problems == ["e.csv:2:score: 'abc' is not a number", "e.csv:3:left: is empty"]


def test_a_file_that_is_not_utf8_or_xlsx_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes("left,right,score\nJosé,u1,1\n".encode("latin-1"))
    with pytest.raises(TableError, match="cannot be read as UTF-8"):
        read_table(path, COLUMNS)
    fake = tmp_path / "e.xlsx"
    fake.write_text("not a workbook")
    with pytest.raises(TableError, match="cannot be read"):
        read_table(fake, COLUMNS)


def test_written_text_cannot_run_as_a_formula_and_numbers_stay_numbers(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_table(path, ["id", "capacity"], [["=HYPERLINK(1)", -3], ["@x", 4]])
    assert path.read_text().splitlines() == ["id,capacity", "'=HYPERLINK(1),-3", "'@x,4"]
    assert [r["capacity"] for r in read_table(path, [Column("id", text), Column("capacity", real)])] == [-3, 4]


def test_optional_columns_take_their_default(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("side,id\nleft,h1\n", encoding="utf-8")
    columns = [Column("side", text), Column("id", text), Column("capacity", count, required=False, default=1)]
    assert read_table(path, columns)[0]["capacity"] == 1
