"""Reading an uploaded workbook, CSV or pasted table into rows of cell text.

Everything after this module sees a :class:`Table` of strings, whatever the
file was, so the rules for headings and hierarchy are written once.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath

__all__ = ["Table", "UnreadableFile", "read_pasted", "read_upload"]


class UnreadableFile(Exception):
    """The upload is not a spreadsheet Pillar can read; the message says why."""


@dataclass(frozen=True)
class Table:
    """Rows of cell text; ``rows[i]`` is row ``i + 1`` of the sheet."""

    rows: tuple[tuple[str, ...], ...]
    source: str  # the file name, or "pasted table"
    sheet: str | None = None

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)


def read_upload(data: bytes, filename: str, sheet: str | None = None) -> Table:
    """Read an ``.xlsx`` or ``.csv``/``.tsv``/``.txt`` upload."""
    suffix = PurePath(filename).suffix.lower()
    if not data or not data.strip():
        raise UnreadableFile(f"{filename} is empty")
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data, filename, sheet)
    if suffix in (".csv", ".tsv", ".txt"):
        return _read_text(data, filename)
    if suffix == ".xls":
        raise UnreadableFile(f"{filename} is an old-style Excel file: save it as .xlsx and upload that")
    raise UnreadableFile(f"{filename} is not a spreadsheet: upload an .xlsx or .csv file")


def read_pasted(text: str) -> Table:
    """Read a table pasted from Word or Excel: one row a line, cells split by tabs."""
    if not text or not text.strip():
        raise UnreadableFile("The pasted table is empty")
    return Table(_tidy_rows(csv.reader(io.StringIO(text.replace("\r\n", "\n")), delimiter="\t")), "pasted table")


def _read_xlsx(data: bytes, filename: str, sheet: str | None) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # Read-only streams the rows; merged-over cells read as empty, which
        # is what the interpreter expects of a continued cell.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise UnreadableFile(f"{filename} is not an Excel workbook Pillar can read ({type(error).__name__})") from None
    try:
        if sheet is not None:
            if sheet not in workbook.sheetnames:
                names = ", ".join(workbook.sheetnames)
                raise UnreadableFile(f"{filename} has no sheet called {sheet!r}; its sheets are: {names}")
            worksheet = workbook[sheet]
        else:
            worksheet = workbook.worksheets[0]
        rows = _tidy_rows([_cell_text(value) for value in row] for row in worksheet.iter_rows(values_only=True))
        return Table(rows, filename, worksheet.title)
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        # A date typed into Excel: written out day first, as the timescale rules read it.
        if value.time() == time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_text(data: bytes, filename: str) -> Table:
    if b"\x00" in data[:4096]:
        raise UnreadableFile(f"{filename} is not a text file: upload an .xlsx or .csv file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves CSV in Windows-1252 unless told otherwise.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise UnreadableFile(f"{filename} is neither UTF-8 nor Windows-1252 text") from None
    sample = text[:20000]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",\t").delimiter
    except csv.Error:
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return Table(_tidy_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), filename)


def _tidy_rows(rows) -> tuple[tuple[str, ...], ...]:
    tidied = []
    for row in rows:
        cells = [cell.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").strip() for cell in row]
        while cells and not cells[-1]:
            cells.pop()
        tidied.append(tuple(cells))
    while tidied and not tidied[-1]:
        tidied.pop()
    if not tidied:
        raise UnreadableFile("The file has no rows with anything in them")
    return tuple(tidied)
