"""Board exports too large to make during a request."""

from __future__ import annotations

import logging

from celery import shared_task

from workers.limits import LONG
from workers.retry import RETRY

log = logging.getLogger("pillar.workers.board")


@shared_task(name="workers.board.run_export", **LONG)
def run_export(job_id: int) -> str | None:
    from app.board.services import run_export_job

    job = run_export_job(job_id)
    log.info("export %s: %s", job_id, job.status if job else "no such job")
    return job.filename if job else None


@shared_task(name="workers.board.remove_old_files", bind=True, **RETRY, **LONG)
def remove_old_files(self) -> dict[str, int]:
    """Worker-made exports (with their records) and import uploads older than FILES_KEEP_DAYS."""
    from dataclasses import asdict
    from datetime import timedelta

    from flask import current_app

    from app import clock
    from app.files.cleanup import remove_old_files as remove

    removed = remove(clock.now() - timedelta(days=current_app.config["FILES_KEEP_DAYS"]))
    log.info("old files removed: %s", removed)
    return asdict(removed)
