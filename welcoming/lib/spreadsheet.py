"""Cells safe to open in a spreadsheet.

A cell that starts with = + - or @ is read by Excel, LibreOffice and Google Sheets as a formula
(CSV injection: `=HYPERLINK(...)` or `=cmd|...`); a leading tab or carriage return can hide such a
start. Such a cell is prefixed with an apostrophe, which spreadsheets show as plain text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The text of `value` for a spreadsheet cell. Numbers are left alone: -3 stays a number, as it
    cannot be a formula; only text is prefixed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A whole CSV document, every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
