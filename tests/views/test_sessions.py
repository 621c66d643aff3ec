"""Sessions that really end: a password change and a deactivation sign the user out everywhere else."""

from __future__ import annotations

from sqlalchemy import select

from app.auth.passwords import verify_password
from app.domain.roles import Role
from app.extensions import db
from app.models import AuditEvent, User
from tests import factories
from tests.conftest import Auth, csrf_from

NEW_PASSWORD = "lantern orchard pebble violin"


def _copy_of(app, client):
    """Another browser holding the same session cookie, as a thief of the cookie would."""
    copied = app.test_client()
    copied.set_cookie("session", client.get_cookie("session").value)
    return copied


def _change_password(client, current: str, new: str):
    page = client.get("/profile/password")
    return client.post("/profile/password", data={
        "current_password": current, "new_password": new, "csrf_token": csrf_from(page.get_data(as_text=True)),
    })


def test_changing_the_password_ends_every_other_session_and_keeps_this_one(client, auth, app):
    user = factories.user(Role.DELIVERY_LEAD, email="lead@example.org")
    auth.sign_in(user.email)
    stolen = _copy_of(app, client)
    elsewhere = app.test_client()
    Auth(elsewhere).sign_in(user.email)
    assert stolen.get("/plans").status_code == 200
    assert elsewhere.get("/plans").status_code == 200

    response = _change_password(client, factories.PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    assert "signed out everywhere else" in client.get(response.location).get_data(as_text=True)
    assert client.get("/plans").status_code == 200
    assert stolen.get("/plans").status_code == 302
    assert elsewhere.get("/plans").status_code == 302
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, NEW_PASSWORD)
    assert Auth(app.test_client()).sign_in(user.email, factories.PASSWORD).status_code == 401
    assert Auth(app.test_client()).sign_in(user.email, NEW_PASSWORD).status_code == 302


def test_the_password_change_is_audited_without_any_password_in_the_trail(client, auth, app):
    user = factories.user(Role.VIEWER)
    auth.sign_in(user.email)
    _change_password(client, factories.PASSWORD, NEW_PASSWORD)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "password_changed")).one()
    assert (event.entity_id, event.actor_user_id, event.before, event.after) == (user.id, user.id, None, None)


def test_a_wrong_current_password_and_a_weak_new_one_are_shown_beside_their_fields_and_nothing_changes(client, auth, app):
    user = factories.user(Role.VIEWER)
    auth.sign_in(user.email)
    stolen = _copy_of(app, client)
    version = user.session_version

    response = _change_password(client, "not my password", "password1234")

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "govuk-error-summary" in html
    assert 'id="current_password-error"' in html and "Your current password is incorrect" in html
    assert 'id="new_password-error"' in html and "too common" in html
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert stored.session_version == version
    assert verify_password(stored.password_hash, factories.PASSWORD)
    assert stolen.get("/plans").status_code == 200


def test_empty_password_fields_each_say_what_to_enter(client, auth):
    user = factories.user(Role.VIEWER)
    auth.sign_in(user.email)
    html = _change_password(client, "", "").get_data(as_text=True)
    assert "Enter your current password" in html
    assert "Enter a new password" in html


def test_the_password_page_needs_a_csrf_token(client, auth, app):
    user = factories.user(Role.VIEWER)
    auth.sign_in(user.email)
    response = client.post("/profile/password", data={"current_password": factories.PASSWORD,
                                                      "new_password": NEW_PASSWORD})
    assert response.status_code == 400
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, factories.PASSWORD)


def _deactivate(client, user_id: int, token_page: str = "/admin/users"):
    token = csrf_from(client.get(token_page).get_data(as_text=True))
    return client.post(f"/admin/users/{user_id}/deactivate", data={"csrf_token": token})


def test_an_administrator_deactivating_a_user_ends_their_sessions_and_stops_them_signing_in(client, auth, app):
    admin = factories.user(Role.ADMINISTRATOR)
    target = factories.user(Role.DIRECTOR, email="director@example.org")
    theirs = app.test_client()
    Auth(theirs).sign_in(target.email)
    copied = _copy_of(app, theirs)
    assert theirs.get("/plans").status_code == 200
    auth.sign_in(admin.email)

    response = _deactivate(client, target.id)

    assert response.status_code == 302
    assert "can no longer sign in" in client.get(response.location).get_data(as_text=True)
    assert theirs.get("/plans").status_code == 302
    assert copied.get("/plans").status_code == 302
    assert Auth(app.test_client()).sign_in(target.email).status_code == 401
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.field == "active")).one()
    assert (event.entity_id, event.actor_user_id, event.before, event.after) == (target.id, admin.id, "True", "False")


def test_deactivation_is_refused_to_everyone_but_administrators_and_changes_nothing(client, auth, app):
    target = factories.user(Role.VIEWER)
    director = factories.user(Role.DIRECTOR)
    auth.sign_in(director.email)
    response = _deactivate(client, target.id, token_page="/plans")
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(User, target.id).active is True


def test_deactivation_needs_a_csrf_token(client, auth, app):
    admin = factories.user(Role.ADMINISTRATOR)
    target = factories.user(Role.VIEWER)
    auth.sign_in(admin.email)
    assert client.post(f"/admin/users/{target.id}/deactivate").status_code == 400
    db.session.expire_all()
    assert db.session.get(User, target.id).active is True


def test_an_administrator_cannot_deactivate_themselves(client, auth, app):
    admin = factories.user(Role.ADMINISTRATOR)
    auth.sign_in(admin.email)
    response = _deactivate(client, admin.id)
    assert "You cannot deactivate your own account" in client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).active is True
    assert client.get("/plans").status_code == 200


def test_a_role_change_ends_the_users_sessions_at_once(client, auth, app):
    admin = factories.user(Role.ADMINISTRATOR)
    target = factories.user(Role.ADMINISTRATOR)
    theirs = app.test_client()
    Auth(theirs).sign_in(target.email)
    assert theirs.get("/admin/users").status_code == 200
    auth.sign_in(admin.email)
    page = client.get(f"/admin/users/{target.id}/role")
    client.post(f"/admin/users/{target.id}/role",
                data={"role": "viewer", "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert theirs.get("/admin/users").status_code == 302
    Auth(theirs).sign_in(target.email)
    assert theirs.get("/admin/users").status_code == 403


def test_a_role_change_reaches_the_security_log_with_who_made_it(client, auth, app, capfd):
    import json

    admin = factories.user(Role.ADMINISTRATOR)
    target = factories.user(Role.DIRECTOR)
    auth.sign_in(admin.email)
    page = client.get(f"/admin/users/{target.id}/role")
    capfd.readouterr()
    client.post(f"/admin/users/{target.id}/role",
                data={"role": "viewer", "csrf_token": csrf_from(page.get_data(as_text=True))})
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    change = next(line for line in lines if line.get("event") == "role_change")
    assert (change["actor"], change["user_id"], change["before"], change["after"]) == (
        str(admin.id), target.id, "director", "viewer"
    )
