"""Backups an operator can trust: the database and the evidence store, with a checksum for every file.

``flask --app wsgi backup create DIR`` writes:
- ``database.dump`` (PostgreSQL: ``pg_dump`` custom format) or ``database.sqlite3``
  (SQLite: the sqlite3 online backup API, consistent while the app runs);
- ``evidence/`` a copy of every evidence file;
- ``manifest.json`` the sha256 of every file above.

``backup restore DIR`` checks every checksum first and refuses, naming the
first file that does not match, before touching anything; then restores the
database and the evidence folder configured for this instance.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3

# Only pg_dump and pg_restore are run, with argument lists and never a shell.
import subprocess  # nosec B404
import tempfile
from pathlib import Path

from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.clock import now
from app.extensions import db

MANIFEST = "manifest.json"
FORMAT = 1
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """Why a backup or restore cannot go ahead, in one line for the operator."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_binary(name: str) -> str:
    """The client of the server's major version (Debian installs each under /usr/lib/postgresql/<v>/bin)."""
    major = db.session.scalar(text("SHOW server_version_num"))
    db.session.rollback()
    candidate = Path(f"/usr/lib/postgresql/{int(major) // 10000}/bin/{name}")
    if candidate.is_file():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found: install the PostgreSQL client of the server's version")
    return found


def _pg_env_and_args(url_text: str) -> tuple[dict, list[str]]:
    """libpq connection settings for the configured database, the password in the environment only."""
    url = make_url(url_text)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    args = ["--dbname", url.database or ""]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return env, args


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # nosec B603
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{Path(command[0]).name} failed: {last}")


def _sqlite_path(url_text: str) -> Path:
    database = make_url(url_text).database
    if not database or database == ":memory:":
        raise BackupError("The SQLite database is in memory: there is nothing on disk to back up")
    return Path(database)


def _database_url() -> str:
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


def create(directory: Path) -> dict:
    """Write a backup into ``directory`` (new or empty); the manifest written."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: choose a new folder for the backup")
    directory.mkdir(parents=True, exist_ok=True)
    url = _database_url()
    backend = db.engine.dialect.name
    if backend == "postgresql":
        database_file = "database.dump"
        env, args = _pg_env_and_args(url)
        _run([_pg_binary("pg_dump"), "--format=custom", "--no-owner", "--file", str(directory / database_file),
              *args], env)
    elif backend == "sqlite":
        database_file = "database.sqlite3"
        db.session.remove()
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(directory / database_file)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        raise BackupError(f"Backups of {backend} databases are not supported")

    evidence_root = Path(current_app.config["EVIDENCE_DIR"])
    if evidence_root.is_dir():
        shutil.copytree(evidence_root, directory / "evidence",
                        ignore=shutil.ignore_patterns("*.partial"))
    else:
        (directory / "evidence").mkdir()

    files = {
        path.relative_to(directory).as_posix(): _sha256(path)
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }
    manifest = {
        "format": FORMAT,
        "created_at": now().isoformat(timespec="seconds"),
        "backend": backend,
        "database_file": database_file,
        "files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def verify(directory: Path) -> dict:
    """The manifest, once every file in it exists with its recorded checksum; else BackupError naming the first."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        backend, database_file = manifest["backend"], manifest["database_file"]
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupError(f"{directory / MANIFEST} is missing or unreadable: this is not a Pillar backup") from None
    if manifest.get("format") != FORMAT or database_file not in files:
        raise BackupError(f"{directory / MANIFEST} is not a Pillar backup this version can restore")
    for name, expected in sorted(files.items()):
        path = directory / name
        if ".." in Path(name).parts or not path.is_file():
            raise BackupError(f"Backup file {name} is missing: nothing was restored")
        if _sha256(path) != expected:
            raise BackupError(f"Backup file {name} does not match its checksum in {MANIFEST}: nothing was restored")
    listed = set(files)
    for path in sorted(directory.rglob("*")):
        name = path.relative_to(directory).as_posix()
        if path.is_file() and name != MANIFEST and name not in listed:
            raise BackupError(f"Backup file {name} is not in {MANIFEST}: nothing was restored")
    if backend != db.engine.dialect.name:
        raise BackupError(f"The backup is of a {backend} database but this instance uses {db.engine.dialect.name}")
    return manifest


def restore(directory: Path) -> dict:
    """Check the whole backup, then put its database and evidence in place of the configured ones."""
    directory = Path(directory)
    manifest = verify(directory)
    url = _database_url()
    source = directory / manifest["database_file"]
    if manifest["backend"] == "postgresql":
        pg_restore = _pg_binary("pg_restore")
        db.session.remove()
        db.engine.dispose()
        env, args = _pg_env_and_args(url)
        _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(source)], env)
    else:
        db.session.remove()
        db.engine.dispose()
        backup = sqlite3.connect(source)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            backup.backup(target)
        finally:
            target.close()
            backup.close()

    evidence_root = Path(current_app.config["EVIDENCE_DIR"])
    evidence_root.parent.mkdir(parents=True, exist_ok=True)
    # Copy beside the live folder, then swap: a failed copy leaves the old files untouched.
    staging = Path(tempfile.mkdtemp(prefix=".restoring-", dir=evidence_root.parent))
    shutil.copytree(directory / "evidence", staging / "evidence")
    if evidence_root.exists():
        retired = staging / "replaced"
        evidence_root.rename(retired)
    (staging / "evidence").rename(evidence_root)
    shutil.rmtree(staging)
    return manifest
