"""Tasks go through the outbox: a save succeeds while the broker is down, and its
tasks reach a real Redis exactly once when the broker is back."""

from __future__ import annotations

import contextlib
import json
import socket
import threading

import pytest
import redis
from celery import Celery
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMessage, Plan
from app.outbox import flush_pending
from app.tasks import enqueue

TASK = "workers.plans.recalculate_for_actions"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _broker(app, url: str):
    """Point the app's sends at ``url`` for a while, as a restarted broker or a changed URL would."""
    saved = app.extensions["celery"]
    client = Celery("outbox-tests", broker=url, set_as_current=False)
    client.conf.task_publish_retry = False
    client.conf.broker_connection_timeout = 1
    client.conf.broker_connection_retry = False
    app.extensions["celery"] = client
    try:
        yield client
    finally:
        app.extensions["celery"] = saved
        client.close()


@pytest.fixture
def live_redis(redis_url):
    url = redis_url.rsplit("/", 1)[0] + "/15"
    connection = redis.Redis.from_url(url)
    connection.flushdb()
    yield url, connection
    connection.flushdb()
    connection.close()


def _queued(connection) -> list[dict]:
    """Each message waiting on Redis's default Celery queue, as the worker would read it."""
    return [json.loads(raw) for raw in connection.lrange("celery", 0, -1)]


def _pending() -> int:
    count = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
    db.session.rollback()
    return count


def test_a_save_succeeds_while_the_broker_is_down_and_its_task_is_sent_exactly_once_when_it_returns(app, live_redis):
    url, connection = live_redis
    with _broker(app, f"redis://127.0.0.1:{_closed_port()}/0"):
        db.session.add(Plan(title="Saved while Redis is down"))
        enqueue(app, TASK, [7])
        db.session.commit()

    assert db.session.scalar(select(Plan.title)) == "Saved while Redis is down"
    message = db.session.scalars(select(OutboxMessage)).one()
    assert (message.task_name, message.args, message.sent_at, message.attempts) == (TASK, [[7]], None, 1)
    assert message.last_error

    with _broker(app, url):
        assert flush_pending() == (1, 0)
        assert flush_pending() == (0, 0)
    queued = _queued(connection)
    assert [entry["headers"]["task"] for entry in queued] == [TASK]
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).sent_at is not None


def test_with_the_broker_up_the_task_is_sent_once_the_transaction_commits_and_not_before(app, live_redis):
    url, connection = live_redis
    with _broker(app, url):
        enqueue(app, TASK, [1, 2])
        db.session.flush()
        assert _queued(connection) == []
        db.session.commit()
        assert [entry["headers"]["task"] for entry in _queued(connection)] == [TASK]
        assert _pending() == 0
        assert flush_pending() == (0, 0)
    assert len(_queued(connection)) == 1


def test_a_rolled_back_change_sends_nothing_and_leaves_nothing_behind(app, live_redis):
    url, connection = live_redis
    with _broker(app, url):
        db.session.add(Plan(title="Never saved"))
        enqueue(app, TASK, [3])
        db.session.flush()
        db.session.rollback()
        db.session.add(Plan(title="A later, unrelated save"))
        db.session.commit()
    assert _queued(connection) == []
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_flushes_running_at_once_send_each_pending_task_exactly_once(app, live_redis):
    url, connection = live_redis
    with _broker(app, f"redis://127.0.0.1:{_closed_port()}/0"):
        for n in range(12):
            enqueue(app, TASK, [n])
        db.session.commit()
    assert _pending() == 12
    errors: list[BaseException] = []

    def flush() -> None:
        try:
            with app.app_context():
                flush_pending(batch_size=5)
                db.session.remove()
        except BaseException as error:  # reported to the test below
            errors.append(error)

    with _broker(app, url):
        threads = [threading.Thread(target=flush) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    sent = sorted(entry["headers"]["argsrepr"] for entry in _queued(connection))
    assert sent == sorted(f"[[{n}]]" for n in range(12))
    assert _pending() == 0


def test_the_flush_command_says_in_one_line_when_tasks_are_still_pending(app, live_redis):
    url, _ = live_redis
    with _broker(app, f"redis://127.0.0.1:{_closed_port()}/0"):
        enqueue(app, TASK, [5])
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["outbox", "flush"])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        "Error: 1 tasks still pending after sending 0: check that the broker (CELERY_BROKER_URL) is running."
    ]
    with _broker(app, url):
        result = app.test_cli_runner().invoke(args=["outbox", "flush"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Sent 1 tasks; none pending."


def test_a_claim_left_by_a_sender_that_stopped_before_sending_expires_and_the_next_flush_sends_the_task_once(
    app, live_redis
):
    from app.outbox import _claim

    url, connection = live_redis
    with _broker(app, f"redis://127.0.0.1:{_closed_port()}/0"):
        enqueue(app, TASK, [9])
        db.session.commit()
    assert [row.id for row in _claim(limit=10)] == [1]  # what a sender does first; this one then stops

    with _broker(app, url):
        assert flush_pending() == (0, 1)  # someone else's claim, still within its lease
        app.config["OUTBOX_CLAIM_LEASE_SECONDS"] = 0  # the lease has run out
        assert flush_pending() == (1, 0)
        assert flush_pending() == (0, 0)
    assert [entry["headers"]["argsrepr"] for entry in _queued(connection)] == ["[[9]]"]
    message = db.session.scalars(select(OutboxMessage)).one()
    assert (message.attempts, message.sent_at is not None) == (3, True)
