"""What the form fuzzing found, each pinned by a plain test: every one of these was a server error."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from app.domain.roles import Role
from app.extensions import db
from app.models import ApiToken, BoardMeeting, Comment, User
from tests import factories, updates_world
from tests.conftest import csrf_from


def _token(client, page: str = "/accessibility") -> str:
    return csrf_from(client.get(page).get_data(as_text=True))


@pytest.mark.parametrize("length", [73, 100, 500])
def test_a_passphrase_longer_than_72_characters_is_accepted_for_a_new_user(client, auth, length):
    admin = factories.user(Role.ADMINISTRATOR)
    auth.sign_in(admin.email)
    passphrase = ("correct horse battery staple orchard lantern " * 20)[:length]
    response = client.post("/admin/users", data={
        "name": "Long Pass", "email": "long@example.org", "role": "viewer", "password": passphrase,
        "csrf_token": _token(client, "/admin/users")})
    assert response.status_code == 302
    assert db.session.scalar(select(User.id).where(User.email == "long@example.org")) is not None


def test_a_common_password_padded_past_72_characters_is_still_judged(client, auth):
    from app.auth.passwords import password_problem

    assert password_problem("password" * 10) is not None
    assert password_problem("lantern orchard pebble violin " * 4) is None


def test_a_file_sent_in_place_of_a_text_field_is_read_as_no_text_and_the_form_says_so(client, auth, app):
    world = updates_world.build()
    auth.sign_in(world.director.email)
    response = client.post(f"/actions/{world.action_id}/comment", data={
        "body": (io.BytesIO(b"not a comment"), "comment.txt"), "csrf_token": _token(client)})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.get_data(as_text=True)
    assert "Enter your comment" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_text_sent_in_place_of_a_file_is_no_file(client, auth, app, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    world = updates_world.build()
    auth.sign_in(world.lead.email)
    response = client.post(f"/actions/{world.action_id}/evidence", data={
        "file": "evidence.pdf", "csrf_token": _token(client)})
    assert response.status_code == 400
    assert "Select a file" in response.get_data(as_text=True)


def test_a_json_body_posted_to_a_form_fills_nothing_and_is_refused_beside_the_field(client, auth):
    auth.sign_in(factories.user(Role.VIEWER).email)
    response = client.post("/profile/tokens", json={"name": {"nested": [1, None]}},
                           headers={"X-CSRFToken": _token(client)})
    assert response.status_code in (400, 422)
    assert "Enter a name for the token" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


@pytest.mark.parametrize("boxes", [[], ["1"], ["1", "12"], ["1", "12", "2026", "9"]])
def test_a_date_sent_with_other_than_three_boxes_is_refused_beside_the_field(client, auth, boxes):
    plan = factories.plan()
    db.session.commit()
    auth.sign_in(factories.user(Role.BOARD_SECRETARY).email)
    data = {"title": "Board", "csrf_token": _token(client)}
    if boxes:
        data["meeting_date"] = boxes
    response = client.post(f"/plans/{plan.id}/board/meetings", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "govuk-error-summary" in page and 'id="meeting_date-error"' in page
    assert page.count('name="meeting_date"') == 3
    assert db.session.scalar(select(func.count()).select_from(BoardMeeting)) == 0


def test_an_impossible_date_is_refused_beside_the_field(client, auth):
    plan = factories.plan()
    db.session.commit()
    auth.sign_in(factories.user(Role.BOARD_SECRETARY).email)
    response = client.post(f"/plans/{plan.id}/board/meetings", data={
        "meeting_date": ["31", "2", "2026"], "title": "Board", "csrf_token": _token(client)})
    assert response.status_code == 400
    assert "must be a real date" in response.get_data(as_text=True)


def test_every_form_in_the_application_reads_text_fields_as_text_only():
    from flask_wtf import FlaskForm

    import app.admin.forms  # noqa: F401
    import app.api.profile  # noqa: F401
    import app.auth.forms  # noqa: F401
    import app.board.forms  # noqa: F401
    import app.escalations.forms  # noqa: F401
    import app.imports.forms  # noqa: F401
    import app.indicators.forms  # noqa: F401
    import app.profile.forms  # noqa: F401
    import app.updates.forms  # noqa: F401
    from app.forms import Form

    def every(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from every(sub)

    ours = [cls for cls in every(FlaskForm) if cls.__module__.startswith("app.")]
    assert len(ours) > 15
    assert [cls.__qualname__ for cls in ours if not issubclass(cls, Form)] == []


@pytest.mark.parametrize("path", [
    "/plans/99999999999999999999", "/actions/2147483648", "/actions/99999999999999999999/update",
    "/evidence/99999999999999999999/download", "/indicators/99999999999999999999",
    "/plans/1/pillars/99999999999999999999", "/admin/users/99999999999999999999/role",
])
def test_an_id_bigger_than_the_database_holds_is_not_found(client, auth, path):
    auth.sign_in(factories.user(Role.ADMINISTRATOR).email)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", [
    "?pillar=%C2%B2", "?lead=99999999999999999999", "?pillar=2147483648",
])
def test_a_filter_that_is_not_a_number_the_database_holds_is_a_problem_on_the_page(client, auth, query):
    plan = factories.plan()
    db.session.commit()
    auth.sign_in(factories.user(Role.VIEWER).email)
    assert client.get(f"/plans/{plan.id}/actions{query}").status_code == 400
    export = client.get(f"/plans/{plan.id}/export.csv{query}")
    assert export.status_code == 400


@pytest.mark.parametrize("snapshot", ["%C2%B2", "99999999999999999999"])
def test_a_snapshot_that_is_not_a_number_is_refused_by_the_exports_and_the_comparison(client, auth, snapshot):
    plan = factories.plan()
    db.session.commit()
    auth.sign_in(factories.user(Role.VIEWER).email)
    assert client.get(f"/plans/{plan.id}/snapshots/compare?from={snapshot}&to={snapshot}").status_code == 400
    assert client.get(f"/plans/{plan.id}/snapshots/compare.csv?from={snapshot}&to={snapshot}").status_code == 400
    assert client.get(f"/plans/{plan.id}/export.xlsx?snapshot={snapshot}").status_code == 404
    queued = client.post(f"/plans/{plan.id}/exports",
                         data={"format": "csv", "snapshot": snapshot.replace("%C2%B2", "²"),
                               "csrf_token": _token(client)})
    assert queued.status_code == 400


def test_a_column_mapping_not_on_the_list_is_shown_as_a_problem_and_imports_nothing(client, auth):
    from app.imports.jobs import save_upload
    from app.models import Plan

    auth.sign_in(factories.user(Role.ADMINISTRATOR).email)
    token = save_upload(b"Reference,Action\n1.1.1,Audit the files\n", "plan.csv").token
    response = client.post(f"/admin/import/{token}", data={
        "column_0": "reference", "column_1": "not a field", "column_²": "title",
        "csrf_token": _token(client)})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "govuk-error-summary" in page and "Choose what column 2 holds from the list" in page
    assert db.session.scalar(select(func.count()).select_from(Plan)) == 0


def test_a_decision_on_an_escalation_already_resolved_is_explained_in_the_error_summary(client, auth):
    from app.models import Escalation

    world = updates_world.build()
    escalation = Escalation(plan_id=world.plan_id, action_id=world.action_id, level=2, trigger="overdue",
                            cycle_due_date=date(2026, 11, 2), raised_on=date(2026, 11, 9), state="resolved",
                            resolved_on=date(2026, 11, 20), resolution="by_director")
    db.session.add(escalation)
    db.session.commit()
    auth.sign_in(world.director.email)
    response = client.post(f"/escalations/{escalation.id}/resolve", data={
        "resolve-note": "Again", "csrf_token": _token(client)})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "govuk-error-summary" in page and "This escalation is already resolved" in page
