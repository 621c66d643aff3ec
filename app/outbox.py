"""Tasks leave for the broker only after the transaction that asked for them commits.

``app.tasks.enqueue`` writes an OutboxMessage in the caller's transaction.
When that transaction commits, the messages it wrote are sent at once; if the
broker is away they stay pending, and ``flush_pending`` (the beat task
``workers.outbox.flush`` every minute, or ``flask --app wsgi outbox flush``)
sends them when it is back. A rolled-back transaction sends nothing.

Each send first claims its rows on its own connection and commits the claim
(``claimed_at``), so two senders never both send one message; a failed send
releases the claim for the next flush. A claim is a lease: when its sender dies
between claiming and sending, the claim expires after
``OUTBOX_CLAIM_LEASE_SECONDS`` and the next flush sends the message. A sender
that dies after the broker took a message but before marking it sent makes the
message go twice after the lease, which is why tasks are idempotent.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, event, func, or_, select, update
from sqlalchemy.orm import Session

from app.clock import now
from app.extensions import db
from app.models import OutboxMessage

log = logging.getLogger("pillar.tasks")

_PENDING_KEY = "pillar_outbox_ids"
_NEW_KEY = "pillar_outbox_new"
_listening = False


def _collect_new_messages(session: Session, flush_context, instances) -> None:
    new = [obj for obj in session.new if isinstance(obj, OutboxMessage)]
    if new:
        session.info.setdefault(_NEW_KEY, []).extend(new)


def _remember_their_ids(session: Session, flush_context) -> None:
    new = session.info.pop(_NEW_KEY, None)
    if new:
        session.info.setdefault(_PENDING_KEY, set()).update(obj.id for obj in new)


def _forget(session: Session, *args) -> None:
    session.info.pop(_PENDING_KEY, None)
    session.info.pop(_NEW_KEY, None)


def _send_after_commit(session: Session) -> None:
    ids = session.info.pop(_PENDING_KEY, None)
    if ids:
        send(sorted(ids))


def init_outbox() -> None:
    """Listen to every session of ``db`` once, however many apps are made."""
    global _listening
    if _listening:
        return
    event.listen(db.session, "before_flush", _collect_new_messages)
    event.listen(db.session, "after_flush_postexec", _remember_their_ids)
    event.listen(db.session, "after_commit", _send_after_commit)
    event.listen(db.session, "after_rollback", _forget)
    _listening = True


def send(ids: list[int]) -> tuple[int, bool]:
    """Send these messages now, those still pending: how many the broker took, and whether it refused one."""
    return _send_claimed(_claim(ids=ids, limit=len(ids)))


def flush_pending(batch_size: int = 100) -> tuple[int, int]:
    """Send every pending message, oldest first, a batch at a time: (sent, still pending).

    Pending includes messages whose claim has expired: their sender stopped
    between claiming and sending them.
    """
    total, after = 0, 0
    while True:
        claimed = _claim(limit=batch_size, after=after)
        if not claimed:
            break
        sent, refused = _send_claimed(claimed)
        total += sent
        if refused:
            break
        after = claimed[-1].id
    return total, pending_count()


def _claimable(lease_ends_before: datetime):
    return and_(
        OutboxMessage.sent_at.is_(None),
        or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < lease_ends_before),
    )


def _claim(ids: list[int] | None = None, limit: int = 100, after: int = 0) -> list:
    """Claim up to ``limit`` pending messages for this sender, in one committed statement.

    A claim lasts ``OUTBOX_CLAIM_LEASE_SECONDS``. On PostgreSQL the rows are
    picked with FOR UPDATE SKIP LOCKED, so senders running at once claim
    different messages without waiting on each other; SQLite has one writer at
    a time, so the second sender sees the first one's claims.
    """
    if ids is not None and not ids:
        return []
    moment = _now()
    lease = timedelta(seconds=current_app.config["OUTBOX_CLAIM_LEASE_SECONDS"])
    claimable = _claimable(moment - lease)
    candidates = (
        select(OutboxMessage.id).where(claimable, OutboxMessage.id > after).order_by(OutboxMessage.id).limit(limit)
    )
    if ids is not None:
        candidates = candidates.where(OutboxMessage.id.in_(ids))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        rows = connection.execute(
            update(OutboxMessage.__table__)
            .where(OutboxMessage.id.in_(candidates), claimable)
            .values(claimed_at=moment, attempts=OutboxMessage.attempts + 1)
            .returning(OutboxMessage.id, OutboxMessage.task_name, OutboxMessage.args, OutboxMessage.kwargs,
                       OutboxMessage.attempts)
        ).all()
    rows.sort(key=lambda row: row.id)
    for row in rows:
        if row.attempts > 1:
            log.info("outbox message %s (%s): attempt %s, an earlier send failed or its sender stopped",
                     row.id, row.task_name, row.attempts)
    return rows


def _send_claimed(rows: list) -> tuple[int, bool]:
    celery_app = current_app.extensions["celery"]
    sent = 0
    for position, row in enumerate(rows):
        try:
            # Nobody waits for an outbox task's result; asking for one would make the send
            # wait for the result store too, which is the same Redis that may be down.
            celery_app.send_task(row.task_name, args=row.args or [], kwargs=row.kwargs or {}, ignore_result=True)
        except Exception as error:  # the broker being down must never fail a user's request
            log.warning("could not enqueue %s: the broker is unavailable; outbox message %s stays pending",
                        row.task_name, row.id)
            # The rest would fail the same way: release them all for the next flush.
            with db.engine.begin() as connection:
                connection.execute(
                    update(OutboxMessage.__table__)
                    .where(OutboxMessage.id.in_([later.id for later in rows[position:]]))
                    .values(claimed_at=None, last_error=str(error)[:2000])
                )
            return sent, True
        # Marked one at a time: a sender that dies now resends at most this one message.
        with db.engine.begin() as connection:
            connection.execute(
                update(OutboxMessage.__table__).where(OutboxMessage.id == row.id).values(sent_at=_now())
            )
        sent += 1
    return sent, False


def _now() -> datetime:
    return now().replace(tzinfo=None)


def pending_count() -> int:
    count = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
    db.session.rollback()
    return int(count or 0)
