"""Headers on every response, throttled sign-in, and sessions that end."""

import json
import logging
import time

import pytest

from app.domain.roles import Role
from tests import factories
from tests.conftest import csrf_from


def _sign_in_attempt(client, email, password="wrong password entirely"):
    page = client.get("/sign-in")
    return client.post(
        "/sign-in", data={"email": email, "password": password, "csrf_token": csrf_from(page.get_data(as_text=True))}
    )


@pytest.mark.parametrize("path", ["/sign-in", "/no-such-page", "/accessibility"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert len(response.headers["X-Request-Id"]) == 16


def test_the_one_inline_script_carries_the_nonce_the_policy_allows(client):
    response = client.get("/sign-in")
    body = response.get_data(as_text=True)
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in body
    assert body.count("<script") == body.count(f'nonce="{nonce}"') + body.count('type="module"')


def test_signed_in_pages_and_their_errors_are_never_cached(client, auth):
    user = factories.user(Role.VIEWER)
    auth.sign_in(user.email)
    for path in ("/plans", "/no-such-page", "/admin/users"):
        assert client.get(path).headers["Cache-Control"] == "no-store"


def test_repeated_failures_are_refused_with_429_and_retry_after_for_known_and_unknown_accounts(client, app):
    app.config["SIGN_IN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    factories.user(Role.VIEWER, email="known@example.org")
    answers = {}
    for email in ("known@example.org", "unknown@example.org"):
        for _ in range(3):
            assert _sign_in_attempt(client, email).status_code == 401
        refused = _sign_in_attempt(client, email)
        answers[email] = refused
        assert refused.status_code == 429
        assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
        assert "Too many attempts to sign in. Wait 15 minutes and try again." in refused.get_data(as_text=True)
    # Even the right password is refused while the account is throttled.
    assert _sign_in_attempt(client, "known@example.org", factories.PASSWORD).status_code == 429
    assert client.get("/plans").status_code == 302


def test_the_limit_per_address_covers_many_accounts(client, app):
    app.config["SIGN_IN_LIMIT_PER_ADDRESS"] = "4 per 15 minutes"
    for n in range(4):
        assert _sign_in_attempt(client, f"guess{n}@example.org").status_code == 401
    assert _sign_in_attempt(client, "another@example.org").status_code == 429


def test_a_successful_sign_in_is_not_counted_against_the_account(client, auth, app):
    app.config["SIGN_IN_LIMIT_PER_ACCOUNT"] = "2 per 15 minutes"
    factories.user(Role.VIEWER, email="v@example.org")
    for _ in range(3):
        assert auth.sign_in("v@example.org").status_code == 302
        auth.sign_out()


def _age_session(client, **seconds_ago):
    with client.session_transaction() as session:
        for key, seconds in seconds_ago.items():
            session[key] = time.time() - seconds


def test_a_session_idle_for_more_than_30_minutes_ends(client, auth):
    user = factories.user(Role.VIEWER)
    auth.sign_in(user.email)
    _age_session(client, seen_at=29 * 60)
    assert client.get("/plans").status_code == 200
    _age_session(client, seen_at=31 * 60)
    response = client.get("/plans")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=/plans")
    page = client.get(response.location).get_data(as_text=True)
    assert "You were signed out because you had not used Pillar for a while" in page
    assert client.get("/plans").status_code == 302


def test_a_session_ends_after_twelve_hours_however_busy(client, auth):
    user = factories.user(Role.VIEWER)
    auth.sign_in(user.email)
    _age_session(client, signed_in_at=12 * 3600 + 60, seen_at=10)
    response = client.get("/plans")
    assert response.status_code == 302
    assert "signed in for a long time" in client.get(response.location).get_data(as_text=True)


def test_sign_ins_failures_and_denials_reach_the_security_log_as_json_without_secrets(client, auth, capfd):
    user = factories.user(Role.VIEWER, email="logged@example.org")
    _sign_in_attempt(client, "logged@example.org", "a secret attempt")
    auth.sign_in(user.email)
    client.get("/admin/users")
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    events = [(line.get("event"), line.get("outcome")) for line in lines]
    assert ("sign_in", "failed") in events
    assert ("sign_in", "success") in events
    assert ("access_denied", "denied") in events
    denied = next(line for line in lines if line.get("event") == "access_denied")
    assert denied["actor"] == str(user.id) and denied["request_id"]
    text = "\n".join(json.dumps(line) for line in lines)
    assert "a secret attempt" not in text and factories.PASSWORD not in text
    assert logging.getLogger("pillar.security").propagate is False


def test_a_server_error_shows_a_plain_page_with_a_reference_that_is_in_the_log(tmp_path, caplog, monkeypatch):
    from app import create_app
    from app.policy import Permission, requires

    monkeypatch.setenv("PILLAR_INSTANCE_DIR", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite'}"})

    @requires(Permission.PUBLIC)
    def broken():
        raise RuntimeError("boom: internal detail")

    app.add_url_rule("/broken", "broken", broken)
    with caplog.at_level(logging.ERROR, logger="pillar.errors"):
        response = app.test_client().get("/broken")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert "boom" not in body
    reference = response.headers["X-Request-Id"]
    assert f"quote reference <strong>{reference}</strong>" in body
    assert any(reference in record.getMessage() for record in caplog.records)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_form_posted_after_the_session_ended_returns_to_its_page_after_signing_in(client, auth, app):
    user = factories.user(Role.VIEWER)
    auth.sign_in(user.email)
    token = csrf_from(client.get("/profile").get_data(as_text=True))
    _age_session(client, seen_at=31 * 60)
    response = client.post(
        "/sign-out", data={"csrf_token": token}, headers={"Referer": "http://localhost/profile?tab=tokens"}
    )
    assert response.status_code == 302
    assert response.location == "/sign-in?next=/profile?tab%3Dtokens"


def test_a_form_posted_from_another_site_never_becomes_the_page_to_return_to(client, auth):
    user = factories.user(Role.VIEWER)
    auth.sign_in(user.email)
    token = csrf_from(client.get("/profile").get_data(as_text=True))
    _age_session(client, seen_at=31 * 60)
    response = client.post(
        "/sign-out", data={"csrf_token": token}, headers={"Referer": "https://evil.example/profile"}
    )
    assert response.location == "/sign-in?next=/sign-out"
