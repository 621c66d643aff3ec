"""Status roll-up tasks."""

from __future__ import annotations

import logging

from celery import shared_task

from workers.limits import LONG, SHORT
from workers.retry import RETRY

log = logging.getLogger("pillar.workers.plans")


@shared_task(name="workers.plans.recalculate_all_statuses", bind=True, **RETRY, **LONG)
def recalculate_all_statuses(self) -> dict:
    """Nightly: every plan's stored statuses, with grouped SQL."""
    from app import clock
    from app.extensions import db
    from app.plans.status import recalculate

    result = recalculate(clock.today())
    db.session.commit()
    return result


@shared_task(name="workers.plans.recalculate_for_actions", bind=True, **RETRY, **SHORT)
def recalculate_for_actions(self, action_ids: list[int]) -> dict:
    """After a change to these actions: their outcomes', pillars' and plans' statuses."""
    from app import clock
    from app.extensions import db
    from app.plans.status import plans_of_actions, recalculate

    plan_ids = plans_of_actions(action_ids)
    if not plan_ids:
        return {"plans": 0, "pillars": 0, "outcomes": 0}
    result = recalculate(clock.today(), plan_ids)
    db.session.commit()
    return result
