"""Every export is recorded: who took what, with which filters, and how many rows it held.

One audit event per export (entity ``export``, the plan's id where there is one) and one
``export`` line in the security log. Views call ``record_export`` before they commit; a
streamed export is recorded by ``recorded_stream`` when its last row has gone (or when the
download stops early, marked incomplete).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from app.audit import services as audit
from app.extensions import db

security_log = logging.getLogger("pillar.security")
log = logging.getLogger("pillar.audit")


def record_export(
    actor,
    what: str,
    *,
    fmt: str,
    row_count: int | None,
    filters: Mapping[str, Any] | None = None,
    plan_id: int | None = None,
    complete: bool = True,
    via: str | None = None,
):
    """Write the audit event and the security log line for one export; the caller commits.

    ``via`` names where an export with no signed-in actor came from, such as the command line.
    """
    details: dict[str, Any] = {
        "export": what, "format": fmt, "filters": {k: v for k, v in (filters or {}).items() if v not in (None, "")},
        "rows": row_count,
    }
    if not complete:
        details["complete"] = False
    if via:
        details["via"] = via
    event = audit.record(
        actor, "export", plan_id, "exported", field="rows", after=row_count,
        note=json.dumps(details, sort_keys=True, ensure_ascii=False),
    )
    security_log.info(
        "export",
        extra={"event": "export", "outcome": "success" if complete else "incomplete",
               "user_id": getattr(actor, "id", None), "actor": str(getattr(actor, "id", "")) or None,
               "plan_id": plan_id, **details},
    )
    return event


@dataclass(frozen=True)
class Actor:
    """Who took an export, as plain values: a streamed export is recorded after its request's
    session has gone, when the user's row can no longer be read."""

    id: int | None
    name: str | None


def actor_of(user) -> Actor:
    return Actor(getattr(user, "id", None), getattr(user, "name", None))


class CountedRows:
    """Passes rows through, counting them, so a streamed export knows its size when it ends."""

    def __init__(self, rows: Iterable):
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator:
        for row in self._rows:
            self.count += 1
            yield row


def recorded_stream(chunks: Iterable, rows: CountedRows, record: Callable[[int, bool], object]) -> Iterator:
    """Yield an export's chunks, then record it with the rows sent and commit.

    Run inside the request's context (``stream_with_context``). A download that stops early is
    still recorded, as incomplete, with the rows sent so far.
    """
    complete = False
    try:
        yield from chunks
        complete = True
    finally:
        try:
            if not complete:
                db.session.rollback()
            record(rows.count, complete)
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            log.exception("an export could not be recorded")
