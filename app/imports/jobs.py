"""Uploads kept between the preview and the import, and the import run itself.

An upload is kept under ``INSTANCE_DIR/imports/<token>/`` so the administrator
can correct the column mapping and re-read it without uploading again; the
worker reads the same directory, so web and worker share the instance
directory (as they share it for everything else Pillar keeps on disk). The
run's progress is a small JSON file beside it: a progress page can read it
while the import's own transaction is still open, which a database row
written in that transaction could not show.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flask import current_app

from app.domain.errors import ValidationFailed
from app.extensions import db
from app.imports.apply import apply_reading, known_people
from app.imports.headers import Field
from app.imports.interpret import PlanReading, interpret
from app.imports.reader import Table, UnreadableFile, read_pasted, read_upload

log = logging.getLogger("pillar.imports")

_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


@dataclass
class Upload:
    token: str
    filename: str
    pasted: bool = False
    sheet: str | None = None
    plan_title: str | None = None
    user_id: int | None = None


@dataclass
class RunStatus:
    state: str
    done: int = 0
    total: int = 0
    plan_id: int | None = None
    lines: list[str] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED)


def _root() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / "imports"


def _directory(token: str) -> Path | None:
    if not _TOKEN_RE.fullmatch(token or ""):
        return None
    path = _root() / token
    return path if path.is_dir() else None


def save_upload(data: bytes, filename: str, *, pasted: bool = False, sheet: str | None = None,
                plan_title: str | None = None, user_id: int | None = None) -> Upload:
    upload = Upload(secrets.token_urlsafe(18), filename, pasted, sheet or None, plan_title or None, user_id)
    directory = _root() / upload.token
    directory.mkdir(parents=True, mode=0o700)
    (directory / "upload").write_bytes(data)
    (directory / "upload.json").write_text(json.dumps(asdict(upload)))
    return upload


def load_upload(token: str) -> Upload | None:
    directory = _directory(token)
    if directory is None:
        return None
    return Upload(**json.loads((directory / "upload.json").read_text()))


def read_table(upload: Upload) -> Table:
    data = (_root() / upload.token / "upload").read_bytes()
    if upload.pasted:
        return read_pasted(data.decode("utf-8"))
    return read_upload(data, upload.filename, upload.sheet)


def read(upload: Upload, overrides: dict[int, Field | None] | None = None) -> PlanReading:
    return interpret(read_table(upload), overrides=overrides, known_people=known_people())


def write_status(token: str, status: RunStatus) -> None:
    path = _root() / token / "status.json"
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(asdict(status)))
    os.replace(partial, path)  # a reader never sees half a file


def read_status(token: str) -> RunStatus | None:
    directory = _directory(token)
    if directory is None or not (directory / "status.json").exists():
        return None
    return RunStatus(**json.loads((directory / "status.json").read_text()))


def encode_overrides(overrides: dict[int, Field | None]) -> dict[str, str]:
    return {str(index): (value.value if value else "") for index, value in overrides.items()}


def decode_overrides(raw: dict[str, str]) -> dict[int, Field | None]:
    return {int(index): (Field(value) if value else None) for index, value in raw.items()}


def run_import(token: str, overrides: dict[int, Field | None] | None = None) -> RunStatus:
    """Read the upload again and import it in one transaction; record the outcome."""
    upload = load_upload(token)
    if upload is None:
        raise LookupError(f"no upload {token}")
    try:
        reading = read(upload, overrides)
    except UnreadableFile as problem:
        status = RunStatus(FAILED, lines=[str(problem)])
        write_status(token, status)
        return status
    total = len(reading.actions)
    write_status(token, RunStatus(RUNNING, 0, total))

    def progress(done: int) -> None:
        write_status(token, RunStatus(RUNNING, done, total))

    try:
        summary = apply_reading(reading, plan_title=upload.plan_title, progress=progress)
        db.session.commit()
    except ValidationFailed as failure:
        db.session.rollback()
        status = RunStatus(FAILED, 0, total, lines=[*failure.problems.values(), *map(str, reading.issues)])
    except Exception:
        db.session.rollback()
        log.exception("import %s failed", token)
        status = RunStatus(FAILED, 0, total, lines=["The import stopped unexpectedly; nothing was changed. Try again."])
    else:
        log.info("import %s into plan %s: %s actions", token, summary.plan_id, total)
        status = RunStatus(DONE, total, total, summary.plan_id, summary.lines())
    write_status(token, status)
    return status
