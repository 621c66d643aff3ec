"""Flat, typed tables for Excel and Power BI: actions, updates, escalations and indicator values.

Each table is one set-based query read from a streamed cursor a batch at a time
(the actions table adds one query per batch for the delivery leads) and written
out in chunks, so memory does not grow with the table; dates are ISO, numbers
are numbers, and CSV text cannot be read as a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from app.board.exports import neutralise
from app.extensions import db
from app.models import Action, Escalation, Indicator, IndicatorValue, Outcome, Person, Pillar, Update, action_leads
from app.policy import visible_escalations

CHUNK = 500


def _batches(query, batch_size: int) -> Iterator[list[tuple]]:
    # A streamed (server-side) cursor read a batch at a time: the response is written inside the
    # request's transaction (stream_with_context keeps it open), so memory stays flat however long the table.
    result = db.session.execute(query.execution_options(yield_per=batch_size))
    try:
        for batch in result.partitions():
            yield [tuple(row) for row in batch]
    finally:
        result.close()


def _rows(query, batch_size: int) -> Iterator[tuple]:
    for batch in _batches(query, batch_size):
        yield from batch


def _actions(today: date, user, batch_size: int = CHUNK) -> tuple[list[str], Iterator[tuple]]:
    columns = ["id", "plan_id", "reference", "title", "pillar_number", "outcome_reference", "state", "proposed_rag",
               "effective_rag", "overdue", "start_date", "due_date", "original_due_date", "delivery_leads", "version"]
    query = (
        select(Action.id, Action.plan_id, Action.reference, Action.title, Pillar.number, Outcome.reference,
               Action.state, Action.rag, Action.effective_rag_sql(today), Action.overdue_sql(today),
               Action.start_date, Action.due_date, Action.original_due_date, Action.version)
        .join(Pillar, Pillar.id == Action.pillar_id).outerjoin(Outcome, Outcome.id == Action.outcome_id)
        .order_by(Action.plan_id, Action.id)
    )

    def rows():
        for batch in _batches(query, batch_size):
            # The leads of this batch only: one query per batch, never the whole table's.
            leads: dict[int, list[str]] = {}
            for action_id, name in db.session.execute(
                select(action_leads.c.action_id, Person.name).join(Person, Person.id == action_leads.c.person_id)
                .where(action_leads.c.action_id.in_([row[0] for row in batch])).order_by(Person.name, Person.id)
            ):
                leads.setdefault(action_id, []).append(name)
            for row in batch:
                *head, version = row
                head[9] = bool(head[9])
                yield (*head, "; ".join(leads.get(row[0], [])), version)

    return columns, rows()


def _updates(today: date, user, batch_size: int = CHUNK) -> tuple[list[str], Iterator[tuple]]:
    columns = ["id", "action_id", "action_reference", "period", "proposed_rag", "effective_rag", "commentary",
               "outstanding_actions", "risks", "author_user_id", "created_at", "version"]
    query = (
        select(Update.id, Update.action_id, Action.reference, Update.period, Update.proposed_rag,
               Update.effective_rag, Update.commentary, Update.outstanding_actions, Update.risks,
               Update.author_user_id, Update.created_at, Update.version)
        .join(Action, Action.id == Update.action_id).order_by(Update.action_id, Update.period)
    )
    return columns, _rows(query, batch_size)


def _escalations(today: date, user, batch_size: int = CHUNK) -> tuple[list[str], Iterator[tuple]]:
    columns = ["id", "action_id", "action_reference", "level", "trigger", "state", "raised_on", "cycle_due_date",
               "revised_due_date", "resolved_on", "resolution", "response"]
    query = (
        select(Escalation.id, Escalation.action_id, Action.reference, Escalation.level, Escalation.trigger,
               Escalation.state, Escalation.raised_on, Escalation.cycle_due_date, Escalation.revised_due_date,
               Escalation.resolved_on, Escalation.resolution, Escalation.response)
        .join(Action, Action.id == Escalation.action_id)
        # Only the escalations this user may see on their pages: a feed is no way round the rules.
        .where(visible_escalations(user))
        .order_by(Escalation.id)
    )
    return columns, _rows(query, batch_size)


def _indicator_values(today: date, user, batch_size: int = CHUNK) -> tuple[list[str], Iterator[tuple]]:
    columns = ["indicator_id", "plan_id", "code", "title", "unit", "polarity", "period", "value", "numerator",
               "denominator", "commentary"]
    query = (
        select(Indicator.id, Indicator.plan_id, Indicator.code, Indicator.title, Indicator.unit, Indicator.polarity,
               IndicatorValue.period, IndicatorValue.value, IndicatorValue.numerator, IndicatorValue.denominator,
               IndicatorValue.commentary)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .order_by(Indicator.plan_id, Indicator.position, Indicator.id, IndicatorValue.period)
    )
    return columns, _rows(query, batch_size)


TABLES: dict[str, Callable[..., tuple[list[str], Iterator[tuple]]]] = {
    "actions": _actions,
    "updates": _updates,
    "escalations": _escalations,
    "indicator-values": _indicator_values,
}


def _typed(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def json_chunks(columns: list[str], rows: Iterator[tuple]) -> Iterator[str]:
    yield "["
    parts: list[str] = []
    for count, row in enumerate(rows):
        parts.append(("," if count else "") + json.dumps(dict(zip(columns, map(_typed, row), strict=True))))
        if len(parts) == CHUNK:
            yield "".join(parts)
            parts = []
    yield "".join(parts) + "]"


def _cell(value) -> str:
    value = _typed(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def csv_chunks(columns: list[str], rows: Iterator[tuple]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    # A byte order mark, so Excel reads UTF-8 accents correctly.
    yield "\ufeff" + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, 1):
        writer.writerow([_cell(value) for value in row])
        if count % CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
