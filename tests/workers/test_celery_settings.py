"""The worker's Celery settings fit together: late acknowledgement, one task at a
time per process, and a Redis visibility timeout above every task's time limit."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from config import BASE_DIR

# Run in a process of its own, as ``celery -A workers.celery_app worker`` builds it from the environment.
_READ_SETTINGS = """
import json
from workers.celery_app import celery
celery.loader.import_default_modules()
conf = celery.conf
tasks = {
    name: {"soft": task.soft_time_limit or conf.task_soft_time_limit, "hard": task.time_limit or conf.task_time_limit,
           "own_soft": task.soft_time_limit, "own_hard": task.time_limit}
    for name, task in celery.tasks.items()
}
print(json.dumps({
    "visibility_timeout": conf.broker_transport_options.get("visibility_timeout"),
    "acks_late": conf.task_acks_late,
    "reject_on_worker_lost": conf.task_reject_on_worker_lost,
    "prefetch_multiplier": conf.worker_prefetch_multiplier,
    "tasks": tasks,
}))
"""

LONG_TASKS = (
    "workers.escalations.sweep", "workers.plans.recalculate_all_statuses", "workers.board.run_export",
    "workers.imports.run_import", "workers.notifications.send_digests",
)


def _worker_settings(tmp_path, **env) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _READ_SETTINGS], cwd=BASE_DIR, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PILLAR_INSTANCE_DIR": str(tmp_path), "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
             **env},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _would_run_twice(settings: dict) -> list[str]:
    """Tasks that may still be running when Redis hands them to another worker."""
    return sorted(name for name, limits in settings["tasks"].items()
                  if not limits["hard"] or limits["hard"] >= settings["visibility_timeout"])


def test_the_visibility_timeout_exceeds_every_tasks_time_limit_and_tasks_are_acknowledged_late(tmp_path):
    settings = _worker_settings(tmp_path)

    assert (settings["acks_late"], settings["reject_on_worker_lost"], settings["prefetch_multiplier"]) == (True, True, 1)
    assert set(LONG_TASKS) <= set(settings["tasks"])
    assert _would_run_twice(settings) == []
    for name, limits in settings["tasks"].items():
        assert limits["soft"] < limits["hard"], f"{name}: the soft limit must come before the hard one"
    for name in LONG_TASKS:
        own = settings["tasks"][name]
        assert own["own_soft"] and own["own_hard"], f"{name} has no time limits of its own"


def test_the_check_catches_a_visibility_timeout_lowered_below_the_long_tasks_limits(tmp_path):
    settings = _worker_settings(tmp_path, CELERY_VISIBILITY_TIMEOUT="600")

    assert set(LONG_TASKS) <= set(_would_run_twice(settings))
