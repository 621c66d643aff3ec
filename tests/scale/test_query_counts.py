"""Every main page sends the same number of SQL statements for a small and a larger plan.

Two plans are generated into one database, of 20 and of 120 actions, each with
its own accounts; each page is requested once to warm caches, then once more
while a listener counts the statements the request sends.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

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


# --- The paginated pages, their later pages and both ways of reading statuses -------------

PAGE_SIZE = 2


def _paged(app, size: int, seed: int, stored: bool) -> dict[str, int]:
    """Statements per request of each paginated page, its second page and its filters, with
    two rows a page so both sizes have a page 2; statuses read from the stored roll-up
    (``stored``) or counted live (a change pending)."""
    from datetime import date

    from app.domain.lifecycle import CLOSED_STATES
    from app.models import Person, User, action_leads
    from app.plans.status import recalculate, request_plan_recalculation

    made = generate(plans=1, actions=size, seed=seed, password=PASSWORD, accounts_per_role=10,
                    today=date.fromisoformat(TODAY))
    db.session.commit()
    plan_id = made.plan_ids[0]
    recalculate(date.fromisoformat(TODAY), [plan_id])
    if not stored:
        request_plan_recalculation([plan_id])
    db.session.commit()
    # The delivery lead with the most open actions, so that My actions has a page 2.
    lead = db.session.scalar(
        select(User.email).join(Person, Person.user_id == User.id)
        .join(action_leads, action_leads.c.person_id == Person.id).join(Action, Action.id == action_leads.c.action_id)
        .where(User.role == "delivery_lead", Action.state.not_in([s.value for s in CLOSED_STATES]))
        .group_by(User.email).order_by(func.count().desc(), User.email).limit(1)
    )
    db.session.remove()
    for name in ("PILLAR_ACTIONS_PER_PAGE", "MY_ACTIONS_PER_PAGE", "ESCALATIONS_PER_PAGE", "PEOPLE_PER_PAGE",
                 "CHANGES_PER_PAGE", "DIRECTOR_HOME_ESCALATIONS"):
        app.config[name] = PAGE_SIZE
    by_account = {
        made.accounts["administrator"][0]: {
            "plan overview": f"/plans/{plan_id}",
            "dashboard": f"/plans/{plan_id}/dashboard",
            "changes since the last board": f"/plans/{plan_id}/dashboard/changes",
            "pillar page": f"/plans/{plan_id}/pillars/1",
            "pillar page 2": f"/plans/{plan_id}/pillars/1?page=2",
            "pillar page, one outcome": f"/plans/{plan_id}/pillars/1?outcome=1.1",
            "people": f"/plans/{plan_id}/people",
            "people page 2": f"/plans/{plan_id}/people?page=2",
            "inbox (every pillar)": "/escalations/inbox",
            "inbox page 2 (every pillar)": "/escalations/inbox?page=2",
        },
        lead: {
            "my actions": "/my-actions",
            "my actions page 2": "/my-actions?page=2",
            "my overdue actions": "/my-actions?overdue=yes",
        },
        made.accounts["director"][0]: {"director home": "/director", "inbox": "/escalations/inbox"},
    }
    counts: dict[str, int] = {}
    for email, pages in by_account.items():
        client = app.test_client()
        assert Auth(client).sign_in(email, PASSWORD).status_code == 302
        for page, url in pages.items():
            assert client.get(url).status_code == 200, url
            with counting() as statements:
                response = client.get(url)
            assert response.status_code == 200, url
            counts[page] = len(statements)
    return counts


@pytest.mark.parametrize("stored", [True, False], ids=["stored roll-up", "counted live"])
def test_the_paginated_pages_send_as_many_statements_for_120_actions_as_for_20_on_any_page(fixed_today, stored):
    small = _paged(fixed_today, 20, seed=1, stored=stored)
    large = _paged(fixed_today, 120, seed=2, stored=stored)
    assert large == small
