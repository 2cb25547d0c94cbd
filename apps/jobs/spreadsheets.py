"""Rows to and from XLSX and CSV files a row at a time, so a job's memory does not grow with
its file: openpyxl's write-only and read-only modes, the csv module on an open file."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from pathlib import Path

from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from tablib import Dataset


def _xlsx_value(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
    if value is None or isinstance(value, int | float | bool) or hasattr(value, "isoformat"):
        return value
    if hasattr(value, "as_tuple"):  # Decimal
        return value
    return str(value)


def write_table(path: Path, fmt: str, title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write `rows` under `headers` as one sheet (XLSX) or a UTF-8 CSV with the BOM Excel needs.
    Returns the number of rows written."""
    count = 0
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(list(headers))
        for row in rows:
            sheet.append([_xlsx_value(value) for value in row])
            count += 1
        workbook.save(path)
        return count
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])
            count += 1
    return count


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else GB18030 (what Excel
    saves on Chinese Windows), read in blocks."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        with open(path, "rb") as raw:
            while block := raw.read(1 << 16):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def _rows(path: Path, fmt: str) -> Iterator[list]:
    if fmt == "xlsx":
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            for row in workbook.active.iter_rows(values_only=True):
                yield list(row)
        finally:
            workbook.close()
        return
    with open(path, encoding=_csv_encoding(path), newline="") as source:
        yield from csv.reader(source)


def count_rows(path: Path, fmt: str) -> int:
    """Rows under the header, reading a row at a time (as the import numbers them)."""
    return sum(1 for _row in islice(_rows(path, fmt), 1, None))


def read_chunks(path: Path, fmt: str, size: int) -> Iterator[tuple[int, Dataset]]:
    """The file's data rows as datasets of at most `size` rows with the header row, each with
    the number of data rows before it (so a row's place in the file can be named)."""
    rows = _rows(path, fmt)
    headers = next(rows, None)
    if headers is None:
        return
    headers = ["" if h is None else str(h).strip() for h in headers]
    width = len(headers)
    offset = 0
    while True:
        chunk = Dataset(headers=headers)
        taken = 0
        for row in rows:
            row = (list(row) + [""] * width)[:width]
            chunk.append(row)
            taken += 1
            if taken == size:
                break
        if not taken:
            return
        yield offset, chunk
        offset += taken
