"""Resend outbox messages the broker could not take when they were written."""

from celery import shared_task

from app.outbox import flush_pending
from workers.limits import SHORT


@shared_task(name="workers.outbox.flush", **SHORT)
def flush() -> dict:
    sent, pending = flush_pending()
    return {"sent": sent, "pending": pending}
