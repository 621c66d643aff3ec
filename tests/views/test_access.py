"""Every route, for every role: who is let in, who is refused, and that the
table covers every route the application serves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


# ---- Every method: who may post to each route; a refusal is alike everywhere, changes nothing and is logged ----

THIS_LEAD = "a delivery lead of the world's action"
OTHER_LEAD = "a delivery lead of an action in another pillar"
ANONYMOUS = "anonymous"
PERSONAS = (*Role, THIS_LEAD, OTHER_LEAD)


@dataclass(frozen=True)
class Write:
    """A post the allowed would make. Paths use the world's keys; data gets the world (for versions)."""

    path: str
    allowed: frozenset | str
    data: Callable[[dict], dict] = lambda world: {}
    refused_status: int = 403  # 404 where even the thing's existence is not the user's to know

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")


LEADS = frozenset({Role.ADMINISTRATOR, THIS_LEAD})
EVERYONE_SIGNED_IN = frozenset({*Role, THIS_LEAD, OTHER_LEAD})


def _pdf(world: dict) -> dict:
    import io

    from tests.samples import PDF

    return {"file": (io.BytesIO(PDF), "minutes.pdf")}


_DECISIONS = {
    "acknowledge": ({}, {}),
    "respond": ({"respond-response": "Agency staff start on Monday"}, {"text": "Agency staff start on Monday"}),
    "revise": ({"revise-revised_due_date": ["29", "1", "2027"], "revise-reason": "Recruitment delayed"},
               {"revised_due_date": "2027-01-29", "text": "Recruitment delayed"}),
    "refer": ({"refer-note": "Needs the board"}, {"text": "Needs the board"}),
    "resolve": ({"resolve-note": "Back on track"}, {"text": "Back on track"}),
}

