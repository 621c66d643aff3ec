"""Plan-wide tasks."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger("pillar.workers.plans")


@shared_task(name="workers.plans.recalculate_all_statuses")
def recalculate_all_statuses() -> dict:
    from app.plans.status import recalculate_all

    result = recalculate_all()
    log.info("recalculated statuses: %s", result)
    return result
