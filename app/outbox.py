"""Tasks leave for the broker only after the transaction that asked for them commits.

``app.tasks.enqueue`` writes an OutboxMessage in the caller's transaction.
When that transaction commits, the messages it wrote are sent at once; if the
broker is away they stay pending, and ``flush_pending`` (the beat task
``workers.outbox.flush`` every minute, or ``flask --app wsgi outbox flush``)
sends them when it is back. A rolled-back transaction sends nothing.

Each send first claims the row (``UPDATE ... WHERE sent_at IS NULL``) on its
own connection, so two senders never both send one message; a failed send
releases the claim for the next flush.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import event, select, update
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
    """Send these pending messages now: how many the broker took, and whether it refused one."""
    celery_app = current_app.extensions["celery"]
    sent = 0
    for message_id in ids:
        with db.engine.begin() as connection:
            claimed = connection.execute(
                update(OutboxMessage.__table__)
                .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None))
                .values(sent_at=now().replace(tzinfo=None), attempts=OutboxMessage.attempts + 1)
            ).rowcount
            if not claimed:
                continue  # another sender has it
            row = connection.execute(
                select(OutboxMessage.task_name, OutboxMessage.args, OutboxMessage.kwargs)
                .where(OutboxMessage.id == message_id)
            ).one()
        try:
            celery_app.send_task(row.task_name, args=row.args or [], kwargs=row.kwargs or {})
        except Exception as error:  # the broker being down must never fail a user's request
            log.warning("could not enqueue %s: the broker is unavailable; outbox message %s stays pending",
                        row.task_name, message_id)
            with db.engine.begin() as connection:
                connection.execute(
                    update(OutboxMessage.__table__).where(OutboxMessage.id == message_id)
                    .values(sent_at=None, last_error=str(error)[:2000])
                )
            return sent, True  # the rest would fail the same way; the next flush retries them
        sent += 1
    return sent, False


def flush_pending(batch_size: int = 500) -> tuple[int, int]:
    """Send every pending message, oldest first, a batch at a time: (sent, still pending)."""
    total, last_id = 0, 0
    while True:
        ids = list(db.session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None), OutboxMessage.id > last_id)
            .order_by(OutboxMessage.id).limit(batch_size)
        ))
        db.session.rollback()  # hold no transaction while talking to the broker
        if not ids:
            break
        sent, refused = send(ids)
        total += sent
        if refused:
            break
        last_id = ids[-1]
    return total, pending_count()


def pending_count() -> int:
    from sqlalchemy import func

    count = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
    db.session.rollback()
    return int(count or 0)
