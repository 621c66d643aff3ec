"""One digest email per person, listing every item not yet emailed."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from app.clock import now
from app.extensions import db
from app.models import Action, Notification, NotificationKind, Person
from app.notifications import Message, Notifier, notifier_for

log = logging.getLogger("pillar.notifications.digest")


def item_link(notification: Notification) -> str:
    """Where the person acts on the item: the escalation, or the action."""
    base = current_app.config["PILLAR_BASE_URL"].rstrip("/")
    if notification.escalation_id is not None and notification.kind != NotificationKind.LEVEL1.value:
        return f"{base}/escalations/{notification.escalation_id}"
    return f"{base}{current_app.config['ACTION_UPDATE_PATH'].format(action=notification.action_id)}"


def digest_body(person: Person, items: list[Notification]) -> str:
    lines = [f"Dear {person.name},", "", f"You have {len(items)} item{'s' if len(items) != 1 else ''} in Pillar:", ""]
    for item in sorted(items, key=lambda n: (n.kind, n.action.reference)):
        due = item.action.due_date.strftime("%-d %B %Y") if item.action.due_date else "no due date"
        lines.append(f"- {item.kind_enum.label}: action {item.action.reference} {item.action.title} (due {due})")
        lines.append(f"  {item_link(item)}")
    lines += ["", "Your notifications: " + current_app.config["PILLAR_BASE_URL"].rstrip("/") + "/notifications"]
    return "\n".join(lines)


def send_digests(today: date, notifier: Notifier | None = None) -> dict[str, int]:
    """Email everyone their items of ``today`` and before that were not yet sent.

    Runs after the sweep has committed. Rows are locked while sending on
    PostgreSQL, so two senders never email the same item; a failed send leaves
    its items for the next run.
    """
    notifier = notifier or notifier_for(current_app)
    query = (
        select(Notification)
        .join(Person, Person.id == Notification.recipient_id)
        .where(Notification.emailed_at.is_(None), Notification.sweep_date <= today, Person.email.is_not(None))
        .options(joinedload(Notification.recipient), joinedload(Notification.action).load_only(
            Action.reference, Action.title, Action.due_date))
        .order_by(Notification.recipient_id, Notification.id)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Notification)
    by_person: dict[int, list[Notification]] = defaultdict(list)
    for notification in db.session.scalars(query).unique():
        by_person[notification.recipient_id].append(notification)
    sent_ids: list[int] = []
    failed = 0
    for items in by_person.values():
        person = items[0].recipient
        message = Message(
            to=person.email,
            subject=f"Pillar: {len(items)} item{'s' if len(items) != 1 else ''} for you",
            body=digest_body(person, items),
        )
        try:
            notifier.send(message)
        except OSError:
            failed += 1
            log.exception("could not send the digest to person %s; kept for the next run", person.id)
            continue
        sent_ids.extend(item.id for item in items)
    if sent_ids:
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(sent_ids))
            .values(emailed_at=now().replace(tzinfo=None))
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    result = {"digests": len(by_person) - failed, "items": len(sent_ids), "failed": failed}
    log.info("digests for %s: %s", today.isoformat(), result)
    return result
