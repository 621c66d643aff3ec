"""When periodic work runs. Times are Europe/London (the Celery timezone)."""

from celery.schedules import crontab

BEAT_SCHEDULE: dict = {
    # Working mornings; the task itself skips each plan's bank holidays.
    "escalation-sweep": {
        "task": "workers.escalations.sweep",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon-fri"),
    },
    "nightly-status-recalculation": {
        "task": "workers.plans.recalculate_all_statuses",
        "schedule": crontab(hour=1, minute=30),
    },
    # Tasks the broker could not take when they were asked for (app/outbox.py).
    "outbox-flush": {
        "task": "workers.outbox.flush",
        "schedule": crontab(minute="*"),
    },
    # Exports and import uploads older than FILES_KEEP_DAYS, and the exports' records.
    "old-files-removal": {
        "task": "workers.board.remove_old_files",
        "schedule": crontab(hour=2, minute=15),
    },
}
