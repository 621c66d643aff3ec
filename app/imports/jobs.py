"""Uploads kept between the preview and the import, and the import run itself.

An upload is kept in the file storage (app/files/storage.py) under
``imports/<token>/`` so the administrator can correct the column mapping and
re-read it without uploading again; the worker reads it from the same storage,
which every web process and worker shares. The run's progress is a small JSON
file beside it: a progress page can read it while the import's own transaction
is still open, which a database row written in that transaction could not
show. Uploads are removed after ``FILES_KEEP_DAYS`` days (app/files/cleanup.py).
"""

from __future__ import annotations

import io
import json
import logging
import re
import secrets
from dataclasses import asdict, dataclass, field

from app.domain.errors import ValidationFailed
from app.extensions import db
from app.files.storage import storage as file_storage
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


IMPORTS_FOLDER = "imports"


def _key(token: str, name: str) -> str:
    return f"{IMPORTS_FOLDER}/{token}/{name}"


def _known(token: str) -> bool:
    return bool(_TOKEN_RE.fullmatch(token or "")) and file_storage().exists(_key(token, "upload.json"))


def _save(key: str, text: str | bytes) -> None:
    file_storage().save(key, io.BytesIO(text.encode() if isinstance(text, str) else text))


def _load(key: str) -> bytes:
    with file_storage().open(key) as stored:
        return stored.read()


def save_upload(data: bytes, filename: str, *, pasted: bool = False, sheet: str | None = None,
                plan_title: str | None = None, user_id: int | None = None) -> Upload:
    upload = Upload(secrets.token_urlsafe(18), filename, pasted, sheet or None, plan_title or None, user_id)
    _save(_key(upload.token, "upload"), data)
    # Written last: an upload is known once its description is there.
    _save(_key(upload.token, "upload.json"), json.dumps(asdict(upload)))
    return upload


def load_upload(token: str) -> Upload | None:
    if not _known(token):
        return None
    return Upload(**json.loads(_load(_key(token, "upload.json"))))


def read_table(upload: Upload) -> Table:
    data = _load(_key(upload.token, "upload"))
    if upload.pasted:
        return read_pasted(data.decode("utf-8"))
    return read_upload(data, upload.filename, upload.sheet)


def read(upload: Upload, overrides: dict[int, Field | None] | None = None) -> PlanReading:
    return interpret(read_table(upload), overrides=overrides, known_people=known_people())


def write_status(token: str, status: RunStatus) -> None:
    # The storage replaces the file whole: a reader never sees half of it.
    _save(_key(token, "status.json"), json.dumps(asdict(status)))


def read_status(token: str) -> RunStatus | None:
    if not _known(token) or not file_storage().exists(_key(token, "status.json")):
        return None
    return RunStatus(**json.loads(_load(_key(token, "status.json"))))


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
