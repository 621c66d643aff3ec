"""The data feeds read their rows a batch at a time from a streamed cursor, not all before the first byte."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy import event

from app.api import feeds
from app.api.tokens import create_token
from app.domain.roles import Role
from app.extensions import db
from app.models import Update
from tests import factories

TODAY = date(2026, 11, 20)


@pytest.fixture
def seven_actions(app):
    app.config["FIXED_TODAY"] = TODAY.isoformat()
    garratt, chesterton, moss = factories.person("Ann Garratt"), factories.person("Lynn Chesterton"), factories.person(
        "Pat Moss")
    plan = factories.plan()
    outcome = factories.outcome(factories.pillar(plan, number=1), "1.1")
    leads = [[garratt], [chesterton, garratt], [], [moss], [moss, chesterton, garratt], [chesterton], [garratt]]
    made = [factories.action(outcome, f"1.1.{n + 1}", due=date(2026, 11, n + 1), leads=people)
            for n, people in enumerate(leads)]
    for action in made:
        db.session.add(Update(action_id=action.id, period=date(2026, 10, 1), proposed_rag="green",
                              effective_rag="green", commentary=f"Update for {action.reference}"))
    _, secret = create_token(factories.user(Role.VIEWER), "feed")
    db.session.commit()
    return {"headers": {"Authorization": f"Bearer {secret}"}}


class Statements:
    def __init__(self):
        self.count = 0

    def __call__(self, *_args) -> None:
        self.count += 1


@pytest.fixture
def statements(app):
    counter = Statements()
    event.listen(db.engine, "before_cursor_execute", counter)
    yield counter
    event.remove(db.engine, "before_cursor_execute", counter)


def test_the_actions_table_sends_no_query_until_read_and_then_one_for_the_actions_and_one_per_batch_of_leads(
    seven_actions, statements
):
    columns, rows = feeds.TABLES["actions"](TODAY, None, batch_size=3)
    assert statements.count == 0

    first = next(rows)
    assert statements.count == 2
    read = [first, *rows]

    assert statements.count == 1 + 3  # the actions, and the leads of 3 + 3 + 1 actions
    by_reference = {row[columns.index("reference")]: row[columns.index("delivery_leads")] for row in read}
    assert by_reference == {
        "1.1.1": "Ann Garratt", "1.1.2": "Ann Garratt; Lynn Chesterton", "1.1.3": "", "1.1.4": "Pat Moss",
        "1.1.5": "Ann Garratt; Lynn Chesterton; Pat Moss", "1.1.6": "Lynn Chesterton", "1.1.7": "Ann Garratt",
    }


def test_the_updates_table_is_read_lazily_and_gives_every_row_across_batches(seven_actions, statements):
    columns, rows = feeds.TABLES["updates"](TODAY, None, batch_size=2)
    assert statements.count == 0

    read = list(rows)

    assert statements.count == 1
    assert [row[columns.index("action_reference")] for row in read] == [f"1.1.{n}" for n in range(1, 8)]


def test_more_rows_than_one_chunk_stream_as_one_valid_json_array_and_one_csv(client, seven_actions):
    big = [(n, f"row {n}") for n in range(feeds.CHUNK * 2 + 3)]

    pieces = list(feeds.json_chunks(["id", "name"], iter(big)))
    lines = list(csv.reader(io.StringIO("".join(feeds.csv_chunks(["id", "name"], iter(big))).lstrip("\ufeff"))))

    assert len(pieces) == 4  # the opening bracket, two full chunks, the rest with the closing bracket
    assert json.loads("".join(pieces)) == [{"id": n, "name": name} for n, name in big]
    assert lines[1:] == [[str(n), name] for n, name in big]
    assert json.loads("".join(feeds.json_chunks(["id"], iter([])))) == []
