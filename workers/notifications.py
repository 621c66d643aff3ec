"""Sending notifications."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from workers.retry import RETRY


@shared_task(name="workers.notifications.send_digests", bind=True, **RETRY)
def send_digests(self, today: str | None = None) -> dict:
    """Email each person one digest of the items not yet emailed."""
    from app import clock
    from app.notifications.digest import send_digests as send

    return send(date.fromisoformat(today) if today else clock.today())
