"""Removing old kept files: worker-made exports with their records, and import uploads.

Run nightly by the worker (workers/board.py, scheduled in workers/schedule.py).
Safe to run again at once or on several machines: what is already gone is
skipped, and a second run removes nothing more.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from app.board.services import EXPORTS_FOLDER, export_key
from app.clock import LONDON
from app.extensions import db
from app.files.storage import storage
from app.imports.jobs import IMPORTS_FOLDER
from app.models import ExportJob

log = logging.getLogger("pillar.files")


@dataclass(frozen=True)
class Removed:
    export_records: int = 0
    export_files: int = 0
    import_uploads: int = 0
    import_files: int = 0


def remove_old_exports(older_than: datetime) -> tuple[int, int]:
    """Remove export records made before ``older_than`` with their files, and any export file
    older than that which no record names (a crashed run's leftovers). Commits.

    Returns (records removed, files removed). ``older_than`` is aware; records hold London time.
    """
    cutoff = older_than.astimezone(LONDON).replace(tzinfo=None)
    old = db.session.execute(select(ExportJob.id, ExportJob.filename).where(ExportJob.created_at < cutoff)).all()
    if old:
        db.session.execute(delete(ExportJob).where(ExportJob.id.in_([row.id for row in old])))
    # The records go first: once committed no page offers the file, so removing it breaks no link.
    db.session.commit()
    named = set(db.session.scalars(select(ExportJob.filename).where(ExportJob.filename.is_not(None))))
    gone = {export_key(row.filename) for row in old if row.filename}
    files = storage()
    removed = 0
    for item in list(files.list(EXPORTS_FOLDER)):
        name = item.key.rsplit("/", 1)[-1]
        if item.key in gone or (item.modified < older_than and name not in named):
            files.delete(item.key)
            removed += 1
    if old or removed:
        log.info("removed %s export records and %s export files older than %s", len(old), removed,
                 older_than.isoformat())
    return len(old), removed


def remove_old_uploads(older_than: datetime) -> tuple[int, int]:
    """Remove every import upload none of whose files (upload, description, progress) changed since
    ``older_than``. Returns (uploads removed, files removed)."""
    files = storage()
    by_upload: dict[str, list] = {}
    for item in files.list(IMPORTS_FOLDER):
        by_upload.setdefault(item.key.split("/")[1], []).append(item)
    uploads = removed = 0
    for token, items in sorted(by_upload.items()):
        if max(item.modified for item in items) >= older_than:
            continue
        for item in items:
            files.delete(item.key)
            removed += 1
        uploads += 1
        log.info("removed import upload %s", token)
    return uploads, removed


def remove_old_files(older_than: datetime) -> Removed:
    export_records, export_files = remove_old_exports(older_than)
    import_uploads, import_files = remove_old_uploads(older_than)
    return Removed(export_records, export_files, import_uploads, import_files)