# endpoint -> the posts to make. The test below fails when a route that takes POST has no entry here.
WRITES: dict[str, tuple[Write, ...]] = {
    "auth.sign_in": (Write("/sign-in", PUBLIC),),
    "auth.sign_out": (Write("/sign-out", EVERYONE_SIGNED_IN),),
    "account.change_own_password": (Write("/profile/password", EVERYONE_SIGNED_IN, lambda w: {
        "current_password": factories.PASSWORD, "new_password": "lantern orchard pebble violin"}),),
    "admin.users": (Write("/admin/users", ADMIN_ONLY, lambda w: {
        "name": "Sneaky", "email": "sneaky@example.org", "role": "administrator", "password": "long enough password"}),),
    "admin.change_user_role": (Write("/admin/users/{user}/role", ADMIN_ONLY, lambda w: {"role": "administrator"}),),
    "admin.deactivate_user": (Write("/admin/users/{user}/deactivate", ADMIN_ONLY),),
    "imports.new": (Write("/admin/import", ADMIN_ONLY, lambda w: {
        "pasted": "Reference\tAction\n9.9.9\tForged action", "plan_title": "Forged plan"}),),
    "imports.preview": (Write("/admin/import/{token}", ADMIN_ONLY),),
    "indicators.enter_value": (Write("/indicators/{indicator}/values", VALUE_ENTRY, lambda w: {
        "period": "2026-10", "value": "99", "commentary": "Forged"}),),
    "indicators.import_file": (Write("/plans/{plan}/indicators/import", VALUE_ENTRY, lambda w: {
        "file": (__import__("io").BytesIO(b"code,period,value\nNI 59,2026-08,12\n"), "values.csv")}),),
    "updates.post_update": (Write("/actions/{action}/update", LEADS, lambda w: {
        "proposed_rag": "red", "commentary": "Forged update", "base_version": "0"}),),
    "updates.claim_completion": (Write("/actions/{action}/complete", LEADS, lambda w: {
        "note": "All done", "base_version": str(w["action_version"])}),),
    "updates.sign_off": (Write("/actions/{awaiting}/sign-off", ADMIN_ONLY, lambda w: {
        "decision": "sign_off", "base_version": str(w["awaiting_version"])}),),
    "updates.reopen": (Write("/actions/{cancelled}/reopen", ADMIN_ONLY, lambda w: {
        "reason": "Reopened", "base_version": str(w["cancelled_version"])}),),
    "updates.cancel": (Write("/actions/{action}/cancel", ADMIN_ONLY, lambda w: {
        "reason": "Not needed", "base_version": str(w["action_version"])}),),
    "updates.comment": (Write("/actions/{action}/comment", frozenset({Role.DIRECTOR, Role.ADMINISTRATOR}),
                              lambda w: {"body": "A comment"}),),
    "evidence.upload": (Write("/actions/{action}/evidence", LEADS, _pdf),),
    "evidence.remove": (Write("/evidence/{evidence}/remove", ADMIN_ONLY, lambda w: {"reason": "Wrong file"}),),
    # The world's pillar has no accountable director: only administrators decide.
    "escalations.decide": tuple(
        Write(f"/escalations/{{escalation}}/{name}", ADMIN_ONLY, lambda w, form=form: form)
        for name, (form, _json) in _DECISIONS.items()
    ),
    "board.add_meeting": (Write("/plans/{plan}/board/meetings", BOARD_SECRETARIES, lambda w: {
        "meeting_date": ["1", "12", "2026"], "title": "Extra board"}),),
    "board.remind": (Write("/plans/{plan}/board/meetings/{meeting}/remind", BOARD_SECRETARIES),),
    "board.freeze": (Write("/plans/{plan}/board/meetings/{unfrozen_meeting}/freeze", BOARD_SECRETARIES),),
    "board.queue_export": (Write("/plans/{plan}/exports", EVERYONE_SIGNED_IN, lambda w: {"format": "csv"}),),
    "journeys.keep_alive": (Write("/session/keep-alive", EVERYONE_SIGNED_IN),),
    "profile.create_token": (Write("/profile/tokens", EVERYONE_SIGNED_IN, lambda w: {"name": "Power BI"}),),
    # Another user's token: refused as though it did not exist.
    "profile.revoke_token": (Write("/profile/tokens/{others_token}/revoke", frozenset(), refused_status=404),),
    "profile.reset_calendar": (Write("/profile/calendar", EVERYONE_SIGNED_IN),),
    "api.post_update": (Write("/api/v1/actions/{action}/updates", LEADS, lambda w: {
        "proposed_rag": "red", "commentary": "Forged update", "expected_version": 0}),),
    "api.upload_evidence": (Write("/api/v1/actions/{action}/evidence", LEADS, _pdf),),
    "api.decide_escalation": tuple(
        Write(f"/api/v1/escalations/{{escalation}}/{name}", ADMIN_ONLY, lambda w, body=body: body)
        for name, (_form, body) in _DECISIONS.items()
    ),
}


def _may(persona, allowed) -> bool:
    if allowed == PUBLIC:
        return True
    if persona == ANONYMOUS:
        return False
    if persona in (THIS_LEAD, OTHER_LEAD):
        return persona in allowed or Role.DELIVERY_LEAD in allowed
    return persona in allowed


