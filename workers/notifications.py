"""Sending notifications."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from workers.limits import LONG, SHORT
from workers.retry import RETRY


@shared_task(name="workers.notifications.send_digests", bind=True, **RETRY, **LONG)
def send_digests(self, today: str | None = None) -> dict:
    """Email each person one digest of the items not yet emailed."""
    from app import clock
    from app.notifications.digest import send_digests as send

    return send(date.fromisoformat(today) if today else clock.today())


@shared_task(name="workers.notifications.send_update_reminders", bind=True, **RETRY, **SHORT)
def send_update_reminders(self, plan_id: int, action_ids: list[int], period_end: str) -> int:
    """Email each lead of these actions one reminder listing the updates they owe."""
    from app.notifications.reminders import send_update_reminders as send

    return send(plan_id, action_ids, date.fromisoformat(period_end))
