"""``flask --app wsgi backup create DIR`` and ``backup restore DIR``."""

from __future__ import annotations

from pathlib import Path

import click

from app import backup


@click.group("backup", help="Back up and restore the database and the evidence files.")
def backup_group() -> None:
    pass


@backup_group.command("create")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def create_command(directory: Path) -> None:
    """Write a backup into DIRECTORY (new or empty), with a manifest of checksums."""
    try:
        manifest = backup.create(directory)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up the {manifest['backend']} database and {len(manifest['files']) - 1} evidence files to {directory}.")


@backup_group.command("restore")
@click.argument("directory", type=click.Path(file_okay=False, exists=True, path_type=Path))
def restore_command(directory: Path) -> None:
    """Check every checksum in DIRECTORY, then restore its database and evidence files."""
    try:
        manifest = backup.restore(directory)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored the backup of {manifest['created_at']}.")
