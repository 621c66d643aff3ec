"""Where evidence files live. A small interface, so an object store can replace the local folder."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    key: str
    size_bytes: int
    sha256: str


class EvidenceStorage(Protocol):
    def put(self, stream: BinaryIO) -> StoredFile:
        """Store the stream's bytes under a new random key."""

    def open(self, key: str) -> BinaryIO:
        """The stored bytes, for reading."""

    def discard(self, key: str) -> None:
        """Forget a file no record points to (an upload whose transaction failed)."""


class LocalStorage:
    """Files in a folder outside anything the web server serves, named by random keys."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        # Keys are ours (hex), but a tampered row must never reach outside the folder.
        if len(key) < 8 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError("not an evidence key")
        return self.root / key[:2] / key

    def put(self, stream: BinaryIO) -> StoredFile:
        key = secrets.token_hex(32)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        partial = path.with_suffix(".partial")
        with open(partial, "xb") as out:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        partial.replace(path)
        return StoredFile(key=key, size_bytes=size, sha256=digest.hexdigest())

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def discard(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def storage() -> EvidenceStorage:
    """The configured storage: the local folder unless the app says otherwise."""
    configured = current_app.extensions.get("pillar_evidence_storage")
    if configured is not None:
        return configured
    return LocalStorage(current_app.config["EVIDENCE_DIR"])
