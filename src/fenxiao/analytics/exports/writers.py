"""Rows to bytes. CSV is produced as a generator of small byte chunks (one buffer of about
``CSV_FLUSH_BYTES``, refilled), so a response streams it with memory flat; XLSX goes through
openpyxl's write-only mode (rows go to a temporary file as they come) into a file on disk.

Cells that start with ``= + - @`` (or a tab / carriage return) get a leading apostrophe: a
spreadsheet would otherwise run a buyer's remark such as ``=HYPERLINK(...)`` as a formula (CSV
injection). Only people's text is guarded; amounts are our own numbers, so ``-12.50`` stays a
number."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from fenxiao.analytics.exports.columns import CellType, ExportKind
from fenxiao.core.money import FEN_PER_YUAN, fen_to_yuan
from fenxiao.core.spreadsheets import BOM, guard_text

CSV_FLUSH_BYTES = 64 * 1024
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

Progress = Callable[[int], None]
Rows = Iterable[tuple[Any, ...]]


def _positions(kind: ExportKind) -> list[int]:
    fields = kind.fields
    return [fields.index(column.field) for column in kind.columns]


def _csv_cell(column, raw: Any) -> str:
    if column.convert is not None:
        return guard_text(column.convert(raw))
    if raw is None:
        return ""
    if column.type is CellType.YUAN:
        return fen_to_yuan(raw)
    if column.type is CellType.TIME:
        return timezone.localtime(raw).strftime(TIME_FORMAT)
    if column.type is CellType.INT:
        return str(raw)
    return guard_text(raw)


def csv_chunks(kind: ExportKind, rows: Rows, *, progress: Progress | None = None) -> Iterator[bytes]:
    """The CSV file as byte chunks: BOM and header first, then the rows. ``progress(n)`` is called
    with the rows written so far each time a chunk leaves, and once at the end."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(column.header for column in kind.columns)
    positions = _positions(kind)
    columns = list(zip(kind.columns, positions, strict=True))
    done = 0
    for row in rows:
        writer.writerow([_csv_cell(column, row[at]) for column, at in columns])
        done += 1
        if buffer.tell() >= CSV_FLUSH_BYTES:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            if progress:
                progress(done)
    yield buffer.getvalue().encode("utf-8")
    if progress:
        progress(done)


def write_csv(kind: ExportKind, rows: Rows, path: Path, *, progress: Progress | None = None) -> int:
    written = 0

    def count(n: int) -> None:
        nonlocal written
        written = n
        if progress:
            progress(n)

    with path.open("wb") as out:
        for chunk in csv_chunks(kind, rows, progress=count):
            out.write(chunk)
    return written


def _xlsx_text(value: Any) -> str:
    # Control characters are not allowed in the XML of a sheet; a pasted remark may hold some.
    return ILLEGAL_CHARACTERS_RE.sub("", guard_text(value))


def _xlsx_cell(sheet, column, raw: Any):
    if column.convert is not None:
        return _xlsx_text(column.convert(raw))
    if raw is None:
        return None
    if column.type is CellType.YUAN:
        cell = WriteOnlyCell(sheet, value=Decimal(raw) / FEN_PER_YUAN)
        cell.number_format = "0.00"
        return cell
    if column.type is CellType.TIME:
        cell = WriteOnlyCell(sheet, value=timezone.localtime(raw).replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return cell
    if column.type is CellType.INT:
        return raw
    return _xlsx_text(raw)


def write_xlsx(
    kind: ExportKind,
    rows: Rows,
    path: Path,
    *,
    progress: Progress | None = None,
    progress_every: int = 5000,
) -> int:
    """Write the workbook to ``path``; returns the number of rows written."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=kind.title[:31])
    sheet.append([column.header for column in kind.columns])
    columns = list(zip(kind.columns, _positions(kind), strict=True))
    done = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, column, row[at]) for column, at in columns])
        done += 1
        if progress and done % progress_every == 0:
            progress(done)
    book.save(path)
    if progress:
        progress(done)
    return done
