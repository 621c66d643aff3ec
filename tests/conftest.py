"""Shared fixtures: a real database per backend (SQLite and PostgreSQL), made by
the migrations, emptied after each test; a client with sign-in helpers."""

from __future__ import annotations

import contextvars
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

# Register the worker's tasks so eager runs find them by name, as a worker would.
import workers.board  # noqa: E402,F401
import workers.escalations  # noqa: E402,F401
import workers.imports  # noqa: E402,F401
import workers.notifications  # noqa: E402,F401
import workers.plans  # noqa: E402,F401
from app import create_app
from app.extensions import db

TODAY = "2026-11-23"  # a Monday; tests that care about the date pass their own


def _backends() -> list[str]:
    chosen = os.environ.get("PILLAR_TEST_BACKENDS")
    if chosen:
        return [name.strip() for name in chosen.split(",") if name.strip()]
    return ["sqlite", "postgresql"]


BACKENDS = _backends()


def _database_url(backend: str, tmp_dir: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_dir / 'pillar-test.sqlite'}"
    url = os.environ.get("PILLAR_TEST_POSTGRES_URL")
    if not url:
        raise pytest.UsageError(
            "PILLAR_TEST_POSTGRES_URL is not set: run the suite with `make test`, "
            "or set PILLAR_TEST_BACKENDS=sqlite to run against SQLite alone."
        )
    return url


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


class IsolatedClient(FlaskClient):
    """Sends each request from an empty context, as a real server would: the
    request gets its own app context, ``g`` and database session, never the test's."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


_APPS: dict[str, Flask] = {}
_MADE_APPS: list[Flask] = []


def pytest_sessionfinish(session, exitstatus):
    # Close pooled connections before the interpreter collects them noisily.
    for made in _MADE_APPS:
        with made.app_context():
            db.engine.dispose()


def make_app(backend: str, tmp_dir: Path, **overrides) -> Flask:
    url = _database_url(backend, tmp_dir)
    if backend == "postgresql":
        _reset_postgres(url)
    instance = tmp_dir / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    os.environ["PILLAR_INSTANCE_DIR"] = str(instance)
    config = {
        "SQLALCHEMY_DATABASE_URI": url,
        "TESTING": True,
        "FIXED_TODAY": TODAY,
        "CELERY_TASK_ALWAYS_EAGER": True,
        "CELERY_BROKER_URL": "memory://",
        "CELERY_RESULT_BACKEND": "cache+memory://",
        # Cheap hashing keeps the suite fast; production uses the default cost.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
    }
    config.update(overrides)
    app = create_app(config)
    _MADE_APPS.append(app)
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def session_app(backend: str, tmp_path_factory) -> Flask:
    if backend not in _APPS:
        _APPS[backend] = make_app(backend, tmp_path_factory.mktemp(backend))
    return _APPS[backend]


def _empty_every_table() -> None:
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(session_app: Flask) -> Iterator[Flask]:
    saved = dict(session_app.config)
    with session_app.app_context():
        yield session_app
        db.session.rollback()
        _empty_every_table()
        db.session.remove()
        session_app.extensions["sign_in_throttle"].storage.reset()
    session_app.config.clear()
    session_app.config.update(saved)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_from(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


class Auth:
    """Signs a test client in and out through the real sign-in form."""

    def __init__(self, client: FlaskClient):
        self.client = client

    def sign_in(self, email: str, password: str = "correct horse battery staple"):
        page = self.client.get("/sign-in")
        return self.client.post(
            "/sign-in",
            data={"email": email, "password": password, "csrf_token": csrf_from(page.get_data(as_text=True))},
        )

    def sign_out(self):
        page = self.client.get("/accessibility")
        return self.client.post("/sign-out", data={"csrf_token": csrf_from(page.get_data(as_text=True))})


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)
