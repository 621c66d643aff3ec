"""The action log as Excel and CSV, rendered from ``ActionRow`` values alone.

The column headings are a contract: the importer reads them back, so change
them only together with it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.board.state import ActionRow
from app.domain.lifecycle import ActionState
from app.domain.rag import Direction, Rag
from app.plans.queries import ActionFilters


def _pillar(row: ActionRow) -> str:
    return f"{row.pillar_number}. {row.pillar_title}"


def _outcome(row: ActionRow) -> str:
    return f"{row.outcome_reference} {row.outcome_statement}".strip() if row.outcome_reference else ""


def _direction(row: ActionRow) -> str:
    direction = Direction(row.direction)
    return "" if direction is Direction.NONE else f"{direction.arrow} {direction.label}"


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[ActionRow], object]
    width: int
    wrap: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("Reference", lambda r: r.reference, 11),
    Column("Pillar", _pillar, 24, wrap=True),
    Column("Outcome", _outcome, 30, wrap=True),
    Column("Action", lambda r: r.title, 40, wrap=True),
    Column("Steps", lambda r: r.steps, 40, wrap=True),
    Column("Timescale", lambda r: r.timescale, 18, wrap=True),
    Column("Start date", lambda r: _date(r.start_date), 12),
    Column("Due date", lambda r: _date(r.due_date), 12),
    Column("State", lambda r: ActionState(r.state).label, 18, wrap=True),
    Column("RAG", lambda r: Rag(r.rag).label, 12),
    Column("Reason", lambda r: r.reason.capitalize(), 10),
    Column("Direction", _direction, 14),
    Column("Delivery leads", lambda r: ", ".join(r.delivery_leads), 26, wrap=True),
    Column("Targets and measures", lambda r: r.targets_and_measures, 40, wrap=True),
    Column("Workstream", lambda r: r.workstream, 18, wrap=True),
    Column("Links", lambda r: ", ".join(r.links), 14, wrap=True),
    Column("Commentary", lambda r: r.commentary, 40, wrap=True),
    Column("Outstanding actions", lambda r: r.outstanding, 40, wrap=True),
    Column("Risks and mitigation", lambda r: r.risks, 40, wrap=True),
)

HEADINGS = tuple(column.heading for column in COLUMNS)


def filter_rows(rows: Iterable[ActionRow], filters: ActionFilters) -> Iterator[ActionRow]:
    """The action list's filters, applied to log rows (live or frozen alike)."""
    for row in rows:
        if filters.pillar is not None and row.pillar_number != filters.pillar:
            continue
        if filters.lead is not None and filters.lead not in row.lead_ids:
            continue
        if filters.rag and row.rag != filters.rag:
            continue
        if filters.state and row.state != filters.state:
            continue
        if filters.overdue and not row.overdue:
            continue
        yield row


# --- CSV ---------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Stop a spreadsheet reading a cell as a formula: prefix an apostrophe."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def csv_lines(rows: Iterable[ActionRow]) -> Iterator[str]:
    """The log as CSV text, one row at a time: UTF-8 with a byte order mark so
    Excel reads the accents and arrows correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(HEADINGS)
    yield "\ufeff" + flush()
    for row in rows:
        writer.writerow([_csv_value(column.value(row)) for column in COLUMNS])
        yield flush()


def write_csv(rows: Iterable[ActionRow], target: IO[bytes]) -> None:
    for line in csv_lines(rows):
        target.write(line.encode("utf-8"))


# --- Excel -------------------------------------------------------------------

# Fill, and a text colour with enough contrast on it (WCAG AA).
RAG_FILLS = {
    Rag.RED: ("D4351C", "FFFFFF"),
    Rag.AMBER: ("FFDD00", "0B0C0C"),
    Rag.GREEN: ("00703C", "FFFFFF"),
    Rag.COMPLETE: ("1D70B8", "FFFFFF"),
    Rag.NOT_STARTED: ("B1B4B6", "0B0C0C"),
}
_RAG_STYLES = {
    rag.label: (PatternFill("solid", start_color=fill, end_color=fill), Font(bold=True, color=text))
    for rag, (fill, text) in RAG_FILLS.items()
}
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_HEADER_FONT = Font(bold=True)
_DATE_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True)
class LogInfo:
    """What the workbook says about itself on its second sheet."""

    plan_title: str
    as_at: str
    source: str
    filters: str
    rollup_rule: str


def write_xlsx(rows: Iterable[ActionRow], info: LogInfo, target: IO[bytes] | str,
               progress: Callable[[int], None] | None = None) -> int:
    """Write the log workbook; return how many actions it holds."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = f"{info.plan_title}: action log as at {info.as_at}"
    sheet = workbook.create_sheet("Action log")
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width

    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, column.heading)
        cell.font = _HEADER_FONT
        cell.alignment = _WRAP
        header.append(cell)
    sheet.append(header)

    count = 0
    for row in rows:
        cells = []
        for column in COLUMNS:
            value = column.value(row)
            cell = WriteOnlyCell(sheet, value)
            if isinstance(value, str) and value.startswith("="):
                # Text that looks like a formula stays text.
                cell.data_type = "s"
            if isinstance(value, date):
                cell.number_format = _DATE_FORMAT
            if column.heading == "RAG":
                cell.fill, cell.font = _RAG_STYLES[value]
            cell.alignment = _WRAP if column.wrap else _TOP
            cells.append(cell)
        sheet.append(cells)
        count += 1
        if progress and count % 500 == 0:
            progress(count)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"

    about = workbook.create_sheet("About")
    for label, value in (
        ("Plan", info.plan_title),
        ("As at", date.fromisoformat(info.as_at)),
        ("Source", info.source),
        ("Filters", info.filters or "None"),
        ("Roll-up rule", info.rollup_rule),
        ("Actions", count),
    ):
        value_cell = WriteOnlyCell(about, value)
        if isinstance(value, date):
            value_cell.number_format = _DATE_FORMAT
        about.append([WriteOnlyCell(about, label), value_cell])
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 90
    workbook.save(target)
    return count
