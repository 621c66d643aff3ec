"""Fields a user may not set are ignored. Every form a non-administrator may use (and the API's writes)
is posted with forged extras: owner and delivery leads, pillar and plan, the RAG and state of someone
else's action, a role, another user's or action's id, an author. What the post legitimately changes is
checked, and every other row of every table is shown to be as it was."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import select

from app.api.tokens import create_token
from app.board import services as board_services
from app.domain.roles import Role
from app.extensions import db
from app.models import Escalation, Evidence, User
from tests import factories, indicator_factories
from tests.conftest import Auth, csrf_from
from tests.samples import PDF

# Tables any save may touch as a side effect: the trail, the outbox, recalculated statuses and the
# note that they are due.
SIDE_EFFECTS = {"audit_events", "audit_chain_head", "outbox_messages", "stored_statuses", "pending_recalculations"}


@pytest.fixture
def forge_world(app, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    names = {}
    for key, role in (("admin", Role.ADMINISTRATOR), ("lead", Role.DELIVERY_LEAD), ("other_lead", Role.DELIVERY_LEAD),
                      ("director", Role.DIRECTOR), ("other_director", Role.DIRECTOR),
                      ("secretary", Role.BOARD_SECRETARY), ("officer", Role.PERFORMANCE_OFFICER),
                      ("viewer", Role.VIEWER)):
        names[key] = factories.user(role, email=f"{key}@example.org")
    people = {key: factories.person(key, user=names[key]) for key in ("lead", "other_lead", "director",
                                                                      "other_director")}
    plan, other_plan = factories.plan("Plan"), factories.plan("Other plan")
    mine = factories.pillar(plan, 1, leads=[people["director"]])
    theirs = factories.pillar(plan, 2, leads=[people["other_director"]])
    outcome, their_outcome = factories.outcome(mine, "1.1"), factories.outcome(theirs, "2.1")
    action = factories.action(outcome, "1.1.1", due=date(2026, 11, 2), rag="amber", leads=[people["lead"]])
    awaiting = factories.action(outcome, "1.1.2", state="awaiting_sign_off", leads=[people["lead"]],
                                due=date(2027, 1, 4))
    cancelled = factories.action(outcome, "1.1.3", state="cancelled", leads=[people["lead"]], due=date(2027, 1, 4))
    other = factories.action(their_outcome, "2.1.1", due=date(2027, 2, 1), rag="green",
                             leads=[people["other_lead"]])
    factories.action(factories.outcome(factories.pillar(other_plan, 1), "1.1"), "1.1.1", rag="red")
    evidence = Evidence(action_id=action.id, original_name="audit.pdf", stored_key="k", content_type="application/pdf",
                        size_bytes=10, sha256="0" * 64, uploaded_by_user_id=names["lead"].id)
    escalations = [Escalation(plan_id=plan.id, action_id=a.id, level=2, trigger="overdue", cycle_due_date=a.due_date,
                              raised_on=date(2026, 11, 9)) for a in (action, other)]
    db.session.add_all([evidence, *escalations])
    meeting = board_services.add_board_meeting(plan=plan, meeting_date=date(2026, 11, 30), title="Board")
    viewer_token, _ = create_token(names["viewer"], "mine")
    their_token, _ = create_token(names["admin"], "theirs")
    indicator = indicator_factories.indicator(plan, values={"2026-09": 58})
    their_indicator = indicator_factories.indicator(other_plan, code="NI 60", values={"2026-09": 12})
    db.session.commit()
    return {
        **names, "plan": plan.id, "other_plan": other_plan.id, "action": action.id, "awaiting": awaiting.id,
        "cancelled": cancelled.id, "other_action": other.id, "pillar": mine.id, "other_pillar": theirs.id,
        "escalation": escalations[0].id, "other_escalation": escalations[1].id, "indicator": indicator.id,
        "other_indicator": their_indicator.id, "other_lead_person": people["other_lead"].id,
        "lead_person": people["lead"].id, "evidence": evidence.id, "meeting": meeting.id,
        "viewer_token": viewer_token.id, "their_token": their_token.id,
    }


def _forged(w: dict) -> dict:
    """Everything a form might be tricked into honouring, pointing at someone else's things."""
    return {
        "owner": w["other_lead_person"], "delivery_leads": w["other_lead_person"], "lead": w["other_lead_person"],
        "delivery_lead_ids": w["other_lead_person"], "pillar_id": w["other_pillar"], "plan_id": w["other_plan"],
        "rag": "complete", "state": "complete", "role": "administrator", "user_id": w["admin"].id,
        "action_id": w["other_action"], "escalation_id": w["other_escalation"], "indicator_id": w["other_indicator"],
        "author_user_id": w["admin"].id, "requested_by_id": w["admin"].id, "uploaded_by_user_id": w["admin"].id,
        "actor": w["admin"].id, "active": "0", "session_version": "99", "reference": "9.9.9", "version": "99",
        "due_date": "2030-01-01", "title": "Forged title", "token_id": w["their_token"], "meeting_id": 0,
        "snapshot_id": 0, "frozen_by_id": w["admin"].id,
    }


