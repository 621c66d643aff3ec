"""``flask --app wsgi plan export PLAN_ID --format xlsx|csv|pdf|docx --out FILE [--snapshot ID]``."""

from __future__ import annotations

from pathlib import Path

import click

from app.audit.exports import record_export
from app.board import services
from app.domain.errors import ValidationFailed
from app.extensions import db
from app.models import Plan


@click.command("export")
@click.argument("plan_id", type=int)
@click.option("--format", "fmt", required=True, help=f"One of: {', '.join(services.FORMATS)}")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
@click.option("--snapshot", "snapshot_id", type=int, help="A frozen snapshot's id (default: the live plan today).")
def export_command(plan_id: int, fmt: str, out: Path, snapshot_id: int | None) -> None:
    """Export the action log (xlsx, csv) or the board pack (pdf, docx)."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise click.ClickException(f"There is no plan {plan_id}: see flask --app wsgi plan list")
    if not out.parent.is_dir():
        raise click.ClickException(f"The folder {out.parent} does not exist: create it or choose another --out")
    try:
        request = services.parse_request(plan, fmt, snapshot_id)
    except ValidationFailed as failure:
        raise click.ClickException("; ".join(failure.problems.values())) from None
    partial = out.with_name(out.name + ".part")
    try:
        row_count = services.write_export(request, str(partial))
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    # A file taken off the server is an export like any other, by whoever ran the command.
    record_export(None, services.export_kind(fmt), fmt=fmt, row_count=row_count,
                  filters={**services.export_filters(request), "file": str(out)}, plan_id=plan.id, via="command line")
    db.session.commit()
    click.echo(f"Wrote {out} ({request.filename()}).")
