"""What "nothing changed" means in the trust tests: every row of every table (the audit trail and the
outbox included), and every file Pillar keeps (evidence, imports, exports)."""

from __future__ import annotations

import json
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.extensions import db

# Written by the token check itself, before any access rule runs: it says when a token was last
# presented, and a refused request presents it too.
_VOLATILE = {("api_tokens", "last_used_at")}


def _files(folder: str) -> list[tuple[str, int]]:
    root = Path(folder)
    if not root.exists():
        return []
    return sorted((str(path.relative_to(root)), path.stat().st_size) for path in root.rglob("*") if path.is_file())


def everything() -> dict:
    """Every stored row and file, to compare before and after a request."""
    db.session.rollback()  # read what is stored, not what this test's session remembers
    state: dict = {}
    for table in db.metadata.sorted_tables:
        columns = [column for column in table.columns if (table.name, column.name) not in _VOLATILE]
        rows = db.session.execute(select(*columns)).all()
        state[table.name] = sorted(repr(tuple(row)) for row in rows)
    state["files"] = {name: _files(current_app.config[name]) for name in ("INSTANCE_DIR", "EVIDENCE_DIR")}
    db.session.rollback()
    return state


def differences(before: dict, after: dict) -> list[str]:
    """Where two states differ, table by table, in words a failing test can show."""
    found = []
    for name in sorted(set(before) | set(after)):
        if before.get(name) != after.get(name):
            found.append(f"{name}: {before.get(name)!r} -> {after.get(name)!r}"[:600])
    return found


def security_lines(capfd) -> list[dict]:
    """The JSON lines the security log wrote since the last call."""
    return [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