def test_the_write_table_names_every_route_and_method_the_application_serves(app):
    served = {
        (rule.endpoint, method) for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    posts = {endpoint for endpoint, method in served if method == "POST"}
    assert posts - set(WRITES) == set(), "add the routes to WRITES with who may post to them"
    assert set(WRITES) - posts == set()
    others = {(endpoint, method) for endpoint, method in served if method not in ("GET", "POST")}
    assert others == set(), "the access tables know only GET and POST: add the new method to them"
    gets = {endpoint for endpoint, method in served if method == "GET"}
    assert gets - (set(ROUTES) - POST_ONLY) == set(), "add the routes to ROUTES with who may GET them"
    assert gets & POST_ONLY == set()


@pytest.fixture
def write_world(world, app):
    """The access world, with a lead for its action, an action in another pillar with its own lead,
    actions awaiting sign-off and cancelled, a meeting not yet frozen, and another user's token."""
    from app.api.tokens import create_token
    from app.board import services as board_services
    from app.extensions import db
    from app.models import Action, Plan, User

    action = db.session.get(Action, world["action"])
    plan = db.session.get(Plan, world["plan"])
    this_lead = factories.user(Role.DELIVERY_LEAD, name="This Lead")
    action.delivery_leads.append(factories.person("This Lead", user=this_lead))
    outcome = action.outcome
    awaiting = factories.action(outcome, "1.1.2", state="awaiting_sign_off", due=date(2027, 1, 8))
    cancelled = factories.action(outcome, "1.1.3", state="cancelled", due=date(2027, 1, 8))
    other_lead = factories.user(Role.DELIVERY_LEAD, name="Other Lead")
    elsewhere = factories.outcome(factories.pillar(plan, number=2), reference="2.1")
    factories.action(elsewhere, "2.1.1", due=date(2027, 2, 1),
                     leads=[factories.person("Other Lead", user=other_lead)])
    unfrozen = board_services.add_board_meeting(plan=plan, meeting_date=date(2027, 1, 25), title="January board")
    token, _secret = create_token(db.session.get(User, world["user"]), "theirs")
    db.session.commit()
    return {
        **world, "this_lead": this_lead, "other_lead": other_lead, "awaiting": awaiting.id,
        "cancelled": cancelled.id, "unfrozen_meeting": unfrozen.id, "others_token": token.id,
        "action_version": action.version, "awaiting_version": awaiting.version,
        "cancelled_version": cancelled.version,
    }


class _Visitor:
    """One persona's browser (a session, signed in) and, for the API, a personal token."""

    def __init__(self, app, persona, world):
        from app.api.tokens import create_token
        from app.extensions import db
        from tests.conftest import Auth, csrf_from

        self.persona, self.client = persona, app.test_client()
        self.user = None
        self.headers = {}
        if persona == ANONYMOUS:
            page = self.client.get("/sign-in")
        else:
            self.user = {THIS_LEAD: world["this_lead"], OTHER_LEAD: world["other_lead"]}.get(persona) \
                or factories.user(persona)
            assert Auth(self.client).sign_in(self.user.email).status_code == 302
            page = self.client.get("/accessibility")
            _token, secret = create_token(self.user, "walk")
            db.session.commit()
            self.headers = {"Authorization": f"Bearer {secret}"}
        self.csrf = csrf_from(page.get_data(as_text=True))

    def post(self, write: Write, world: dict):
        path = _path(write.path, world)
        data = write.data(world)
        if write.api:
            if "file" in data:
                return self.client.post(path, data=data, headers=self.headers, content_type="multipart/form-data")
            return self.client.post(path, json=data, headers=self.headers)
        return self.client.post(path, data={**data, "csrf_token": self.csrf})


def _refusal_problems(visitor: _Visitor, write: Write, response, lines: list[dict]) -> list[str]:
    problems = []
    anonymous = visitor.persona == ANONYMOUS
    if write.api:
        expected = 401 if anonymous else 403
        if response.status_code != expected or response.json.get("status") != expected:
            problems.append(f"answered {response.status_code}, not {expected} in JSON")
    elif anonymous:
        if response.status_code != 302 or not response.location.startswith("/sign-in?next="):
            problems.append(f"answered {response.status_code}, not a redirect to sign in")
    elif response.status_code != write.refused_status:
        problems.append(f"answered {response.status_code}, not {write.refused_status}")
    elif write.refused_status == 403 and "You do not have permission" not in response.get_data(as_text=True):
        problems.append("the refusal page does not say so")
    outcome = ("unauthorised" if write.api else "sign_in_required") if anonymous else "denied"
    actor = None if anonymous else str(visitor.user.id)
    logged = [line for line in lines if line.get("event") == "access_denied"]
    if not any(line["outcome"] == outcome and line["actor"] == actor and line["reason"] for line in logged):
        problems.append(f"no access_denied line with outcome {outcome} and actor {actor} in {logged}")
    return problems


@pytest.mark.parametrize("endpoint", sorted(name for name, writes in WRITES.items() if writes[0].allowed != PUBLIC))
def test_each_post_is_refused_to_everyone_the_table_does_not_allow_changing_nothing_and_logged(
    app, write_world, capfd, endpoint
):
    from tests import unchanged

    visitors = [_Visitor(app, persona, write_world) for persona in (ANONYMOUS, *PERSONAS)]
    before = unchanged.everything()
    unchanged.security_lines(capfd)
    problems = []
    for write in WRITES[endpoint]:
        for visitor in visitors:
            if _may(visitor.persona, write.allowed):
                continue
            response = visitor.post(write, write_world)
            response.close()
            found = _refusal_problems(visitor, write, response, unchanged.security_lines(capfd))
            found += unchanged.differences(before, unchanged.everything())
            problems += [f"{write.path} as {getattr(visitor.persona, 'value', visitor.persona)}: {p}" for p in found]
    assert problems == []
    # And the table is not refusing those it lets in: each allowed persona gets past the access rules.
    for write in WRITES[endpoint]:
        for visitor in visitors:
            if not _may(visitor.persona, write.allowed):
                continue
            response = visitor.post(write, write_world)
            response.close()
            refused = response.status_code in (401, 403, 404) or (
                response.status_code == 302 and response.location.startswith("/sign-in?next=")
            )
            assert not refused, f"{write.path} as {visitor.persona} answered {response.status_code}"


OBJECT_KEYS = ("{action}", "{evidence}", "{escalation}")


def test_a_lead_of_another_pillars_action_is_refused_every_page_about_this_action(client, auth, write_world, capfd):
    from tests import unchanged

    auth.sign_in(write_world["other_lead"].email)
    before = unchanged.everything()
    unchanged.security_lines(capfd)
    checked = []
    for endpoint, (template, allowed) in sorted(GET_ROUTES.items()):
        if not any(key in template for key in OBJECT_KEYS):
            continue
        response = client.get(_path(template, write_world))
        response.close()
        expected = 200 if Role.DELIVERY_LEAD in allowed else 403
        assert response.status_code == expected, endpoint
        if expected == 403:
            assert any(line.get("event") == "access_denied" for line in unchanged.security_lines(capfd)), endpoint
            checked.append(endpoint)
    assert unchanged.everything() == before
    assert {"updates.post_update", "updates.claim_completion", "evidence.upload", "evidence.remove",
            "updates.comment", "escalations.show"} <= set(checked)


def _every_request(app, world: dict):
    """Every route and method the tables know, as (endpoint, method, path, write or None)."""
    gets = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    for endpoint, (template, allowed) in sorted(ROUTES.items()):
        if endpoint in gets and allowed != PUBLIC and not endpoint.startswith("calendar."):
            yield endpoint, "GET", _path(template, world), None
    for endpoint, writes in sorted(WRITES.items()):
        for write in writes:
            if write.allowed != PUBLIC:
                yield endpoint, "POST", _path(write.path, world), write


def test_a_session_made_before_deactivation_is_sent_to_sign_in_everywhere_and_changes_nothing(app, write_world, capfd):
    from app.api.tokens import reset_calendar_secret
    from app.auth.services import deactivate_user
    from app.extensions import db
    from app.models import User
    from tests import unchanged

    visitor = _Visitor(app, Role.ADMINISTRATOR, write_world)
    secret = reset_calendar_secret(visitor.user)
    db.session.commit()
    assert visitor.client.get("/admin/users").status_code == 200
    deactivate_user(db.session.get(User, visitor.user.id), actor=factories.user(Role.ADMINISTRATOR))
    db.session.commit()
    before = unchanged.everything()
    unchanged.security_lines(capfd)

    problems = []
    for endpoint, method, path, write in _every_request(app, write_world):
        if write is not None:
            response = visitor.post(write, write_world)
        elif path.startswith("/api/"):
            response = visitor.client.get(path, headers=visitor.headers)
        else:
            response = visitor.client.get(path)
        response.close()
        if path.startswith("/api/"):
            if response.status_code != 401:
                problems.append(f"{method} {endpoint}: {response.status_code}")
        elif response.status_code != 302 or not response.location.startswith("/sign-in?next="):
            problems.append(f"{method} {endpoint}: {response.status_code}")
    for path in (f"/calendar/{secret}.ics", f"/calendar/plan/{secret}.ics"):
        if visitor.client.get(path).status_code != 404:
            problems.append(f"{path} still answers")
    assert problems == []
    assert unchanged.differences(before, unchanged.everything()) == []
    lines = unchanged.security_lines(capfd)
    refused = [line for line in lines if line.get("event") == "session_refused"]
    assert refused and all(line["user_id"] == visitor.user.id and line["reason"] == "account deactivated"
                           for line in refused)
    assert any(line.get("outcome") == "unauthorised" and line.get("status") == 401 for line in lines)
