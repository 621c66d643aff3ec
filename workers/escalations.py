"""The daily escalation sweep."""

from __future__ import annotations

import logging
from datetime import date

from celery import shared_task

from workers.limits import LONG
from workers.retry import RETRY

log = logging.getLogger("pillar.workers.escalations")


@shared_task(name="workers.escalations.sweep", bind=True, **RETRY, **LONG)
def sweep(self, today: str | None = None, plan_ids: list[int] | None = None) -> dict:
    """Sweep every plan, then send the digests. Skips each plan's bank holidays.

    A retry runs the whole sweep again, which is safe: it raises nothing twice.
    """
    from app import clock
    from app.escalations.sweep import run_sweep
    from app.notifications.digest import send_digests

    day = date.fromisoformat(today) if today else clock.today()
    counts = run_sweep(day, plan_ids, working_days_only=True).as_dict()
    # Only after the sweep has committed, so nobody is emailed about rows that roll back.
    counts["digests"] = send_digests(day)
    return counts
