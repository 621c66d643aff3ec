"""Every main page sends the same number of SQL statements for a small and a larger plan.

Two plans are generated into one database, of 20 and of 120 actions, each with
its own accounts; each page is requested once to warm caches, then once more
while a listener counts the statements the request sends.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from app.demo.generate import generate
from app.extensions import db
from app.models import Action
from app.models.escalations import Escalation
from tests.conftest import Auth

PASSWORD = "correct horse battery staple"
TODAY = "2026-11-23"


@contextmanager
def counting():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _pages(app, size: int, seed: int) -> dict[str, int]:
    made = generate(plans=1, actions=size, seed=seed, password=PASSWORD, accounts_per_role=10)
    db.session.commit()
    plan_id = made.plan_ids[0]
    action_id = db.session.scalars(
        select(Action.id).join(Escalation, Escalation.action_id == Action.id)
        .where(Action.plan_id == plan_id).order_by(Action.id).limit(1)
    ).one()
    db.session.remove()
    by_role = {
        "administrator": {
            "plan overview": f"/plans/{plan_id}",
            "pillar page": f"/plans/{plan_id}/pillars/1",
            "overdue actions": f"/plans/{plan_id}/actions?overdue=1",
            "action page": f"/actions/{action_id}",
            "indicators": f"/plans/{plan_id}/indicators",
            "board meetings": f"/plans/{plan_id}/board",
        },
        "delivery_lead": {"my actions": "/my-actions"},
        "director": {"escalation inbox": "/escalations/inbox"},
    }
    counts: dict[str, int] = {}
    for role, pages in by_role.items():
        client = app.test_client()
        signed_in = Auth(client).sign_in(made.accounts[role][0], PASSWORD)
        assert signed_in.status_code == 302
        for page, url in pages.items():
            assert client.get(url).status_code == 200, url
            with counting() as statements:
                response = client.get(url)
            assert response.status_code == 200, url
            counts[page] = len(statements)
    return counts


@pytest.fixture
def fixed_today(app):
    app.config["FIXED_TODAY"] = TODAY
    return app


def test_each_main_page_sends_as_many_statements_for_120_actions_as_for_20(fixed_today):
    small = _pages(fixed_today, 20, seed=1)
    large = _pages(fixed_today, 120, seed=2)
    assert large == small
