"""Reading an uploaded budget table (CSV or XLSX) into a header and numbered rows of cells.

The format is decided by the file's content, never its name. CSV must be UTF-8 (a BOM is
fine); anything else is refused with a message that says how to save it, because guessing
an encoding silently would put wrong letters into citable numbers. XLSX: the first sheet,
header in row 1. Numbers from XLSX cells arrive as int, or as Decimal built from the
cell's shortest text form; the importer then refuses anything fractional.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

Cell = str | int | Decimal | None

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the pre-2007 .xls format
MAX_DATA_ROWS = 300_000
# Refuses zip bombs before openpyxl opens them. openpyxl reads a sheet at 1-2 MB of XML a
# second on a busy machine: 110 MB unpacked (a 3 MB upload) outlived a web worker's 30 s.
# 32 MB holds about 100,000 plain rows; larger tables go as CSV or in several files.
MAX_XLSX_UNPACKED_BYTES = 32 * 1024 * 1024
MAX_XLSX_MEMBERS = 2_000
# Spreadsheets often claim a million formatted but empty rows; stop after this many in a row.
MAX_TRAILING_EMPTY_ROWS = 1_000


class FileProblem(Exception):
    """The file as a whole cannot be read. `code` names the problem (see importer messages)."""

    def __init__(self, code: str, detail: str = "", row: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.row = row


@dataclass
class TableFile:
    format: str  # "csv" or "xlsx"
    header: list[str]
    # (the row number the spreadsheet shows, the cells)
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)


def read_table(data: bytes) -> TableFile:
    """Parse the bytes of an uploaded table. Raises FileProblem for an unreadable file."""
    if not data.strip():
        raise FileProblem("empty_file")
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data)
    if data.startswith(OLE_MAGIC):
        raise FileProblem("old_xls")
    if data.startswith(b"%PDF"):
        raise FileProblem("not_a_table")
    return _read_csv(data)


def normalise_header(value: Cell) -> str:
    text = "" if value is None else str(value)
    return text.replace("\ufeff", "").strip().strip('"').strip().lower()


# --------------------------------------------------------------------------- CSV

def decode_csv(data: bytes) -> str:
    if data.startswith(UTF16_BOMS):
        raise FileProblem("utf16")
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileProblem("not_utf8", row=line) from None


def _delimiter(first_line: str) -> str:
    """Comma by default; semicolon or tab when the header is plainly split by them (Excel in
    Russian and Kazakh locales saves CSV with semicolons)."""
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > 0 else ","


def _read_csv(data: bytes) -> TableFile:
    text = decode_csv(data)
    if "\x00" in text:
        raise FileProblem("not_a_table")
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    table: TableFile | None = None
    try:
        for cells in reader:
            row_number = reader.line_num
            if table is None:
                if not any(cell.strip() for cell in cells):
                    continue  # blank lines before the header
                table = TableFile("csv", [normalise_header(cell) for cell in cells])
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if len(table.rows) >= MAX_DATA_ROWS:
                raise FileProblem("too_many_rows", str(MAX_DATA_ROWS))
            # The line number a text editor (or a spreadsheet opening the CSV) shows.
            table.rows.append((row_number, list(cells)))
    except csv.Error as error:
        raise FileProblem("bad_csv", str(error)[:120], row=reader.line_num) from None
    if table is None:
        raise FileProblem("empty_file")
    return table


# --------------------------------------------------------------------------- XLSX

def _check_archive(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise FileProblem("bad_xlsx") from None
    if len(members) > MAX_XLSX_MEMBERS:
        raise FileProblem("bad_xlsx")
    if sum(member.file_size for member in members) > MAX_XLSX_UNPACKED_BYTES:
        raise FileProblem("xlsx_too_large", str(MAX_XLSX_UNPACKED_BYTES // (1024 * 1024)))
    if not any(member.filename == "xl/workbook.xml" for member in members):
        raise FileProblem("bad_xlsx")  # a zip, but not a workbook (an .ods or .docx, say)


def xlsx_cell(value: Any) -> Cell:
    """One cell value from openpyxl as a string, int or exact Decimal."""
    if value is None or isinstance(value, str | int) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float):
        # openpyxl hands numbers written with a point as float. Its shortest repr is the
        # number Excel wrote, so Decimal(repr) is exact for every amount a budget can have.
        return Decimal(repr(value))
    return str(value)


def _read_xlsx(data: bytes) -> TableFile:
    import openpyxl

    _check_archive(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a damaged workbook
        raise FileProblem("bad_xlsx") from None
    try:
        if not workbook.worksheets:
            raise FileProblem("empty_file")
        sheet = workbook.worksheets[0]
        # Read-only mode trusts the sheet's <dimension> tag, which any program may write: a
        # sheet claiming A1:G3 gave 2 of its 5 rows, and the import said success. Read the
        # rows there are (trailing empty rows are cut by MAX_TRAILING_EMPTY_ROWS).
        sheet.reset_dimensions()
        return _sheet_rows(sheet)
    except FileProblem:
        raise
    except Exception:  # noqa: BLE001 - a damaged sheet fails while being read
        raise FileProblem("bad_xlsx") from None
    finally:
        workbook.close()


def _sheet_rows(sheet: Any) -> TableFile:
    table: TableFile | None = None
    empty_run = 0
    for row_number, values in _numbered(sheet.iter_rows(values_only=True)):
        cells = [xlsx_cell(value) for value in values]
        if not any(_filled(cell) for cell in cells):
            empty_run += 1
            if empty_run > MAX_TRAILING_EMPTY_ROWS:
                break
            continue
        empty_run = 0
        if table is None:
            table = TableFile("xlsx", [normalise_header(cell) for cell in cells])
            continue
        if len(table.rows) >= MAX_DATA_ROWS:
            raise FileProblem("too_many_rows", str(MAX_DATA_ROWS))
        table.rows.append((row_number, cells))
    if table is None:
        raise FileProblem("empty_file")
    while table.header and table.header[-1] == "":
        table.header.pop()  # formatted but unused columns at the right
    return table


def _numbered(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    return enumerate(rows, start=1)


def _filled(cell: Cell) -> bool:
    return cell is not None and (not isinstance(cell, str) or cell.strip() != "")
