"""The action log as Excel and CSV, rendered from ``ActionRow`` values alone.

The column headings are a contract: the importer reads them back, so change
them only together with it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import IO

import xlsxwriter

from app.board.state import ActionRow
from app.domain.lifecycle import ActionState
from app.domain.rag import Direction, Rag
from app.plans.queries import ActionFilters


def _pillar(row: ActionRow) -> str:
    return f"{row.pillar_number}. {row.pillar_title}"


def _outcome(row: ActionRow) -> str:
    return f"{row.outcome_reference} {row.outcome_statement}".strip() if row.outcome_reference else ""


_DIRECTION_TEXT = {
    direction.value: "" if direction is Direction.NONE else f"{direction.arrow} {direction.label}"
    for direction in Direction
}


def _direction(row: ActionRow) -> str:
    return _DIRECTION_TEXT[row.direction]


_STATE_LABELS = {state.value: state.label for state in ActionState}
_RAG_LABELS = {rag.value: rag.label for rag in Rag}


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
    Column("State", lambda r: _STATE_LABELS[r.state], 18, wrap=True),
    Column("RAG", lambda r: _RAG_LABELS[r.rag], 12),
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


def _csv_text(text: str) -> str:
    return "'" + text if text and text[0] in _FORMULA_FIRST else text


_FORMULA_FIRST = frozenset("=+-@\t\r")
_DATE_FIELDS = {"Start date": "start_date", "Due date": "due_date"}
ROWS_PER_CHUNK = 100


def csv_lines(rows: Iterable[ActionRow]) -> Iterator[str]:
    """The log as CSV text, a chunk of rows at a time: UTF-8 with a byte order
    mark so Excel reads the accents and arrows correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(HEADINGS)
    yield "\ufeff" + flush()
    # Dates go out as the ISO text the row already holds.
    values = [
        (lambda r, name=column.heading: getattr(r, _DATE_FIELDS[name]) or "")
        if column.heading in _DATE_FIELDS else column.value
        for column in COLUMNS
    ]
    pending = 0
    for row in rows:
        cells = [value(row) for value in values]
        writer.writerow([_csv_text(cell) for cell in cells])
        pending += 1
        if pending == ROWS_PER_CHUNK:
            yield flush()
            pending = 0
    if pending:
        yield flush()


def write_csv(rows: Iterable[ActionRow], target: IO[bytes]) -> None:
    for line in csv_lines(rows):
        target.write(line.encode("utf-8"))


# --- Excel ---------------------------------------------------------------------

# Fill, and a text colour with enough contrast on it (WCAG AA).
RAG_FILLS = {
    Rag.RED: ("#D4351C", "#FFFFFF"),
    Rag.AMBER: ("#FFDD00", "#0B0C0C"),
    Rag.GREEN: ("#00703C", "#FFFFFF"),
    Rag.COMPLETE: ("#1D70B8", "#FFFFFF"),
    Rag.NOT_STARTED: ("#B1B4B6", "#0B0C0C"),
}
DATE_FORMAT = "yyyy-mm-dd"


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
    """Write the log workbook; return how many actions it holds.

    XlsxWriter in constant-memory mode writes each row as it comes, so the
    workbook never holds the whole log.
    """
    as_at = date.fromisoformat(info.as_at)
    workbook = xlsxwriter.Workbook(target, {
        "constant_memory": True,
        # Cell text is data: never a formula, link or number.
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    })
    workbook.set_properties({
        "title": f"{info.plan_title}: action log as at {info.as_at}",
        "author": "Pillar",
        # The as-at date, not the clock, so the same snapshot gives the same file.
        "created": datetime.combine(as_at, time()),
    })
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#F3F2F1"})
    wrapped = workbook.add_format({"text_wrap": True, "valign": "top"})
    top = workbook.add_format({"valign": "top"})
    dated = workbook.add_format({"valign": "top", "num_format": DATE_FORMAT})
    rag_formats = {
        rag.label: workbook.add_format({"bold": True, "valign": "top", "bg_color": fill, "font_color": text})
        for rag, (fill, text) in RAG_FILLS.items()
    }

    sheet = workbook.add_worksheet("Action log")
    sheet.freeze_panes(1, 0)
    for index, column in enumerate(COLUMNS):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, column.heading, header)
    rag_index = HEADINGS.index("RAG")
    plain = [wrapped if column.wrap else top for column in COLUMNS]

    count = 0
    for row in rows:
        count += 1
        for index, column in enumerate(COLUMNS):
            value = column.value(row)
            if isinstance(value, date):
                sheet.write_datetime(count, index, value, dated)
            elif value is None or value == "":
                sheet.write_blank(count, index, None, plain[index])
            elif index == rag_index:
                sheet.write_string(count, index, value, rag_formats[value])
            else:
                sheet.write_string(count, index, value, plain[index])
        if progress and count % 500 == 0:
            progress(count)
    sheet.autofilter(0, 0, count, len(COLUMNS) - 1)

    about = workbook.add_worksheet("About")
    about.set_column(0, 0, 14)
    about.set_column(1, 1, 90)
    for number, (label, value) in enumerate((
        ("Plan", info.plan_title),
        ("As at", as_at),
        ("Source", info.source),
        ("Filters", info.filters or "None"),
        ("Roll-up rule", info.rollup_rule),
        ("Actions", count),
    )):
        about.write_string(number, 0, label, header)
        if isinstance(value, date):
            about.write_datetime(number, 1, value, dated)
        elif isinstance(value, int):
            about.write_number(number, 1, value, top)
        else:
            about.write_string(number, 1, value, wrapped)
    workbook.close()
    return count
