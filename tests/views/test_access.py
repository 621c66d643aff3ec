"""Every route, for every role: who is let in, who is refused, and that the
table covers every route the application serves."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.roles import Role
from tests import factories, indicator_factories

EVERYONE = frozenset(Role)
ADMIN_ONLY = frozenset({Role.ADMINISTRATOR})
VALUE_ENTRY = frozenset({Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER})
BOARD_SECRETARIES = frozenset({Role.BOARD_SECRETARY, Role.ADMINISTRATOR})
PUBLIC = "public"
# Answered only with a personal token or a secret address (never a session): tests/api covers each role.
BY_TOKEN = "by token"

# endpoint -> (path template, who may GET it). Templates use {plan}, {number}, {action}, {token},
# {indicator}, {evidence}, {user}.
ROUTES: dict[str, tuple[str, frozenset[Role] | str]] = {
    "assets.govuk_asset": ("/assets/govuk-frontend.min.css", PUBLIC),
    "static": ("/static/pillar.css", PUBLIC),
    "auth.sign_in": ("/sign-in", PUBLIC),
    "auth.sign_out": ("/sign-out", EVERYONE),  # POST only: covered in test_sign_in
    "pages.accessibility": ("/accessibility", PUBLIC),
    "pages.health": ("/health", PUBLIC),
    "pages.home": ("/", EVERYONE),
    "plans.index": ("/plans", EVERYONE),
    "plans.overview": ("/plans/{plan}", EVERYONE),
    "plans.pillar": ("/plans/{plan}/pillars/{number}", EVERYONE),
    "plans.actions": ("/plans/{plan}/actions", EVERYONE),
    "plans.action": ("/actions/{action}", EVERYONE),
    "plans.people": ("/plans/{plan}/people", EVERYONE),
    "plans.requirements": ("/plans/{plan}/requirements", EVERYONE),
    "admin.users": ("/admin/users", ADMIN_ONLY),
    "imports.new": ("/admin/import", ADMIN_ONLY),
    "imports.preview": ("/admin/import/{token}", ADMIN_ONLY),
    "imports.run": ("/admin/import/{token}/run", ADMIN_ONLY),
    "indicators.index": ("/plans/{plan}/indicators", EVERYONE),
    "indicators.indicator": ("/indicators/{indicator}", EVERYONE),
    "indicators.enter_value": ("/indicators/{indicator}/values", VALUE_ENTRY),
    "indicators.import_file": ("/plans/{plan}/indicators/import", VALUE_ENTRY),
    "updates.my_actions": ("/my-actions", EVERYONE),
    # Object rules narrow these: the world's action has no delivery leads and its pillar no director,
    # so only administrators pass. tests/views/test_update_pages.py covers leads and directors.
    "updates.post_update": ("/actions/{action}/update", ADMIN_ONLY),
    "updates.claim_completion": ("/actions/{action}/complete", ADMIN_ONLY),
    "updates.sign_off": ("/actions/{action}/sign-off", ADMIN_ONLY),
    "updates.reopen": ("/actions/{action}/reopen", ADMIN_ONLY),
    "updates.cancel": ("/actions/{action}/cancel", ADMIN_ONLY),
    "updates.comment": ("/actions/{action}/comment", frozenset({Role.DIRECTOR, Role.ADMINISTRATOR})),
    "evidence.upload": ("/actions/{action}/evidence", ADMIN_ONLY),
    "evidence.download": ("/evidence/{evidence}/download", EVERYONE),
    "evidence.remove": ("/evidence/{evidence}/remove", ADMIN_ONLY),
    "audit.export_csv": ("/admin/audit.csv", ADMIN_ONLY),
    "admin.change_user_role": ("/admin/users/{user}/role", ADMIN_ONLY),
    "escalations.inbox": ("/escalations/inbox", frozenset({Role.DIRECTOR, Role.ADMINISTRATOR})),
    "escalations.plan_list": ("/plans/{plan}/escalations", frozenset({Role.BOARD_SECRETARY, Role.ADMINISTRATOR})),
    "escalations.notifications": ("/notifications", EVERYONE),
    # The escalation's page and decisions also check the object: see tests/views/test_escalation_pages.py.
    "escalations.show": ("/escalations/{escalation}", frozenset({Role.BOARD_SECRETARY, Role.ADMINISTRATOR})),
    "escalations.decide": ("/escalations/{escalation}/acknowledge", frozenset({Role.DIRECTOR, Role.ADMINISTRATOR})),
    "board.meetings": ("/plans/{plan}/board", EVERYONE),
    "board.meeting": ("/plans/{plan}/board/meetings/{meeting}", EVERYONE),
    "board.add_meeting": ("/plans/{plan}/board/meetings", BOARD_SECRETARIES),  # POST only: test_board_pages
    "board.remind": ("/plans/{plan}/board/meetings/{meeting}/remind", BOARD_SECRETARIES),  # POST only
    "board.freeze": ("/plans/{plan}/board/meetings/{meeting}/freeze", BOARD_SECRETARIES),  # POST only
    "board.snapshot": ("/plans/{plan}/snapshots/{snapshot}", EVERYONE),
    "board.compare_snapshots": ("/plans/{plan}/snapshots/compare?from={snapshot}&to={snapshot}", EVERYONE),
    "board.compare_snapshots_csv": ("/plans/{plan}/snapshots/compare.csv?from={snapshot}&to={snapshot}", EVERYONE),
    "board.export": ("/plans/{plan}/export.xlsx?snapshot={snapshot}", EVERYONE),
    "board.queue_export": ("/plans/{plan}/exports", EVERYONE),  # POST only: test_board_pages
    # The job was asked for by another user: only administrators see anyone's.
    "board.export_job": ("/plans/{plan}/exports/{job}", ADMIN_ONLY),
    "board.export_file": ("/plans/{plan}/exports/{job}/file", ADMIN_ONLY),
    "journeys.search": ("/search?q=plan", EVERYONE),
    "journeys.dashboard": ("/plans/{plan}/dashboard", EVERYONE),
    "journeys.director_home": ("/director", frozenset({Role.DIRECTOR, Role.ADMINISTRATOR})),
    "journeys.secretary_home": ("/secretary", BOARD_SECRETARIES),
    "journeys.keep_alive": ("/session/keep-alive", EVERYONE),  # POST only: tests/views/test_journeys.py
    "account.change_own_password": ("/profile/password", EVERYONE),
    "admin.deactivate_user": ("/admin/users/{user}/deactivate", ADMIN_ONLY),  # POST only: test_sessions
    "api.openapi_json": ("/api/v1/openapi.json", PUBLIC),
    "api.docs": ("/api/v1/docs", PUBLIC),
    "api.plans": ("/api/v1/plans", BY_TOKEN),
    "api.plan": ("/api/v1/plans/{plan}", BY_TOKEN),
    "api.pillars": ("/api/v1/plans/{plan}/pillars", BY_TOKEN),
    "api.outcomes": ("/api/v1/plans/{plan}/outcomes", BY_TOKEN),
    "api.people": ("/api/v1/plans/{plan}/people", BY_TOKEN),
    "api.actions": ("/api/v1/plans/{plan}/actions", BY_TOKEN),
    "api.action": ("/api/v1/actions/{action}", BY_TOKEN),
    "api.updates": ("/api/v1/actions/{action}/updates", BY_TOKEN),
    "api.post_update": ("/api/v1/actions/{action}/updates", BY_TOKEN),
    "api.feed": ("/api/v1/feeds/actions.csv", BY_TOKEN),
    "api.requirements": ("/api/v1/plans/{plan}/requirements", BY_TOKEN),
    "api.indicators": ("/api/v1/plans/{plan}/indicators", BY_TOKEN),
    "api.escalations": ("/api/v1/plans/{plan}/escalations", BY_TOKEN),
    "api.decide_escalation": ("/api/v1/escalations/{escalation}/acknowledge", BY_TOKEN),
    "api.evidence": ("/api/v1/actions/{action}/evidence", BY_TOKEN),
    "api.upload_evidence": ("/api/v1/actions/{action}/evidence", BY_TOKEN),
    "calendar.person": ("/calendar/secret.ics", BY_TOKEN),
    "calendar.plan": ("/calendar/plan/secret.ics", BY_TOKEN),
    "profile.show": ("/profile", EVERYONE),
    "profile.create_token": ("/profile/tokens", EVERYONE),  # POST only: tests/api/test_profile.py
    "profile.revoke_token": ("/profile/tokens/1/revoke", EVERYONE),  # POST only
    "profile.reset_calendar": ("/profile/calendar", EVERYONE),  # POST only
    "journeys.changes": ("/plans/{plan}/dashboard/changes", EVERYONE),
}

POST_ONLY = {
    "auth.sign_out", "escalations.decide", "board.add_meeting", "board.remind", "board.freeze", "board.queue_export",
    "journeys.keep_alive",
    "admin.deactivate_user",
    "profile.create_token", "profile.revoke_token", "profile.reset_calendar",
}
GET_ROUTES = {name: spec for name, spec in ROUTES.items() if name not in POST_ONLY and spec[1] != BY_TOKEN}


def test_the_access_table_names_every_route_the_application_serves(app):
    served = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert served - set(ROUTES) == set(), "add the new routes to ROUTES with who may use them"
    assert set(ROUTES) - served == set()


def test_every_view_declares_the_permission_it_needs(app):
    from app.policy import permission_for

    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and permission_for(view) is None
    ]
    assert missing == []


@pytest.fixture
def world(app, tmp_path):
    import io

    from app.evidence.storage import storage
    from app.extensions import db
    from app.models import Evidence
    from tests.samples import PDF

    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    plan = factories.plan()
    pillar = factories.pillar(plan, number=1)
    outcome = factories.outcome(pillar, reference="1.1")
    action = factories.action(outcome, "1.1.1", due=date(2026, 12, 1))
    indicator = indicator_factories.indicator(plan, values={"2026-09": 58, "2026-10": 61})
    stored = storage().put(io.BytesIO(PDF))
    evidence = Evidence(action_id=action.id, original_name="audit.pdf", stored_key=stored.key,
                        content_type="application/pdf", size_bytes=stored.size_bytes, sha256=stored.sha256)
    db.session.add(evidence)
    from app.models import Escalation

    escalation = Escalation(
        plan_id=plan.id, action_id=action.id, level=2, trigger="overdue",
        cycle_due_date=date(2026, 11, 2), raised_on=date(2026, 11, 9),
    )
    db.session.add(escalation)
    db.session.commit()
    other = factories.user(Role.VIEWER)
    from app.imports.jobs import save_upload

    token = save_upload(b"Reference,Action\n1.1.1,Audit the files\n", "plan.csv").token
    return {
        "plan": plan.id, "number": pillar.number, "action": action.id, "token": token, "indicator": indicator.id,
        "evidence": evidence.id, "user": other.id, "escalation": escalation.id, **_board_world(plan),
    }


def _board_world(plan) -> dict:
    from pathlib import Path

    from flask import current_app

    from app.board import services
    from app.extensions import db

    secretary = factories.user(Role.ADMINISTRATOR)
    meeting = services.add_board_meeting(plan=plan, meeting_date=date(2026, 11, 23), title="Board")
    snapshot = services.freeze_snapshot(plan=plan, meeting=meeting, actor=secretary)
    job = services.queue_export(services.parse_request(plan, "csv", snapshot.id), secretary)
    job.status, job.filename = "done", f"export-{job.id}-log.csv"
    folder = Path(current_app.config["INSTANCE_DIR"]) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / job.filename).write_bytes(b"\xef\xbb\xbfReference\r\n")
    db.session.commit()
    return {"meeting": meeting.id, "snapshot": snapshot.id, "job": job.id}


def _path(template: str, world: dict) -> str:
    return template.format(**world)


@pytest.mark.parametrize("endpoint", sorted(GET_ROUTES))
def test_anonymous_visitors_reach_only_public_pages_and_are_sent_to_sign_in_otherwise(client, world, endpoint):
    template, allowed = GET_ROUTES[endpoint]
    response = client.get(_path(template, world))
    response.close()
    if allowed == PUBLIC:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response.location.startswith("/sign-in?next=")


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
@pytest.mark.parametrize("endpoint", sorted(GET_ROUTES))
def test_each_role_is_let_in_or_refused_as_the_table_says(client, auth, world, role, endpoint):
    template, allowed = GET_ROUTES[endpoint]
    user = factories.user(role)
    auth.sign_in(user.email)
    response = client.get(_path(template, world), follow_redirects=True)
    response.close()
    if allowed == PUBLIC or role in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "You do not have permission" in response.get_data(as_text=True)


def test_a_refused_user_creation_changes_nothing(client, auth, app):
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import User
    from tests.conftest import csrf_from

    director = factories.user(Role.DIRECTOR)
    auth.sign_in(director.email)
    token = csrf_from(client.get("/plans").get_data(as_text=True))
    before = db.session.scalar(select(func.count()).select_from(User))
    response = client.post(
        "/admin/users",
        data={"name": "Sneaky", "email": "sneaky@example.org", "role": "administrator",
              "password": "long enough password", "csrf_token": token},
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_an_administrator_adds_a_user_who_can_then_sign_in(client, auth, app):
    from tests.conftest import Auth, csrf_from

    admin = factories.user(Role.ADMINISTRATOR)
    auth.sign_in(admin.email)
    page = client.get("/admin/users")
    response = client.post(
        "/admin/users",
        data={"name": "Dee Lead", "email": "dee@example.org", "role": "delivery_lead",
              "password": "a long passphrase here", "csrf_token": csrf_from(page.get_data(as_text=True))},
        follow_redirects=True,
    )
    assert "Dee Lead can now sign in as delivery lead." in response.get_data(as_text=True)
    other = Auth(app.test_client())
    assert other.sign_in("dee@example.org", "a long passphrase here").status_code == 302


def test_a_bad_new_user_form_shows_each_problem_beside_its_field_and_keeps_what_was_typed(client, auth):
    from tests.conftest import csrf_from

    admin = factories.user(Role.ADMINISTRATOR, email="admin@example.org")
    auth.sign_in(admin.email)
    page = client.get("/admin/users")
    response = client.post(
        "/admin/users",
        data={"name": "Kept Name", "email": "admin@example.org", "role": "viewer",
              "password": "short", "csrf_token": csrf_from(page.get_data(as_text=True))},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "A user with the email admin@example.org already exists" in body
    assert "Password must be at least 10 characters long" in body
    assert 'href="#password"' in body
    assert 'value="Kept Name"' in body


def test_a_missing_object_is_a_plain_404(client, auth, world):
    user = factories.user(Role.VIEWER)
    auth.sign_in(user.email)
    for path in (
        "/plans/999999", "/actions/999999", f"/plans/{world['plan']}/pillars/99", "/indicators/999999",
        "/plans/999999/indicators",
    ):
        response = client.get(path)
        assert response.status_code == 404
        assert "Page not found" in response.get_data(as_text=True)
