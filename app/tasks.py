"""Celery, built from the Flask app. The web side enqueues tasks by name only."""

from __future__ import annotations

import logging

from celery import Celery, Task
from flask import Flask, has_app_context

log = logging.getLogger("pillar.tasks")


def init_celery(app: Flask) -> Celery:
    class FlaskTask(Task):
        # Reuse an active app context (eager tasks in tests share its session).
        def __call__(self, *args, **kwargs):
            if has_app_context():
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.import_name, task_cls=FlaskTask)
    celery_app.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        result_backend=app.config["CELERY_RESULT_BACKEND"],
        task_always_eager=app.config["CELERY_TASK_ALWAYS_EAGER"],
        task_eager_propagates=True,
        timezone=app.config["TIMEZONE"],
        enable_utc=True,
        # A task is acknowledged when it finishes, not when it starts: a worker killed
        # mid-task leaves it to be run again (tasks are idempotent), and a worker holds
        # no more tasks than it is running.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # Defaults for tasks without limits of their own (workers/limits.py).
        task_soft_time_limit=25 * 60,
        task_time_limit=30 * 60,
        broker_transport_options=_transport_options(
            app.config["CELERY_BROKER_URL"], app.config["CELERY_VISIBILITY_TIMEOUT"]
        ),
        broker_connection_retry_on_startup=True,
        # A task running when Redis restarts carries on and is acknowledged once the worker has
        # reconnected (tests/faults/test_redis_restart.py); cancelling it would leave it for the
        # visibility timeout instead.
        worker_cancel_long_running_tasks_on_connection_loss=False,
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    from app.outbox import init_outbox

    init_outbox()
    return celery_app


def _transport_options(broker_url: str, visibility_timeout: int) -> dict:
    # Redis redelivers an unacknowledged task after the visibility timeout: keep
    # it well above the longest task's time limit so nothing runs twice.
    if broker_url.startswith(("redis://", "rediss://")):
        return {"visibility_timeout": visibility_timeout}
    return {}


def enqueue(app: Flask, task_name: str, *args, **kwargs) -> bool:
    """Ask for a task in the caller's transaction: an outbox row, sent once that transaction commits.

    Call it before the commit. When the broker is away the row stays pending
    and the outbox flush sends it later (app/outbox.py).
    """
    from app.extensions import db
    from app.models import OutboxMessage

    db.session.add(OutboxMessage(task_name=task_name, args=list(args), kwargs=dict(kwargs)))
    return True


def send_now(app: Flask, task_name: str, *args, **kwargs) -> bool:
    """Send a task straight away, for work whose state lives outside the database (an import's files).

    Returns False, logging why, when the broker is away: the caller tells the user.
    """
    celery_app: Celery = app.extensions["celery"]
    if celery_app.conf.task_always_eager and task_name in celery_app.tasks:
        # Eager mode (tests, and commands run without a worker): run it here and now.
        celery_app.tasks[task_name].apply(args=args, kwargs=kwargs)
        return True
    try:
        # The caller follows the work through its own records, not a result: waiting on
        # the result store as well would hold the request while Redis is away.
        celery_app.send_task(task_name, args=args, kwargs=kwargs, ignore_result=True)
    except Exception:  # the broker being down must never fail a user's request
        log.exception("could not enqueue %s: the broker is unavailable", task_name)
        return False
    return True
