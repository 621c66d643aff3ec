"""The JSON API: tokens, each role, filters and pages, the error shapes and stale versions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.api.tokens import create_token, revoke_token
from app.domain.roles import Role
from app.extensions import db
from app.models import Update
from tests import factories


def _token(role: Role = Role.VIEWER, user=None) -> tuple[object, dict]:
    user = user or factories.user(role)
    _, secret = create_token(user, "script")
    db.session.commit()
    return user, {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def plan_world(app):
    app.config["FIXED_TODAY"] = "2026-11-20"
    lead_user = factories.user(Role.DELIVERY_LEAD)
    lead = factories.person("Lynn Chesterton", user=lead_user)
    other_lead_user = factories.user(Role.DELIVERY_LEAD)
    factories.person("Ann Garratt", user=other_lead_user)
    plan = factories.plan()
    first = factories.pillar(plan, number=1)
    second = factories.pillar(plan, number=2)
    outcome1, outcome2 = factories.outcome(first, "1.1"), factories.outcome(second, "2.1")
    actions = [
        factories.action(outcome1, "1.1.1", due=date(2026, 11, 2), rag="green", leads=[lead]),  # overdue
        factories.action(outcome1, "1.1.2", due=date(2026, 12, 15), rag="amber", leads=[lead]),
        factories.action(outcome1, "1.1.3", due=date(2027, 1, 31), rag="green"),
        factories.action(outcome2, "2.1.1", due=date(2027, 3, 1), rag="green", state="not_started"),
        factories.action(outcome2, "2.1.2", due=None, rag="not_started", state="not_started"),
    ]
    db.session.commit()
    return {"plan": plan.id, "actions": [a.id for a in actions], "lead_user": lead_user, "lead": lead.id,
            "other_lead_user": other_lead_user}


def test_a_request_without_a_token_is_answered_401_in_json_not_sent_to_sign_in(client, plan_world):
    response = client.get(f"/api/v1/plans/{plan_world['plan']}")
    assert response.status_code == 401
    assert response.json == {"status": 401, "code": "unauthorised",
                             "message": "Send a valid token: Authorization: Bearer <token>"}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_browser_session_does_not_open_the_api(client, auth, plan_world):
    auth.sign_in(plan_world["lead_user"].email)
    assert client.get("/api/v1/plans").status_code == 401


def test_an_api_answer_hands_out_no_session_cookie(client, plan_world):
    _, headers = _token()
    response = client.get("/api/v1/plans", headers=headers)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("header", ["Bearer pillar_not-a-real-token", "Basic dXNlcjpwYXNz", "pillar_xyz"])
def test_a_wrong_token_or_scheme_is_refused(client, plan_world, header):
    assert client.get("/api/v1/plans", headers={"Authorization": header}).status_code == 401


def test_a_revoked_token_stops_working(client, plan_world):
    user = factories.user(Role.VIEWER)
    token, secret = create_token(user, "old report")
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/plans", headers=headers).status_code == 200
    revoke_token(token)
    db.session.commit()
    assert client.get("/api/v1/plans", headers=headers).status_code == 401


def test_a_deactivated_users_token_stops_working(client, plan_world):
    user, headers = _token(Role.ADMINISTRATOR)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/plans", headers=headers).status_code == 401


def test_only_a_hash_of_the_token_is_stored(app):
    user = factories.user(Role.VIEWER)
    token, secret = create_token(user, "script")
    assert secret not in (token.token_hash, token.prefix)
    assert secret.startswith(token.prefix)


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_every_role_reads_plans_pillars_people_and_actions_with_a_token(client, plan_world, role):
    _, headers = _token(role)
    plan_id = plan_world["plan"]
    for path in ("/api/v1/plans", f"/api/v1/plans/{plan_id}", f"/api/v1/plans/{plan_id}/pillars",
                 f"/api/v1/plans/{plan_id}/outcomes",
                 f"/api/v1/plans/{plan_id}/people", f"/api/v1/plans/{plan_id}/actions",
                 f"/api/v1/actions/{plan_world['actions'][0]}", f"/api/v1/actions/{plan_world['actions'][0]}/updates",
                 "/api/v1/feeds/actions.json"):
        response = client.get(path, headers=headers, buffered=True)
        assert response.status_code == 200, path


def test_an_action_shows_its_effective_rag_red_when_overdue(client, plan_world):
    _, headers = _token()
    body = client.get(f"/api/v1/actions/{plan_world['actions'][0]}", headers=headers).json
    assert body["reference"] == "1.1.1"
    assert (body["proposed_rag"], body["effective_rag"], body["overdue"]) == ("green", "red", True)
    assert body["due_date"] == "2026-11-02"
    assert body["delivery_lead_ids"] == [plan_world["lead"]]


def test_outcomes_are_listed_by_pillar(client, plan_world):
    _, headers = _token()
    items = client.get(f"/api/v1/plans/{plan_world['plan']}/outcomes", headers=headers).json["items"]
    assert [o["reference"] for o in items] == ["1.1", "2.1"]


def _references(client, headers, query: str) -> list[str]:
    response = client.get(f"/api/v1/plans/{{plan}}/actions?{query}".replace("{plan}", str(_references.plan)),
                          headers=headers)
    assert response.status_code == 200, response.json
    return [item["reference"] for item in response.json["items"]]


@pytest.mark.parametrize(("query", "expected"), [
    ("pillar=2", ["2.1.1", "2.1.2"]),
    ("rag=red", ["1.1.1"]),
    ("overdue=yes", ["1.1.1"]),
    ("state=not_started", ["2.1.1", "2.1.2"]),
    ("due_before=2026-12-31", ["1.1.1", "1.1.2"]),
    ("due_after=2027-01-31", ["1.1.3", "2.1.1"]),
    ("due_after=2026-12-01&due_before=2027-02-01", ["1.1.2", "1.1.3"]),
])
def test_actions_are_filtered_by_pillar_rag_state_overdue_and_due_dates(client, plan_world, query, expected):
    _, headers = _token()
    _references.plan = plan_world["plan"]
    assert _references(client, headers, query) == expected


def test_actions_are_filtered_by_lead(client, plan_world):
    _, headers = _token()
    _references.plan = plan_world["plan"]
    assert _references(client, headers, f"lead={plan_world['lead']}") == ["1.1.1", "1.1.2"]


def test_cursor_pages_walk_every_action_once_and_the_last_page_has_no_next(client, plan_world):
    _, headers = _token()
    url = f"/api/v1/plans/{plan_world['plan']}/actions?limit=2"
    seen, pages = [], 0
    while url:
        body = client.get(url, headers=headers).json
        assert len(body["items"]) <= 2
        seen += [item["id"] for item in body["items"]]
        url, pages = body["next"], pages + 1
    assert sorted(seen) == sorted(plan_world["actions"])
    assert len(seen) == len(set(seen))
    assert pages == 3


def test_the_next_link_keeps_the_filters(client, plan_world):
    _, headers = _token()
    body = client.get(f"/api/v1/plans/{plan_world['plan']}/actions?limit=1&pillar=1", headers=headers).json
    assert "pillar=1" in body["next"]
    second = client.get(body["next"], headers=headers).json
    assert [item["reference"] for item in second["items"]] == ["1.1.2"]


@pytest.mark.parametrize(("query", "field"), [
    ("limit=0", "limit"), ("limit=201", "limit"), ("limit=ten", "limit"), ("cursor=not-ours", "cursor"),
    ("due_before=31/12/2026", "due_before"), ("rag=purple", "rag"), ("pillar=one", "pillar"), ("state=asleep", "state"),
])
def test_a_bad_parameter_is_answered_400_naming_the_field(client, plan_world, query, field):
    _, headers = _token()
    response = client.get(f"/api/v1/plans/{plan_world['plan']}/actions?{query}", headers=headers)
    assert response.status_code == 400
    assert response.json["code"] == "bad_parameter"
    assert field in response.json["fields"]


@pytest.mark.parametrize("path", ["/api/v1/plans/999999", "/api/v1/actions/999999", "/api/v1/plans/999999/actions",
                                  "/api/v1/feeds/nothing.csv", "/api/v1/no-such-thing"])
def test_something_missing_is_answered_404_in_json(client, plan_world, path):
    _, headers = _token()
    response = client.get(path, headers=headers)
    assert response.status_code == 404
    assert response.json["status"] == 404 and response.json["code"] and response.json["message"]


def _post(client, headers, action_id, **fields):
    body = {"proposed_rag": "amber", "commentary": "Audit half done", "expected_version": 0, **fields}
    return client.post(f"/api/v1/actions/{action_id}/updates", json=body, headers=headers)


def _count_updates() -> int:
    return db.session.scalar(select(func.count()).select_from(Update))


def test_a_delivery_lead_posts_an_update_on_their_action(client, plan_world):
    _, headers = _token(user=plan_world["lead_user"])
    action_id = plan_world["actions"][1]
    response = _post(client, headers, action_id, risks="Staff sickness")
    assert response.status_code == 201
    assert response.json["commentary"] == "Audit half done"
    assert response.json["version"] == 1
    listed = client.get(f"/api/v1/actions/{action_id}/updates", headers=headers).json["items"]
    assert [(u["proposed_rag"], u["risks"]) for u in listed] == [("amber", "Staff sickness")]
    assert client.get(f"/api/v1/actions/{action_id}", headers=headers).json["proposed_rag"] == "amber"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.DIRECTOR, Role.BOARD_SECRETARY, Role.PERFORMANCE_OFFICER])
def test_roles_that_do_not_post_updates_are_refused_and_nothing_changes(client, plan_world, role):
    _, headers = _token(role)
    response = _post(client, headers, plan_world["actions"][1])
    assert response.status_code == 403
    assert response.json["code"]
    assert _count_updates() == 0


def test_a_delivery_lead_of_another_action_is_refused_and_nothing_changes(client, plan_world):
    _, headers = _token(user=plan_world["other_lead_user"])
    response = _post(client, headers, plan_world["actions"][1])
    assert response.status_code == 403
    assert _count_updates() == 0


def test_an_invalid_update_is_answered_422_with_every_field_error(client, plan_world):
    _, headers = _token(user=plan_world["lead_user"])
    response = _post(client, headers, plan_world["actions"][1], proposed_rag="purple", commentary="  ")
    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"
    assert set(response.json["fields"]) == {"proposed_rag", "commentary"}
    assert _count_updates() == 0


def test_a_body_of_the_wrong_shape_is_answered_422_or_400(client, plan_world):
    _, headers = _token(user=plan_world["lead_user"])
    url = f"/api/v1/actions/{plan_world['actions'][1]}/updates"
    missing = client.post(url, json={"proposed_rag": "green"}, headers=headers)
    assert missing.status_code == 422 and "commentary" in missing.json["fields"]
    not_json = client.post(url, data="proposed_rag=green", headers=headers)
    assert not_json.status_code == 400 and not_json.json["code"] == "bad_request"


def test_an_update_based_on_a_stale_version_is_answered_409_and_the_first_is_kept(client, plan_world):
    _, headers = _token(user=plan_world["lead_user"])
    action_id = plan_world["actions"][1]
    assert _post(client, headers, action_id, commentary="First").status_code == 201
    stale = _post(client, headers, action_id, commentary="Second, from an old copy", expected_version=0)
    assert stale.status_code == 409
    assert stale.json["code"] == "conflict"
    db.session.expire_all()
    assert db.session.scalar(select(Update.commentary)) == "First"
    revised = _post(client, headers, action_id, commentary="Revised", expected_version=1)
    assert revised.status_code == 201 and revised.json["version"] == 2


def test_a_token_that_uses_up_its_limit_is_answered_429_with_retry_after(app, client, plan_world):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    _, headers = _token()
    assert [client.get("/api/v1/plans", headers=headers).status_code for _ in range(3)] == [200, 200, 429]
    refused = client.get("/api/v1/plans", headers=headers)
    assert refused.json["code"] == "too_many_requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    _, fresh = _token()
    assert client.get("/api/v1/plans", headers=fresh).status_code == 200


def test_the_token_records_when_it_was_last_used(client, plan_world):
    from app.models import ApiToken

    _, headers = _token()
    client.get("/api/v1/plans", headers=headers)
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at)) is not None