def _rows() -> dict[str, dict]:
    """Every row of every table, by table and primary key."""
    db.session.rollback()
    found: dict[str, dict] = {}
    for table in db.metadata.sorted_tables:
        keys = [column.name for column in table.primary_key.columns]
        found[table.name] = {
            tuple(row[k] for k in keys): dict(row) for row in db.session.execute(select(table)).mappings()
        }
    return found


def _changes_outside(before: dict, after: dict, tables: set[str], rows: dict[str, set]) -> list[str]:
    changes = []
    for name in before:
        if name in tables | SIDE_EFFECTS:
            continue
        allowed = rows.get(name, set())
        for key in set(before[name]) | set(after[name]):
            if key in allowed or (len(key) == 1 and key[0] in allowed):
                continue
            if before[name].get(key) != after[name].get(key):
                changes.append(f"{name} {key}: {before[name].get(key)} -> {after[name].get(key)}")
    return changes


@dataclass
class Post:
    who: str
    path: str
    data: dict
    # What the post may legitimately change: whole tables it adds to, and rows (by id) it updates.
    tables: set = field(default_factory=set)
    rows: dict = field(default_factory=dict)
    api: bool = False


FILES = {"pdf": lambda: (io.BytesIO(PDF), "minutes.pdf"),
         "values": lambda: (io.BytesIO(b"code,period,value\nNI 59,2026-08,57\n"), "values.csv")}

