"""Signing in and out, through the real form with CSRF on."""

from app.domain.roles import Role
from tests import factories
from tests.conftest import csrf_from

FAILURE = "Email or password is incorrect"


def test_a_user_signs_in_and_lands_on_the_plans(client, auth):
    factories.user(Role.VIEWER, email="viewer@example.org")
    response = auth.sign_in("viewer@example.org")
    assert response.status_code == 302
    page = client.get("/plans")
    assert page.status_code == 200
    assert "Signed in as" in page.get_data(as_text=True)


def test_email_is_matched_whatever_its_case_and_spaces(client, auth):
    factories.user(Role.VIEWER, email="viewer@example.org")
    assert auth.sign_in("  Viewer@Example.ORG ").status_code == 302


def test_a_wrong_password_and_an_unknown_account_get_the_same_message(client, auth):
    factories.user(Role.VIEWER, email="viewer@example.org")
    wrong_password = auth.sign_in("viewer@example.org", "not the password at all")
    unknown = auth.sign_in("nobody@example.org", "not the password at all")
    for response in (wrong_password, unknown):
        assert response.status_code == 401
        body = response.get_data(as_text=True)
        assert FAILURE in body
        assert "no such" not in body.lower()
    assert client.get("/plans").status_code == 302


def test_empty_fields_are_named_next_to_the_fields_and_the_email_is_kept(client):
    page = client.get("/sign-in")
    response = client.post(
        "/sign-in", data={"email": "typed@example.org", "password": "", "csrf_token": csrf_from(page.get_data(as_text=True))}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter your password" in body
    assert 'href="#password"' in body
    assert 'value="typed@example.org"' in body


def test_a_deactivated_user_cannot_sign_in(client, auth, app):
    from app.extensions import db

    user = factories.user(Role.DIRECTOR, email="gone@example.org")
    user.active = False
    db.session.commit()
    assert auth.sign_in("gone@example.org").status_code == 401


def test_a_form_posted_without_its_csrf_token_is_refused_and_signs_nobody_in(client):
    factories.user(Role.VIEWER, email="viewer@example.org")
    response = client.post("/sign-in", data={"email": "viewer@example.org", "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
    assert client.get("/plans").status_code == 302


def test_a_forged_csrf_token_is_refused(client):
    factories.user(Role.VIEWER, email="viewer@example.org")
    client.get("/sign-in")
    response = client.post(
        "/sign-in", data={"email": "viewer@example.org", "password": factories.PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 400
    assert client.get("/plans").status_code == 302


def test_signing_out_ends_the_session_even_for_a_copied_cookie(client, auth, app):
    factories.user(Role.VIEWER, email="viewer@example.org")
    auth.sign_in("viewer@example.org")
    copied = app.test_client()
    copied.set_cookie("session", client.get_cookie("session").value)
    assert copied.get("/plans").status_code == 200

    response = auth.sign_out()
    assert response.status_code == 302
    assert client.get("/plans").status_code == 302
    assert copied.get("/plans").status_code == 302


def test_sign_out_needs_a_post_with_a_csrf_token(client, auth):
    factories.user(Role.VIEWER, email="viewer@example.org")
    auth.sign_in("viewer@example.org")
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400
    assert client.get("/plans").status_code == 200


def test_after_sign_in_the_user_returns_to_the_page_they_asked_for(client, auth):
    factories.user(Role.VIEWER, email="viewer@example.org")
    first = client.get("/plans")
    assert first.location.startswith("/sign-in?next=")
    page = client.get(first.location)
    response = client.post(
        first.location,
        data={"email": "viewer@example.org", "password": factories.PASSWORD, "csrf_token": csrf_from(page.get_data(as_text=True))},
    )
    assert response.location == "/plans"


def test_sign_in_never_redirects_off_site(client):
    factories.user(Role.VIEWER, email="viewer@example.org")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        page = client.get("/sign-in")
        response = client.post(
            "/sign-in",
            query_string={"next": target},
            data={"email": "viewer@example.org", "password": factories.PASSWORD, "csrf_token": csrf_from(page.get_data(as_text=True))},
        )
        assert response.status_code == 302
        assert response.location == "/"
        client.post("/sign-out", data={"csrf_token": csrf_from(client.get("/accessibility").get_data(as_text=True))})


def test_passwords_are_stored_as_argon2id_hashes(app):
    user = factories.user(Role.VIEWER)
    assert user.password_hash.startswith("$argon2id$")
    assert factories.PASSWORD not in user.password_hash
