"""One digest email per person per sweep day, listing all their items."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from app.clock import now
from app.escalations.sweep import digest_items
from app.extensions import db
from app.models import Action, Notification, NotificationKind, Person
from app.notifications import Message, Notifier, notifier_for

log = logging.getLogger("pillar.notifications.digest")


@dataclass(frozen=True)
class Item:
    kind: NotificationKind
    action_id: int
    reference: str
    title: str
    due_date: date | None
    escalation_id: int | None
    via: str  # "lead" or "director"

    @property
    def path(self) -> str:
        """Where the person acts on it: the escalation, or the action's update form."""
        if self.via == "director" and self.escalation_id is not None:
            return f"/escalations/{self.escalation_id}"
        return current_app.config["ACTION_UPDATE_PATH"].format(action=self.action_id)


def items_for(day: date, person_ids: list[int]) -> dict[int, list[Item]]:
    """Every item of ``day`` for these people, in one query, each shown once."""
    if not person_ids:
        return {}
    raw = digest_items(day, person_ids).subquery()
    rows = db.session.execute(
        select(raw, Action.reference, Action.title, Action.due_date)
        .join(Action, Action.id == raw.c.action_id)
        .order_by(raw.c.person_id, raw.c.kind, Action.reference)
    )
    found: dict[int, dict[tuple, Item]] = defaultdict(dict)
    for row in rows:
        item = Item(
            NotificationKind(row.kind), row.action_id, row.reference, row.title, row.due_date,
            row.escalation_id, row.via,
        )
        key = (row.kind, row.action_id, row.escalation_id)
        # The director's link wins: they decide, and can see the action from there.
        if key not in found[row.person_id] or row.via == "director":
            found[row.person_id][key] = item
    return {person_id: list(items.values()) for person_id, items in found.items()}


def digest_body(person: Person, items: list[Item]) -> str:
    base = current_app.config["PILLAR_BASE_URL"].rstrip("/")
    count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
    lines = [f"Dear {person.name},", "", f"You have {count} in Pillar:", ""]
    for item in items:
        due = f"{item.due_date.day} {item.due_date:%B %Y}" if item.due_date else "no due date"
        lines.append(f"- {item.kind.label}: action {item.reference} {item.title} (due {due})")
        lines.append(f"  {base}{item.path}")
    lines += ["", f"All your notifications: {base}/notifications"]
    return "\n".join(lines)


def send_digests(today: date, notifier: Notifier | None = None) -> dict[str, int]:
    """Email each digest of ``today`` or before that was not yet sent.

    Runs after the sweep has committed. Digests are locked while sending on
    PostgreSQL, so two senders never email the same one; a failed send is
    kept for the next run.
    """
    notifier = notifier or notifier_for(current_app)
    query = (
        select(Notification)
        .join(Person, Person.id == Notification.recipient_id)
        .where(Notification.emailed_at.is_(None), Notification.sweep_date <= today, Person.email.is_not(None))
        .options(joinedload(Notification.recipient))
        .order_by(Notification.sweep_date, Notification.recipient_id)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Notification)
    digests = list(db.session.scalars(query).unique())
    by_day: dict[date, list[Notification]] = defaultdict(list)
    for digest in digests:
        by_day[digest.sweep_date].append(digest)
    sent_ids: list[int] = []
    items_sent = failed = emailed = 0
    for day, day_digests in by_day.items():
        items = items_for(day, [digest.recipient_id for digest in day_digests])
        for digest in day_digests:
            mine = items.get(digest.recipient_id, [])
            if not mine:  # everything was dealt with before sending: nothing to say
                sent_ids.append(digest.id)
                continue
            person = digest.recipient
            message = Message(
                to=person.email,
                subject=f"Pillar: {len(mine)} item{'s' if len(mine) != 1 else ''} for you",
                body=digest_body(person, mine),
            )
            try:
                notifier.send(message)
            except OSError:
                failed += 1
                log.exception("could not send digest %s to person %s; kept for the next run", digest.id, person.id)
                continue
            sent_ids.append(digest.id)
            emailed += 1
            items_sent += len(mine)
    if sent_ids:
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(sent_ids))
            .values(emailed_at=now().replace(tzinfo=None))
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    result = {"digests": emailed, "items": items_sent, "failed": failed}
    log.info("digests up to %s: %s", today.isoformat(), result)
    return result
