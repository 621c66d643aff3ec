"""Importing a large action plan in the background."""

from __future__ import annotations

from celery import shared_task

from workers.limits import LONG


@shared_task(name="workers.imports.run_import", **LONG)
def run_import(token: str, overrides: dict[str, str] | None = None) -> str:
    from app.imports.jobs import decode_overrides
    from app.imports.jobs import run_import as run

    return run(token, decode_overrides(overrides or {})).state
