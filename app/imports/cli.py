"""``flask --app wsgi plan import FILE``: import an action plan from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from app.domain.errors import ValidationFailed
from app.extensions import db
from app.imports.apply import apply_reading, known_people, plan_title_for
from app.imports.interpret import PlanReading, interpret
from app.imports.reader import UnreadableFile, read_upload


def report_lines(reading: PlanReading) -> list[str]:
    """Pillar's reading of the file, as plain lines: what it found and every problem."""
    lines = []
    if reading.mapping is not None:
        lines.append(f"Header row: {reading.header_row}")
        for heading, field in zip(reading.mapping.headings, reading.mapping.fields, strict=True):
            if heading or field:
                lines.append(f"  {heading or '(no heading)'} -> {field.label if field else 'not imported'}")
    if reading.actions:
        lines.append(
            f"Found {len(reading.pillars)} pillars, {len(reading.outcomes)} outcomes, "
            f"{len(reading.actions)} actions, {len(reading.people)} people"
        )
    lines.extend(f"Note: {note}" for note in reading.notes)
    for issue in reading.issues:
        lines.append(f"{issue.level.capitalize()}: {issue}")
    return lines


def register(plan_group: click.Group) -> None:
    @plan_group.command("import")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--plan-title", help="Title of the plan to create or update (default: the title row, or the file name).")
    @click.option("--plan-id", type=int, help="Update this plan, whatever its title.")
    @click.option("--sheet", help="The worksheet to read (default: the first).")
    @click.option("--dry-run", is_flag=True, help="Show the report and change nothing.")
    @click.option("--strict", is_flag=True, help="Refuse the import when there are warnings too.")
    def import_plan(
        file: Path, plan_title: str | None, plan_id: int | None, sheet: str | None, dry_run: bool, strict: bool
    ) -> None:
        """Import an action plan from an .xlsx or .csv file; re-importing updates it in place."""
        if not file.exists():
            raise click.ClickException(f"{file} does not exist: give the path to an .xlsx or .csv file")
        try:
            table = read_upload(file.read_bytes(), file.name, sheet)
        except UnreadableFile as problem:
            raise click.ClickException(f"{problem}") from None
        reading = interpret(table, known_people=known_people())
        for line in report_lines(reading):
            click.echo(line)
        if not reading.can_import(strict):
            count = len(reading.errors) or len(reading.warnings)
            kind = "errors" if reading.errors else "warnings (--strict)"
            raise click.ClickException(f"Not imported: {count} {kind} above; fix the file and import it again")
        if dry_run:
            target = f"plan {plan_id}" if plan_id is not None else f"'{plan_title_for(reading, plan_title)}'"
            click.echo(f"Dry run: nothing changed. Would import into {target}.")
            return
        try:
            summary = apply_reading(reading, plan_title=plan_title, plan_id=plan_id, strict=strict)
        except ValidationFailed as failure:
            db.session.rollback()
            raise click.ClickException("; ".join(failure.problems.values())) from None
        db.session.commit()
        for line in summary.lines():
            click.echo(line)