# Rows a post may update are named by the world's keys: {"actions": {"action"}}.
POSTS: dict[str, Post] = {
    "post an update": Post("lead", "/actions/{action}/update", {
        "proposed_rag": "red", "commentary": "Two posts filled", "base_version": "0"},
        {"updates"}, {"actions": {"action"}}),
    "upload evidence": Post("lead", "/actions/{action}/evidence", {"file": "pdf"}, {"evidence"}),
    "claim completion": Post("lead", "/actions/{action}/complete", {"note": "Delivered", "base_version": "1"},
                             rows={"actions": {"action"}}),
    "sign off": Post("director", "/actions/{awaiting}/sign-off", {"decision": "sign_off", "base_version": "1"},
                     rows={"actions": {"awaiting"}}),
    "reopen": Post("director", "/actions/{cancelled}/reopen", {"reason": "Needed after all", "base_version": "1"},
                   rows={"actions": {"cancelled"}}),
    "cancel": Post("director", "/actions/{action}/cancel", {"reason": "Not needed", "base_version": "1"},
                   rows={"actions": {"action"}}),
    "comment": Post("director", "/actions/{action}/comment", {"body": "Good progress"}, {"comments"}),
    "acknowledge": Post("director", "/escalations/{escalation}/acknowledge", {},
                        {"escalation_events"}, {"escalations": {"escalation"}}),
    "respond": Post("director", "/escalations/{escalation}/respond", {"respond-response": "Agency staff"},
                    {"escalation_events"}, {"escalations": {"escalation"}}),
    "revise": Post("director", "/escalations/{escalation}/revise", {
        "revise-revised_due_date": ["29", "1", "2027"], "revise-reason": "Recruitment"},
        {"escalation_events"}, {"escalations": {"escalation"}, "actions": {"action"}}),
    "refer": Post("director", "/escalations/{escalation}/refer", {"refer-note": "Board please"},
                  {"escalation_events", "escalations"}, {"escalations": {"escalation"}}),
    "resolve": Post("director", "/escalations/{escalation}/resolve", {"resolve-note": "Sorted"},
                    {"escalation_events"}, {"escalations": {"escalation"}}),
    "add a meeting": Post("secretary", "/plans/{plan}/board/meetings", {
        "meeting_date": ["1", "12", "2026"], "title": "December board"}, {"board_meetings"}),
    "queue an export": Post("viewer", "/plans/{plan}/exports", {"format": "csv"}, {"export_jobs"}),
    "enter a value": Post("officer", "/indicators/{indicator}/values", {"period": "2026-10", "value": "61"},
                          {"indicator_values"}),
    "import values": Post("officer", "/plans/{plan}/indicators/import", {"file": "values"}, {"indicator_values"}),
    "send reminders": Post("secretary", "/plans/{plan}/board/meetings/{meeting}/remind", {},
                           {"reminders", "notifications"}),
    "freeze the plan": Post("secretary", "/plans/{plan}/board/meetings/{meeting}/freeze", {}, {"snapshots",
                                                                                            "snapshot_pillar_statuses"}),
    "create a token": Post("viewer", "/profile/tokens", {"name": "Power BI"}, {"api_tokens"}),
    "revoke one's token": Post("viewer", "/profile/tokens/{viewer_token}/revoke", {}, rows={"api_tokens": {
        "viewer_token"}}),
    "reset the calendar": Post("viewer", "/profile/calendar", {}, {"calendar_feeds"}),
    "change one's password": Post("viewer", "/profile/password", {
        "current_password": factories.PASSWORD, "new_password": "lantern orchard pebble violin"},
        rows={"users": {"viewer"}}),
    "keep the session alive": Post("viewer", "/session/keep-alive", {}),
    "API: post an update": Post("lead", "/api/v1/actions/{action}/updates", {
        "proposed_rag": "red", "commentary": "By API", "expected_version": 0},
        {"updates"}, {"actions": {"action"}}, api=True),
    "API: upload evidence": Post("lead", "/api/v1/actions/{action}/evidence", {"file": "pdf"}, {"evidence"},
                                 api=True),
    "API: respond to an escalation": Post("director", "/api/v1/escalations/{escalation}/respond",
                                          {"text": "Agency staff"}, {"escalation_events"},
                                          {"escalations": {"escalation"}}, api=True),
}


def _allowed_rows(post: Post, w: dict) -> dict[str, set]:
    return {table: {getattr(w[key], "id", w[key]) for key in keys} for table, keys in post.rows.items()}


