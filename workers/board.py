"""Board exports too large to make during a request."""

from __future__ import annotations

import logging

from celery import shared_task

from workers.limits import LONG

log = logging.getLogger("pillar.workers.board")


@shared_task(name="workers.board.run_export", **LONG)
def run_export(job_id: int) -> str | None:
    from app.board.services import run_export_job

    job = run_export_job(job_id)
    log.info("export %s: %s", job_id, job.status if job else "no such job")
    return job.filename if job else None
