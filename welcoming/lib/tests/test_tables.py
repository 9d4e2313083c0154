from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest

from welcoming.lib import tables
from welcoming.lib.tables import (
    Column,
    Columns,
    TableError,
    count,
    read_columns,
    read_table,
    real,
    text,
    whole,
    write_table,
)

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


# read_columns: the same table as read_table, column by column.

IDS = [Column("id", text), Column("size", whole), Column("score", real), Column("seats", count, False, math.inf)]


def as_rows(columns: Columns, names: list[str]) -> list[tuple[object, ...]]:
    return [tuple(columns[name][n] for name in names) for n in range(len(columns))]


def same_as_read_table(path: Path, columns: list[Column]) -> Columns:
    """read_columns on `path`, checked against read_table: the same values, rows and problems."""
    try:
        expected = read_table(path, columns)
    except TableError as error:
        with pytest.raises(TableError) as raised:
            read_columns(path, columns)
        assert raised.value.problems == error.problems
        return Columns(np.zeros(0, np.int64), {})
    got = read_columns(path, columns)
    assert got.rows.tolist() == [row["_row"] for row in expected]
    for column in columns:
        assert got[column.name].tolist() == [row[column.name] for row in expected], column.name
    return got


def test_columns_read_the_same_values_as_rows_from_csv_and_xlsx(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text(
        "\ufeff id ,size,score,seats,note\n007, 3 ,2.5,,x\n7,1e1,-0.1,4,y\n", encoding="utf-8"
    )
    write_table(tmp_path / "t.xlsx", ["id", "size", "score", "seats"], [["007", 3, 2.5, None], ["7", 10, -0.1, 4]])
    for name in ("t.csv", "t.xlsx"):
        got = same_as_read_table(tmp_path / name, IDS)
        # Ids stay text ("007" is not 7); an empty optional cell takes its default, here no limit.
        assert as_rows(got, ["id", "size", "score", "seats"]) == [("007", 3, 2.5, math.inf), ("7", 10, -0.1, 4.0)]
        assert got["size"].dtype == np.int64 and got["score"].dtype == np.float64


def test_columns_name_every_bad_cell_with_its_row_as_rows_do(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,size,score,seats\na,2.5,1,0\n,2,abc,-1\nc,2,inf,1\n", encoding="utf-8")
    with pytest.raises(TableError) as raised:
        read_columns(path, IDS)
    assert raised.value.problems == [
        "t.csv:2:size: '2.5' is not a whole number",
        "t.csv:3:id: is empty",
        "t.csv:3:score: 'abc' is not a number",
        "t.csv:3:seats: '-1' is negative",
        "t.csv:4:score: 'inf' is not a finite number",
    ]
    path.write_text("id,score\na,1\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"t.csv:1: missing column 'size' \(found: id, score\)"):
        read_columns(path, IDS)


def test_columns_skip_blank_rows_keep_row_numbers_and_read_ragged_rows(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,size,score\na,1,1\n\n , ,\nb,2,0.5,extra,cells\nc,3\n", encoding="utf-8")
    columns = [Column("id", text), Column("size", whole), Column("score", real, required=False, default=0.0)]
    got = same_as_read_table(path, columns)
    assert got.rows.tolist() == [2, 5, 6]
    assert as_rows(got, ["id", "size", "score"]) == [("a", 1, 1.0), ("b", 2, 0.5), ("c", 3, 0.0)]


def test_columns_parse_numbers_exactly_as_python_does(tmp_path: Path) -> None:
    cells = ["0.1", "1e-320", "2.2250738585072011e-308", "9007199254740993", "0.30000000000000004", "-0", "+5", ".5"]
    cells += ["123456789.123456789", "1.7976931348623157e308", " 3 ", "1_000", "5."]
    path = tmp_path / "t.csv"
    path.write_text("score\n" + "\n".join(f'"{cell}"' for cell in cells) + "\n", encoding="utf-8")
    got = read_columns(path, [Column("score", real)])
    assert [value.hex() for value in got["score"].tolist()] == [float(cell).hex() for cell in cells]


def test_columns_refuse_a_file_that_is_not_utf8_or_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("id,size\nJosé,1\n".encode("latin-1"))
    with pytest.raises(TableError, match="cannot be read as UTF-8"):
        read_columns(path, [Column("id", text), Column("size", whole)])
    fake = tmp_path / "t.xlsx"
    fake.write_text("not a workbook")
    with pytest.raises(TableError, match="cannot be read"):
        read_columns(fake, [Column("id", text)])


def test_columns_refuse_more_rows_than_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "MAX_ROWS", 3)
    path = tmp_path / "t.csv"
    path.write_text("id\na\nb\nc\nd\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"t.csv:5: more than 3 rows"):
        read_columns(path, [Column("id", text)])


def test_columns_list_at_most_two_hundred_problems_and_count_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,size\n" + "".join(f"f{n},x\n" for n in range(250)), encoding="utf-8")
    with pytest.raises(TableError) as raised:
        read_columns(path, [Column("id", text), Column("size", whole)])
    assert len(raised.value.problems) == 201
    assert raised.value.problems[-1] == "... and 50 more"


def test_random_tables_read_the_same_by_columns_as_by_rows(tmp_path: Path) -> None:
    rng = random.Random(11)
    cells = ["", " ", "a", " b ", "007", "7", "1", "2.0", "-3", "2.5", "1e2", "nan", "inf", "x y", "=1", "0"]
    for n in range(120):
        width = rng.randint(1, 5)
        lines = [",".join(["id", "size", "score", "seats", "other"][:width])]
        for _ in range(rng.randint(0, 6)):
            row = [rng.choice(cells) for _ in range(rng.randint(0, width + 1))]
            lines.append(",".join(row))
        path = tmp_path / f"t{n}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        same_as_read_table(path, IDS[: rng.randint(1, 4)])
        same_as_read_table(path, [Column("id", text, required=False, default="?"), Column("seats", count, False, 0)])
