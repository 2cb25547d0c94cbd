"""Workbooks a leader can compute with: Chinese headers, one named sheet per table, numbers and
dates as real cells (a 计划投资 column sums in Excel), percentages as Excel percentages."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FORMATS = {
    "text": "@",
    "int": "#,##0",
    "money": "#,##0.00",
    "percent": "0.0%",  # the cell holds a fraction: 84.5 % is 0.845
    "points": "+0.0;-0.0;0.0",  # a change in percentage points
    "date": "yyyy-mm-dd",
}


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"
    width: int = 0


def _cell_value(value, kind: str):
    if value is None or value == "":
        return None
    if kind == "percent":
        return float(Decimal(str(value)) / 100)
    if kind in ("money", "points"):
        return float(value)
    if kind == "int":
        return int(value)
    if kind == "date" and isinstance(value, datetime):
        return value.date()
    if kind == "date" and isinstance(value, date):
        return value
    return str(value)


def add_sheet(workbook: Workbook, title: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> None:
    """A sheet named `title` (Excel allows 31 characters) with a bold, frozen header row."""
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([c.header for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([_cell_value(value, column.kind) for value, column in zip(row, columns, strict=True)])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column.kind != "text":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = FORMATS[column.kind]
        width = column.width or max(10, min(40, 2 * len(column.header) + 2))
        sheet.column_dimensions[letter].width = width


def new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
