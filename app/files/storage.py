"""Files Pillar makes and keeps for a while: exports made by a worker, import uploads awaiting their run.

Web processes and workers, on one machine or several, reach them only through
this small interface, so they can live in a folder every machine mounts (the
local implementation, ``FILES_DIR``) or in an object store (another
implementation, set as ``app.extensions["pillar_file_storage"]``), as evidence
does (app/evidence/storage.py). Keys are relative paths of plain names, such as
``exports/export-12-plan-1-action-log-2026-11-23-live.xlsx`` or
``imports/<token>/upload``.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

_SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}")
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredItem:
    key: str
    size_bytes: int
    modified: datetime  # aware, UTC


class FileStorage(Protocol):
    def save(self, key: str, stream: BinaryIO) -> int:
        """Store the stream's bytes under ``key`` (replacing what was there) and return their size.

        Whole or not at all: a reader sees the old bytes or the new, never part of them.
        """

    def open(self, key: str) -> BinaryIO:
        """The stored bytes, for reading; FileNotFoundError when there are none."""

    def exists(self, key: str) -> bool:
        """Whether bytes are stored under ``key``."""

    def delete(self, key: str) -> None:
        """Forget ``key``; nothing happens when it is already gone."""

    def list(self, folder: str) -> Iterator[StoredItem]:
        """Every file under ``folder`` (a key prefix such as ``exports``), at any depth."""


def check_key(key: str) -> list[str]:
    """The key's segments; ValueError unless every one is a plain name (no ``..``, no hidden files)."""
    segments = key.split("/")
    if not key or not all(_SEGMENT.fullmatch(segment) for segment in segments):
        raise ValueError(f"not a file key: {key!r}")
    return segments


class LocalFileStorage:
    """A folder outside anything the web server serves; on several machines, a volume they all mount."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key))

    def save(self, key: str, stream: BinaryIO) -> int:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Beside the final name, so the rename is atomic; a partial left by a crash is listed like
        # any other file, so the clean-up removes it once it is old.
        partial = path.with_name(f"{path.name}.partial-{secrets.token_hex(4)}")
        try:
            with open(partial, "xb") as out:
                shutil.copyfileobj(stream, out, _CHUNK)
                out.flush()
                os.fsync(out.fileno())
                size = out.tell()
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return size

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        segments = check_key(key)
        self._path(key).unlink(missing_ok=True)
        # Leave no empty folder behind (an import's token folder), but keep the top ones
        # ("exports", "imports"): a worker may be about to write into them.
        for depth in range(len(segments) - 1, 1, -1):
            try:
                self.root.joinpath(*segments[:depth]).rmdir()
            except OSError:
                break

    def list(self, folder: str) -> Iterator[StoredItem]:
        base = self._path(folder)
        for directory, _subfolders, names in os.walk(base):
            for name in sorted(names):
                path = Path(directory) / name
                try:
                    stat = path.stat()
                except FileNotFoundError:  # removed while listing
                    continue
                yield StoredItem(
                    key=path.relative_to(self.root).as_posix(),
                    size_bytes=stat.st_size,
                    modified=datetime.fromtimestamp(stat.st_mtime, UTC),
                )


def storage() -> FileStorage:
    """The configured storage: the local folder ``FILES_DIR`` unless the app says otherwise."""
    configured = current_app.extensions.get("pillar_file_storage")
    if configured is not None:
        return configured
    return LocalFileStorage(current_app.config["FILES_DIR"])
