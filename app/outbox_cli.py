"""``flask --app wsgi outbox flush``: send the tasks still waiting in the outbox."""

from __future__ import annotations

import click

from app.outbox import flush_pending


@click.group("outbox", help="Tasks waiting to be sent to the broker.")
def outbox_group() -> None:
    pass


@outbox_group.command("flush")
def flush_command() -> None:
    """Send every pending task; exit non-zero when some are still pending (the broker is away)."""
    sent, pending = flush_pending()
    if pending:
        raise click.ClickException(
            f"{pending} tasks still pending after sending {sent}: check that the broker (CELERY_BROKER_URL) is running."
        )
    click.echo(f"Sent {sent} tasks; none pending.")
