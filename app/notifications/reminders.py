"""The board secretary's one-click reminder to leads who still owe an update."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models import Action, Person, User, action_leads
from app.notifications import Message, Notifier, notifier_for


def send_update_reminders(plan_id: int, action_ids: list[int], period_end: date,
                          notifier: Notifier | None = None) -> int:
    """One message per lead, listing each of their actions whose update is owed."""
    notifier = notifier or notifier_for(current_app)
    rows = db.session.execute(
        select(Person.name, func.coalesce(Person.email, User.email), Action.id, Action.reference, Action.title)
        .join(action_leads, action_leads.c.person_id == Person.id)
        .join(Action, Action.id == action_leads.c.action_id)
        .outerjoin(User, User.id == Person.user_id)
        .where(Action.plan_id == plan_id, Action.id.in_(action_ids))
        .order_by(Person.name, Action.position)
    ).all()
    owed: dict[tuple[str, str], list[tuple[int, str, str]]] = defaultdict(list)
    for name, email, action_id, reference, title in rows:
        if email:
            owed[(name, email)].append((action_id, reference, title))
    base = current_app.config["PILLAR_BASE_URL"].rstrip("/")
    path = current_app.config["ACTION_UPDATE_PATH"]
    period = f"{period_end:%B %Y}"
    for (name, email), actions in owed.items():
        lines = [f"Dear {name},", "", f"Your update for {period} is still owed on:", ""]
        for action_id, reference, title in actions:
            lines.append(f"- {reference} {title}")
            lines.append(f"  {base}{path.format(action=action_id)}")
        lines += ["", "Please post it before the board meets."]
        notifier.send(Message(to=email, subject=f"Pillar: your {period} update is due", body="\n".join(lines)))
    return len(owed)
