"""API pages of actions: keyset cursors in the documented order (due date, undated last, position, id)."""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest

from app.api.tokens import create_token
from app.domain.roles import Role
from app.extensions import db
from app.models import Outcome
from tests import factories

DUE = date(2026, 11, 2)


@pytest.fixture
def ordered_world(app):
    """Actions created out of order, with ties on due date and on position, and two without a date."""
    app.config["FIXED_TODAY"] = "2026-11-20"
    plan = factories.plan()
    outcome = factories.outcome(factories.pillar(plan, number=1), "1.1")
    made = [
        factories.action(outcome, "1.1.1", due=None, position=1),
        factories.action(outcome, "1.1.2", due=date(2026, 12, 1), position=5),
        factories.action(outcome, "1.1.3", due=DUE, position=3),
        factories.action(outcome, "1.1.4", due=DUE, position=1),
        factories.action(outcome, "1.1.5", due=DUE, position=3),
        factories.action(outcome, "1.1.6", due=None, position=0),
        factories.action(outcome, "1.1.7", due=date(2026, 10, 1), position=9),
        factories.action(outcome, "1.1.8", due=DUE, position=1, state="complete", rag="complete"),
    ]
    _, secret = create_token(factories.user(Role.VIEWER), "script")
    db.session.commit()
    return {"plan": plan.id, "outcome": outcome.id, "ids": {a.reference: a.id for a in made},
            "headers": {"Authorization": f"Bearer {secret}"}}


def _walk(client, world, query: str) -> tuple[list[str], int]:
    url = f"/api/v1/plans/{world['plan']}/actions?{query}"
    seen, pages = [], 0
    while url:
        response = client.get(url, headers=world["headers"])
        assert response.status_code == 200, response.json
        seen += [item["reference"] for item in response.json["items"]]
        url, pages = response.json["next"], pages + 1
    return seen, pages


# Due date first; on the same date, position; on the same position, id (creation order here).
DOCUMENTED_ORDER = ["1.1.7", "1.1.4", "1.1.8", "1.1.3", "1.1.5", "1.1.2", "1.1.6", "1.1.1"]


@pytest.mark.parametrize("limit", [1, 2, 3, 50])
def test_pages_of_any_size_give_every_action_once_in_the_documented_order(client, ordered_world, limit):
    seen, pages = _walk(client, ordered_world, f"limit={limit}")

    assert seen == DOCUMENTED_ORDER
    assert pages == -(-len(DOCUMENTED_ORDER) // limit)


@pytest.mark.parametrize("limit", [1, 2])
def test_pages_of_overdue_actions_keep_the_documented_order_and_leave_out_the_rest(client, ordered_world, limit):
    seen, _pages = _walk(client, ordered_world, f"overdue=yes&limit={limit}")

    assert seen == ["1.1.7", "1.1.4", "1.1.3", "1.1.5"]


def test_pages_filtered_by_due_date_keep_the_documented_order(client, ordered_world):
    seen, pages = _walk(client, ordered_world, "due_after=2026-11-01&limit=1")

    assert seen == ["1.1.4", "1.1.8", "1.1.3", "1.1.5", "1.1.2"]
    assert pages == 5


def test_an_action_added_behind_the_cursor_does_not_shift_the_next_page(client, ordered_world):
    first = client.get(f"/api/v1/plans/{ordered_world['plan']}/actions?limit=3",
                       headers=ordered_world["headers"]).json
    factories.action(db.session.get(Outcome, ordered_world["outcome"]), "1.1.9", due=date(2026, 9, 1), position=0)
    db.session.commit()

    second = client.get(first["next"], headers=ordered_world["headers"]).json

    assert [item["reference"] for item in first["items"]] == DOCUMENTED_ORDER[:3]
    assert [item["reference"] for item in second["items"]] == DOCUMENTED_ORDER[3:6]


def _encoded(after) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode().rstrip("=")


@pytest.mark.parametrize("after", [
    5,  # a cursor of the old shape, by id alone
    ["2026-11-02", 1],
    ["2 November", 1, 5],
    [None, "1", 5],
    [None, 1, True],
])
def test_a_cursor_of_another_shape_is_refused_naming_the_cursor(client, ordered_world, after):
    response = client.get(f"/api/v1/plans/{ordered_world['plan']}/actions?cursor={_encoded(after)}",
                          headers=ordered_world["headers"])

    assert response.status_code == 400
    assert response.json["fields"] == {"cursor": "cursor is not one this API gave out: start again without it"}
