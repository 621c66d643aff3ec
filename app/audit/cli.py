"""``flask --app wsgi audit verify``: check the audit trail's hash chain end to end."""

from __future__ import annotations

import click

from app.audit.chain import verify


@click.group("audit", help="The audit trail.")
def audit_group() -> None:
    pass


@audit_group.command("verify")
@click.option("--batch-size", default=1000, show_default=True, help="Events read per query.")
def verify_command(batch_size: int) -> None:
    """Walk the hash chain oldest first; exit non-zero naming the first broken event."""
    checked, broken = verify(batch_size=batch_size)
    if broken is not None:
        raise click.ClickException(
            f"Audit event {broken.event_id} {broken.reason}; {checked} events before it are intact."
        )
    click.echo(f"Audit trail intact: {checked} events checked.")
