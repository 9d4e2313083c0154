"""Planners' tables in and out: CSV (UTF-8, with or without a byte-order mark) or XLSX, by the file's
extension. Plain Python (openpyxl for XLSX), no Django.

Reading checks the header and each cell's type and says where a problem is, as `file:row:column:
message`, for every problem at once; writing makes text cells safe for spreadsheets.
"""

from __future__ import annotations

import csv
import math
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from welcoming.lib.spreadsheet import safe_cell

MAX_ROWS = 5_000_000


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


def _raw_rows(path: Path) -> Iterable[list[str]]:
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
        raise TableError(problems[:200] + ([f"... and {len(problems) - 200} more"] if len(problems) > 200 else []))
    return out


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