def _send(client, post: Post, w: dict, headers: dict):
    path = post.path.format(**{k: v for k, v in w.items() if isinstance(v, int)})
    data = {**_forged(w), **post.data}
    if "file" in post.data:
        data["file"] = FILES[post.data["file"]]()
    if post.api:
        if "file" in post.data:
            return client.post(path, data=data, headers=headers, content_type="multipart/form-data")
        return client.post(path, json=data, headers=headers)
    token = csrf_from(client.get("/accessibility").get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


@pytest.mark.parametrize("name", sorted(POSTS))
def test_a_forged_field_changes_nothing_the_user_may_not_set(app, client, forge_world, name):
    w = forge_world
    post = POSTS[name]
    actor = w[post.who]
    assert Auth(client).sign_in(actor.email).status_code == 302
    token, secret = create_token(actor, "forger")
    db.session.commit()
    before = _rows()

    response = _send(client, post, w, {"Authorization": f"Bearer {secret}"})

    assert response.status_code in (200, 201, 302), response.get_data(as_text=True)[:500]
    after = _rows()
    allowed = _allowed_rows(post, w)
    if post.api:  # the token's "last used" time
        allowed.setdefault("api_tokens", set()).add(token.id)
    assert _changes_outside(before, after, post.tables, allowed) == []
    _what_was_made_belongs_to_the_actor(before, after, actor, w)
    _the_actor_is_who_they_were(after, actor)


def _new(before: dict, after: dict, table: str) -> list[dict]:
    return [row for key, row in after[table].items() if key not in before[table]]


def _what_was_made_belongs_to_the_actor(before: dict, after: dict, actor: User, w: dict) -> None:
    for row in _new(before, after, "updates"):
        assert (row["action_id"], row["author_user_id"]) == (w["action"], actor.id)
    for row in _new(before, after, "comments"):
        assert (row["action_id"], row["author_user_id"]) == (w["action"], actor.id)
    for row in _new(before, after, "evidence"):
        assert (row["action_id"], row["uploaded_by_user_id"]) == (w["action"], actor.id)
    for row in _new(before, after, "export_jobs"):
        assert (row["plan_id"], row["requested_by_id"]) == (w["plan"], actor.id)
    for row in _new(before, after, "api_tokens"):
        assert row["user_id"] == actor.id
    for row in _new(before, after, "calendar_feeds"):
        assert row["user_id"] == actor.id
    for row in _new(before, after, "board_meetings"):
        assert row["plan_id"] == w["plan"]
    for row in _new(before, after, "indicator_values"):
        assert row["indicator_id"] == w["indicator"]
    for row in _new(before, after, "escalations"):  # a referral: the same action, one level up
        assert row["action_id"] == w["action"]
    for row in _new(before, after, "snapshots"):
        assert (row["plan_id"], row["board_meeting_id"], row["frozen_by_id"]) == (w["plan"], w["meeting"], actor.id)
    for row in _new(before, after, "escalation_events"):
        assert row["escalation_id"] in {w["escalation"], *(r["id"] for r in _new(before, after, "escalations"))}
    action_before, action_after = before["actions"][(w["action"],)], after["actions"][(w["action"],)]
    for column in ("plan_id", "pillar_id", "outcome_id", "reference", "title"):
        assert action_before[column] == action_after[column], column
    assert action_after["rag"] != "complete" and action_after["state"] != "complete"


def _the_actor_is_who_they_were(after: dict, actor: User) -> None:
    row = after["users"][(actor.id,)]
    assert (row["role"], row["active"], row["email"]) == (actor.role, True, actor.email)


def test_the_forged_posts_cover_every_form_a_non_administrator_may_use(app):
    """Each POST route open to a role other than administrators is in the table above, but signing out
    (it only ends the user's own sessions)."""
    from tests.views.test_access import ADMIN_ONLY, PUBLIC, WRITES

    open_to_others = {
        endpoint for endpoint, writes in WRITES.items()
        if any(write.allowed != PUBLIC and set(write.allowed) - ADMIN_ONLY for write in writes)
    }
    adapter = app.url_map.bind("localhost")
    covered = {adapter.match(post.path.format(action=1, awaiting=1, cancelled=1, escalation=1, plan=1, indicator=1,
                                              meeting=1, viewer_token=1), method="POST")[0]
               for post in POSTS.values()}
    assert open_to_others - covered == {"auth.sign_out"}


def test_administrators_may_set_what_the_forms_offer_them_and_nothing_else(app, client, forge_world):
    """Even an administrator's new-user form takes its role from the form's own field, and only that."""
    w = forge_world
    Auth(client).sign_in(w["admin"].email)
    before = _rows()
    token = csrf_from(client.get("/admin/users").get_data(as_text=True))
    response = client.post("/admin/users", data={
        **_forged(w), "name": "New Person", "email": "new@example.org", "role": "viewer",
        "password": "a long passphrase here", "csrf_token": token})
    assert response.status_code == 302
    after = _rows()
    assert _changes_outside(before, after, {"users"}, {}) == []
    [made] = _new(before, after, "users")
    assert (made["role"], made["active"]) == ("viewer", True)
    assert all(before["users"][key] == after["users"][key] for key in before["users"])

