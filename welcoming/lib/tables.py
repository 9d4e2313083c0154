"""Planners' tables in and out: CSV (UTF-8, with or without a byte-order mark) or XLSX, by the file's
extension. Plain Python (openpyxl for XLSX; numpy and pandas for large tables), no Django.

Reading checks the header and each cell's type and says where a problem is, as `file:row:column:
message`, for every problem at once; writing makes text cells safe for spreadsheets.

`read_table` gives a dict per row. `read_columns` gives the same values column by column as numpy arrays,
for tables of millions of rows: a dict per row costs about 600 bytes and a Python call per cell. A clean
CSV goes through pandas' C parser (numbers straight into float arrays, repeated text such as ids shared),
and each distinct text is parsed once; anything else — XLSX, a bad cell, a blank or ragged row — is read
row by row as `read_table` reads it, still keeping one code per cell rather than a dict per row, and gives
the same messages.
"""

from __future__ import annotations

import csv
import math
import zipfile
from array import array
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from welcoming.lib.spreadsheet import safe_cell

MAX_ROWS = 5_000_000
MAX_PROBLEMS = 200  # problems listed; the rest are counted


class TableError(ValueError):
    """Everything wrong with a table, one problem per line."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any] = str
    required: bool = True
    default: Any = None


def text(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("is empty")
    return value


def whole(value: str) -> int:
    try:
        number = float(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a whole number") from exc
    if not number.is_integer():
        raise ValueError(f"{value!r} is not a whole number")
    return int(number)


def count(value: str) -> int:
    number = whole(value)
    if number < 0:
        raise ValueError(f"{value!r} is negative")
    return number


def real(value: str) -> float:
    try:
        number = float(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a number") from exc
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _raw_rows(path: Path) -> Generator[list[str], None, None]:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                yield ["" if cell is None else _cell_text(cell) for cell in row]
        finally:
            workbook.close()
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.reader(handle)


def _cell_text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def read_table(path: Path, columns: Sequence[Column]) -> list[dict[str, Any]]:
    """The rows of `path` as dicts of parsed values. Unknown columns are ignored; a missing required
    column, a bad cell or a file that is not UTF-8 CSV or XLSX is a `TableError` naming every place."""
    name = path.name
    problems: list[str] = []
    try:
        rows = iter(_raw_rows(path))
        header = [cell.strip() for cell in next(rows, [])]
    except (UnicodeDecodeError, csv.Error, OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise TableError([f"{name}: cannot be read as UTF-8 CSV or XLSX ({exc})"]) from exc
    positions: dict[str, int] = {}
    for column in columns:
        if column.name in header:
            positions[column.name] = header.index(column.name)
        elif column.required:
            problems.append(f"{name}:1: missing column {column.name!r} (found: {', '.join(header) or 'nothing'})")
    if problems:
        raise TableError(problems)
    out: list[dict[str, Any]] = []
    try:
        for number, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(out) >= MAX_ROWS:
                raise TableError([f"{name}:{number}: more than {MAX_ROWS:,} rows"])
            record: dict[str, Any] = {"_row": number}
            for column in columns:
                position = positions.get(column.name)
                raw = row[position].strip() if position is not None and position < len(row) else ""
                if not raw and (not column.required or position is None):
                    record[column.name] = column.default
                    continue
                try:
                    record[column.name] = column.parse(raw)
                except ValueError as exc:
                    problems.append(f"{name}:{number}:{column.name}: {exc}")
            out.append(record)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise TableError([*problems, f"{name}: cannot be read as UTF-8 CSV ({exc})"]) from exc
    if problems:
        raise TableError(_capped(problems))
    return out


def _capped(problems: list[str]) -> list[str]:
    extra = len(problems) - MAX_PROBLEMS
    return problems[:MAX_PROBLEMS] + ([f"... and {extra} more"] if extra > 0 else [])


@dataclass(frozen=True)
class Columns:
    """A table read column by column: `rows` holds each record's row in the file (the header is row 1),
    `values` each column's parsed values — float64 for `real`; int64 for `whole` and `count` (float64 if
    an empty cell's default is a float, such as infinity); str objects for `text`; for other parsers
    int64, float64 or objects as their results are."""

    rows: np.ndarray
    values: dict[str, np.ndarray]

    def __len__(self) -> int:
        return int(self.rows.size)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]


def read_header(path: Path) -> list[str]:
    """The names in the first row, stripped; a `TableError` if the file cannot be read."""
    rows = _raw_rows(path)
    try:
        return [cell.strip() for cell in next(rows, [])]
    except (UnicodeDecodeError, csv.Error, OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise TableError([f"{path.name}: cannot be read as UTF-8 CSV or XLSX ({exc})"]) from exc
    finally:
        rows.close()  # the file, or the workbook, at once


def read_columns(path: Path, columns: Sequence[Column]) -> Columns:
    """What `read_table` reads — the same values, defaults, skipped blank rows and `TableError`s — as
    arrays, one per column."""
    header = read_header(path)
    positions = {column.name: header.index(column.name) for column in columns if column.name in header}
    missing = [
        f"{path.name}:1: missing column {column.name!r} (found: {', '.join(header) or 'nothing'})"
        for column in columns
        if column.required and column.name not in positions
    ]
    if missing:
        raise TableError(missing)
    if path.suffix.lower() != ".xlsx":
        fast = _fast_columns(path, columns, positions)
        if fast is not None:
            return fast
    return _coded_columns(path, columns, positions)


_NUMBERS: dict[Callable[[str], Any], str] = {real: "real", whole: "whole", count: "count"}


def _fast_columns(path: Path, columns: Sequence[Column], positions: dict[str, int]) -> Columns | None:
    """A clean CSV through pandas' C parser; None whenever anything needs `read_table`'s care (a bad or
    empty required cell, a blank or ragged row, more than MAX_ROWS rows) so that the row-by-row reader
    gives the exact messages."""
    import pandas as pd

    read = sorted(set(positions.values()))
    if not read:
        return None
    numeric = {positions[c.name] for c in columns if c.name in positions and c.parse in _NUMBERS}
    try:
        frame = pd.read_csv(
            path,
            header=None,
            skiprows=1,
            usecols=read,
            dtype={n: np.float64 if n in numeric else object for n in read},
            keep_default_na=False,
            na_values={n: [""] for n in numeric},
            skip_blank_lines=False,
            encoding="utf-8-sig",
            engine="c",
            nrows=MAX_ROWS + 1,
        )
    except UnicodeDecodeError as exc:
        raise TableError([f"{path.name}: cannot be read as UTF-8 CSV ({exc})"]) from exc
    except (ValueError, OSError, pd.errors.ParserError):
        # A cell that is not a number, a ragged row...: the row-by-row reader says what and where.
        return None
    n = len(frame)
    if n > MAX_ROWS:
        return None
    empty = np.ones(n, bool)
    texts: dict[int, tuple[np.ndarray, list[str]]] = {}
    for position in read:
        cells = frame[position].to_numpy()
        if position in numeric:
            empty &= np.isnan(cells)
            continue
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
        stripped = [value.strip() if isinstance(value, str) else "" for value in uniques.tolist()]
        if (codes < 0).any():
            # A ragged row's missing cell: empty.
            codes = np.where(codes < 0, len(stripped), codes)
            stripped.append("")
        texts[position] = (codes, stripped)
        empty &= np.array([not value for value in stripped], bool)[codes]
    if empty.any():
        return None
    values: dict[str, np.ndarray] = {}
    for column in columns:
        at = positions.get(column.name)
        if at is None:
            values[column.name] = _filled(column.default, n)
        elif at in numeric:
            parsed = _numbers(frame[at].to_numpy(), column)
            if parsed is None:
                return None
            values[column.name] = parsed
        else:
            codes, stripped = texts[at]
            distinct = _parse_distinct(column, stripped)
            if isinstance(distinct, list):
                return None
            values[column.name] = distinct[codes]
    return Columns(np.arange(2, n + 2, dtype=np.int64), values)


def _numbers(cells: np.ndarray, column: Column) -> np.ndarray | None:
    """A numeric column as `column.parse` would have it, or None if a cell would be refused."""
    kind = _NUMBERS[column.parse]
    blank = np.isnan(cells)
    if blank.any() and column.required:
        return None
    known = cells[~blank]
    if not np.isfinite(known).all():
        return None
    if kind != "real" and not (np.floor(known) == known).all():
        return None
    if kind == "count" and (known < 0).any():
        return None
    if not blank.any():
        return cells.astype(np.int64) if kind != "real" else cells
    if kind != "real" and isinstance(column.default, int) and not isinstance(column.default, bool):
        filled = cells.copy()
        filled[blank] = column.default
        return filled.astype(np.int64)
    if not isinstance(column.default, int | float):
        out = cells.astype(object)
        out[blank] = column.default
        if kind != "real":
            out[~blank] = known.astype(np.int64).tolist()
        return out
    return np.where(blank, float(column.default), cells)


def _parse_distinct(column: Column, raw: list[str]) -> np.ndarray | list[tuple[int, str]]:
    """Each distinct stripped cell parsed once, as an array to index with codes; or the (index, message)
    of those refused. An empty cell takes the default unless the column is required."""
    parsed: list[Any] = []
    refused: list[tuple[int, str]] = []
    for n, value in enumerate(raw):
        if not value and not column.required:
            parsed.append(column.default)
            continue
        try:
            parsed.append(column.parse(value))
        except ValueError as exc:
            refused.append((n, str(exc)))
            parsed.append(None)
    if refused:
        return refused
    return _array(parsed, column)


def _array(items: list[Any], column: Column) -> np.ndarray:
    if column.parse is not text and all(isinstance(i, int | float) and not isinstance(i, bool) for i in items):
        integers = column.parse is not real and all(isinstance(item, int) for item in items)
        return np.array(items, np.int64 if integers else np.float64)
    out = np.empty(len(items), object)
    out[:] = items
    return out


def _filled(value: Any, n: int) -> np.ndarray:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return np.full(n, value, np.int64 if isinstance(value, int) else np.float64)
    out = np.empty(n, object)
    out[:] = [value] * n
    return out


def _coded_columns(path: Path, columns: Sequence[Column], positions: dict[str, int]) -> Columns:
    """Row by row as `read_table` reads (XLSX, or a CSV the fast path declined), keeping for each cell a
    code into its column's distinct stripped texts; each distinct text is then parsed once."""
    name = path.name
    rows = array("q")
    codes = {column.name: array("q") for column in columns}
    distinct: dict[str, dict[str, int]] = {column.name: {} for column in columns}
    where = [(column.name, positions.get(column.name)) for column in columns]
    try:
        raw_rows = iter(_raw_rows(path))
        next(raw_rows, None)
        for number, row in enumerate(raw_rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) >= MAX_ROWS:
                raise TableError([f"{name}:{number}: more than {MAX_ROWS:,} rows"])
            rows.append(number)
            for key, position in where:
                raw = row[position].strip() if position is not None and position < len(row) else ""
                seen = distinct[key]
                codes[key].append(seen.setdefault(raw, len(seen)))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise TableError([f"{name}: cannot be read as UTF-8 CSV ({exc})"]) from exc
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise TableError([f"{name}: cannot be read as UTF-8 CSV or XLSX ({exc})"]) from exc
    row_numbers = np.frombuffer(rows, np.int64) if rows else np.zeros(0, np.int64)
    values: dict[str, np.ndarray] = {}
    bad: list[tuple[int, int, str]] = []
    for order, column in enumerate(columns):
        column_codes = np.frombuffer(codes[column.name], np.int64) if rows else np.zeros(0, np.int64)
        if positions.get(column.name) is None:
            # A column the file lacks (optional): every cell takes the default.
            values[column.name] = _filled(column.default, row_numbers.size)
            continue
        parsed = _parse_distinct(column, list(distinct[column.name]))
        if isinstance(parsed, list):
            for code, message in parsed:
                for at in np.flatnonzero(column_codes == code).tolist():
                    bad.append((at, order, f"{name}:{row_numbers[at]}:{column.name}: {message}"))
            continue
        values[column.name] = parsed[column_codes]
    if bad:
        bad.sort()
        raise TableError(_capped([message for _, _, message in bad]))
    return Columns(row_numbers, values)


def write_table(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """CSV or XLSX by the extension; text cells that a spreadsheet would run as formulas are made
    plain text, numbers stay numbers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(list(header))
        for row in rows:
            sheet.append([cell if isinstance(cell, int | float) else safe_cell(cell) for cell in row])
        workbook.save(path)
        return
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([safe_cell(cell) for cell in row] for row in rows)
