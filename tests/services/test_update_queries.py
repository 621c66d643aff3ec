"""Reads behind My actions and the roll-ups: complete only when signed off, and no query per row."""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event

from app.evidence import services as evidence_services
from app.extensions import db
from app.models import Action
from app.plans.queries import plan_overview
from app.updates import queries, services
from tests import factories, samples, updates_world

TODAY = date(2026, 11, 23)


@pytest.fixture
def world(app, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    return updates_world.build()


@contextmanager
def counting_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_only_a_signed_off_action_counts_as_complete_in_the_plan_roll_up(world):
    evidence_services.upload_evidence(world.action, world.lead, io.BytesIO(samples.PDF), "audit.pdf")
    services.claim_completion(world.action, world.lead, "Done", expected_version=None)
    db.session.commit()
    plan = world.action.plan
    assert "complete" not in plan_overview(plan, TODAY).status.reason
    services.sign_off(world.action, world.director, expected_version=None)
    db.session.commit()
    assert plan_overview(plan, TODAY).status.reason == "1 complete"


def test_my_actions_costs_the_same_few_queries_for_one_action_or_twenty(world):
    user = world.lead
    db.session.expire_all()
    with counting_queries() as one:
        assert len(queries.my_actions(user, TODAY)) == 1
    action = db.session.get(Action, world.action_id)
    for n in range(19):
        factories.action(action.outcome, f"1.1.{n + 10}", due=date(2027, 1, n + 1), leads=[user.person])
    services.post_update(action, user, services.UpdateInput("green", "On track"), expected_version=0, today=TODAY)
    db.session.commit()
    db.session.expire_all()
    with counting_queries() as twenty:
        rows = queries.my_actions(user, TODAY)
    assert len(rows) == 20
    assert len(twenty) == len(one)
    assert [row.update_owed for row in rows].count(False) == 1
