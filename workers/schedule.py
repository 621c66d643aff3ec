"""When periodic work runs. Times are Europe/London (the Celery timezone)."""

from celery.schedules import crontab

BEAT_SCHEDULE: dict = {
    "nightly-status-recalculation": {
        "task": "workers.plans.recalculate_all_statuses",
        "schedule": crontab(hour=1, minute=30),
    },
}
