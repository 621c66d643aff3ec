"""Requirements with coverage, indicators with status and trend, escalations (seen and decided by
the right people only) and evidence lists, through the API."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.api.tokens import create_token
from app.domain.roles import Role
from app.extensions import db
from app.models import Escalation, Requirement
from tests import factories, indicator_factories


def _headers(user) -> dict:
    _, secret = create_token(user, "script")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def world(app):
    app.config["FIXED_TODAY"] = "2026-11-20"
    director_user = factories.user(Role.DIRECTOR)
    director = factories.person("Director of Children's Services", user=director_user)
    lead_user = factories.user(Role.DELIVERY_LEAD)
    lead = factories.person("Lynn Chesterton", user=lead_user)
    plan = factories.plan()
    pillar = factories.pillar(plan, number=1, leads=[director])
    outcome = factories.outcome(pillar, "1.1")
    action = factories.action(outcome, "1.1.1", due=date(2026, 11, 2), leads=[lead])
    answered = Requirement(plan_id=plan.id, kind="improvement_notice", number="IN 1", text="Answer referrals")
    unanswered = Requirement(plan_id=plan.id, kind="improvement_notice", number="IN 2", text="Audit cases")
    db.session.add_all([answered, unanswered])
    action.requirements.append(answered)
    indicator_factories.indicator(plan, targets=[(60, date(2027, 3, 31))], values={"2026-09": 58, "2026-10": 61})
    escalation = Escalation(plan_id=plan.id, action_id=action.id, level=2, trigger="overdue",
                            cycle_due_date=date(2026, 11, 2), raised_on=date(2026, 11, 9))
    db.session.add(escalation)
    db.session.commit()
    return {"plan": plan.id, "action": action.id, "escalation": escalation.id, "accountable_director": director_user,
            "the_lead": lead_user}


def test_requirements_show_which_are_answered_by_an_action(client, world):
    headers = _headers(factories.user(Role.VIEWER))
    items = client.get(f"/api/v1/plans/{world['plan']}/requirements", headers=headers).json["items"]
    assert [(r["number"], r["covered"], r["action_ids"]) for r in items] == [
        ("IN 1", True, [world["action"]]), ("IN 2", False, []),
    ]


def test_indicators_come_with_each_periods_value_status_and_trend(client, world):
    headers = _headers(factories.user(Role.VIEWER))
    [indicator] = client.get(f"/api/v1/plans/{world['plan']}/indicators", headers=headers).json["items"]
    assert indicator["code"] == "NI 59"
    by_period = {v["period"]: v for v in indicator["values"]}
    assert by_period["2026-10-01"]["value"] == 61
    assert by_period["2026-10-01"]["status"] == "ok"
    assert by_period["2026-10-01"]["trend"] == "improving"
    assert by_period["2026-09-01"]["status"] == "warning"


@pytest.mark.parametrize(("who", "sees"), [
    ("accountable_director", True), ("the_lead", True), (Role.BOARD_SECRETARY, True), (Role.ADMINISTRATOR, True),
    (Role.VIEWER, False), (Role.PERFORMANCE_OFFICER, False), (Role.DIRECTOR, False), (Role.DELIVERY_LEAD, False),
])
def test_escalations_are_listed_only_to_those_who_may_see_them(client, world, who, sees):
    user = factories.user(who) if isinstance(who, Role) else world[who]
    items = client.get(f"/api/v1/plans/{world['plan']}/escalations", headers=_headers(user)).json["items"]
    assert [e["id"] for e in items] == ([world["escalation"]] if sees else [])


def test_the_accountable_director_acknowledges_an_escalation(client, world):
    response = client.post(f"/api/v1/escalations/{world['escalation']}/acknowledge",
                           headers=_headers(world["accountable_director"]))
    assert response.status_code == 201
    assert response.json["state"] == "acknowledged"
    again = client.post(f"/api/v1/escalations/{world['escalation']}/acknowledge", headers=_headers(world["accountable_director"]))
    assert again.status_code == 422
    assert again.json["code"] == "validation_failed"


def test_the_accountable_director_agrees_a_revised_date_with_a_reason(client, world):
    url = f"/api/v1/escalations/{world['escalation']}/revise"
    headers = _headers(world["accountable_director"])
    missing = client.post(url, json={"revised_due_date": "2027-01-15"}, headers=headers)
    assert missing.status_code == 422 and missing.json["fields"]
    agreed = client.post(url, json={"revised_due_date": "2027-01-15", "text": "Staff recruited in December"},
                         headers=headers)
    assert agreed.status_code == 201
    assert agreed.json["revised_due_date"] == "2027-01-15"


def test_an_unknown_decision_is_answered_404(client, world):
    response = client.post(f"/api/v1/escalations/{world['escalation']}/forget", json={},
                           headers=_headers(world["accountable_director"]))
    assert response.status_code == 404


@pytest.mark.parametrize(("who", "status"), [
    (Role.DIRECTOR, 403), ("the_lead", 403), (Role.VIEWER, 403), (Role.BOARD_SECRETARY, 403),
])
def test_others_cannot_acknowledge_an_escalation_and_nothing_changes(client, world, who, status):
    user = factories.user(who) if isinstance(who, Role) else world[who]
    response = client.post(f"/api/v1/escalations/{world['escalation']}/acknowledge", headers=_headers(user))
    assert response.status_code == status
    assert response.json["status"] == status
    db.session.expire_all()
    assert db.session.scalar(select(Escalation.acknowledged_at)) is None


def test_evidence_is_listed_for_an_action(client, world, app, tmp_path):
    import io

    from app.evidence.services import upload_evidence
    from app.models import Action
    from tests.samples import PDF

    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    action = db.session.get(Action, world["action"])
    upload_evidence(action, world["the_lead"], io.BytesIO(PDF), "audit.pdf")
    db.session.commit()
    items = client.get(f"/api/v1/actions/{world['action']}/evidence",
                       headers=_headers(factories.user(Role.VIEWER))).json["items"]
    assert [(e["original_name"], e["content_type"]) for e in items] == [("audit.pdf", "application/pdf")]


def _upload(client, world, user, data: bytes, name: str = "audit.pdf"):
    import io

    return client.post(f"/api/v1/actions/{world['action']}/evidence", headers=_headers(user),
                       data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


@pytest.fixture
def evidence_dir(app, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")


def _evidence_count() -> int:
    from sqlalchemy import func

    from app.models import Evidence

    return db.session.scalar(select(func.count()).select_from(Evidence))


def test_a_delivery_lead_uploads_evidence_through_the_api(client, world, evidence_dir):
    from tests.samples import PDF

    response = _upload(client, world, world["the_lead"], PDF)
    assert response.status_code == 201
    assert response.json["original_name"] == "audit.pdf"
    assert _evidence_count() == 1


@pytest.mark.parametrize("role", [Role.VIEWER, Role.DIRECTOR, Role.DELIVERY_LEAD])
def test_others_cannot_upload_evidence_and_nothing_is_kept(client, world, evidence_dir, role):
    from tests.samples import PDF

    response = _upload(client, world, factories.user(role), PDF)
    assert response.status_code == 403
    assert _evidence_count() == 0


def test_a_file_of_a_kind_not_accepted_is_answered_422(client, world, evidence_dir):
    response = _upload(client, world, world["the_lead"], b"MZ\x90\x00 not evidence", "tool.exe")
    assert response.status_code == 422
    assert "file" in response.json["fields"]
    assert _evidence_count() == 0


def test_a_file_over_the_limit_is_answered_413_in_json(app, client, world, evidence_dir):
    from tests.samples import PDF

    app.config["EVIDENCE_MAX_BYTES"] = 100
    response = _upload(client, world, world["the_lead"], PDF + b"\0" * 200)
    assert response.status_code == 413
    assert response.json["code"] == "too_large"
    assert _evidence_count() == 0
