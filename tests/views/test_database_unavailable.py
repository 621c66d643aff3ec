"""With the database out of reach, pages answer a plain 503 and the API a JSON
503, each with a reference that matches the log line and nothing cached."""

from __future__ import annotations

import logging
import socket

import pytest
from celery import _state as celery_state

from app import create_app
from tests.conftest import IsolatedClient

MESSAGE = "Pillar cannot reach its database; try again in a minute."


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(params=["postgresql", "sqlite"])
def unreachable(request, tmp_path):
    """An app whose database is not there: a PostgreSQL port nobody listens on, or a SQLite file in a
    folder that does not exist."""
    url = (f"postgresql+psycopg://pillar:pillar@127.0.0.1:{_closed_port()}/pillar" if request.param == "postgresql"
           else f"sqlite:///{tmp_path / 'missing' / 'pillar.sqlite'}")
    others = celery_state.get_current_app()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "CELERY_BROKER_URL": "memory://",
                      "CELERY_RESULT_BACKEND": "cache+memory://", "CELERY_TASK_ALWAYS_EAGER": True})
    others.set_default()
    others.set_current()
    app.test_client_class = IsolatedClient
    return app


def _signed_in(app):
    client = app.test_client()
    with client.session_transaction() as session:  # a browser that signed in before the database went away
        session["_user_id"] = "1:0"
        session["_fresh"] = True
    return client


def test_a_page_answers_a_plain_503_with_its_reference_logged_and_never_cached(unreachable, caplog):
    caplog.set_level(logging.ERROR, logger="pillar.errors")
    response = _signed_in(unreachable).get("/plans")

    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in body
    assert MESSAGE in body
    reference = response.headers["X-Request-Id"]
    assert f"quote reference <strong>{reference}</strong>" in body
    assert "Signed in as" not in body
    assert (response.headers["Cache-Control"], response.headers["Retry-After"]) == ("no-store", "60")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert [record.getMessage().split(":")[0] for record in caplog.records if record.name == "pillar.errors"] == [
        f"database unavailable reference={reference} path=/plans"
    ]


def test_the_api_answers_a_json_503_with_a_message(unreachable):
    response = unreachable.test_client().get("/api/v1/plans", headers={"Authorization": "Bearer pillar_" + "a" * 43})

    assert response.status_code == 503
    assert response.get_json() == {
        "status": 503, "code": "sorry,_the_service_is_unavailable", "message": MESSAGE,
        "reference": response.headers["X-Request-Id"],
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_a_database_error_other_than_being_unreachable_stays_a_server_error(app):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from app.errors import _is_disconnect
    from app.extensions import db
    from tests import factories

    user = factories.user()
    with pytest.raises(IntegrityError) as duplicate:
        db.session.execute(text("INSERT INTO users (email, name, role, password_hash, active, session_version) "
                                "SELECT email, name, role, password_hash, active, session_version FROM users "
                                "WHERE id = :id"), {"id": user.id})
    db.session.rollback()
    assert not _is_disconnect(duplicate.value)
