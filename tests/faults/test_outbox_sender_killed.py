"""An outbox sender killed between claiming a task and sending it: the claim
expires and the next flush sends the task, which the worker runs once. Senders
running at once pass over each other's rows instead of waiting for them."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from datetime import timedelta

import psycopg

from app.clock import now
from app.extensions import db
from app.models import ExportJob, OutboxMessage
from app.outbox import flush_pending
from config import BASE_DIR
from tests.faults.conftest import WAIT, PrivatePostgres, broker_idle, sql, wait_for


def _pending(task_name: str, *args) -> None:
    """A task waiting in the outbox, written as a save whose after-commit send failed leaves it."""
    db.session.execute(OutboxMessage.__table__.insert().values(
        task_name=task_name, args=list(args), kwargs={}, created_at=now().replace(tzinfo=None), attempts=1,
        last_error="the broker was unavailable"))
    db.session.commit()


@contextlib.contextmanager
def _silent_broker():
    """A port that accepts connections and never answers: a send to it hangs once the task is claimed."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


def test_a_sender_killed_after_claiming_leaves_a_claim_that_expires_and_the_task_then_runs_once(
    app, world, postgres, broker, worker
):
    mark = worker.mark()
    job = ExportJob(plan_id=world.plan.id, format="xlsx", filters={}, status="queued", progress=0)
    db.session.add(job)
    db.session.commit()
    _pending("workers.board.run_export", job.id)

    with _silent_broker() as silent:
        env = {**os.environ, "DATABASE_URL": postgres.url, "CELERY_BROKER_URL": silent,
               "PILLAR_INSTANCE_DIR": app.config["INSTANCE_DIR"]}
        sender = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "flush"],
                                  cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        claimed_at = wait_for(lambda: sql("SELECT claimed_at FROM outbox_messages").scalar(),
                              "the sender to claim the task")
        os.kill(sender.pid, signal.SIGKILL)
        sender.wait()

    assert flush_pending() == (0, 1)  # the dead sender's claim still holds
    app.config["OUTBOX_CLAIM_LEASE_SECONDS"] = 1
    wait_for(lambda: now().replace(tzinfo=None) - claimed_at > timedelta(seconds=1), "the claim to expire")
    assert flush_pending() == (1, 0)
    assert flush_pending() == (0, 0)
    wait_for(lambda: sql("SELECT status FROM export_jobs").scalar() == "done", "the worker to make the export")
    wait_for(lambda: broker_idle(broker), "the queue to empty")
    assert sql("SELECT attempts, sent_at IS NOT NULL FROM outbox_messages").one() == (3, True)
    assert worker.log(since=mark).count(f"export {job.id}: done") == 1


def _lock_row(postgres: PrivatePostgres, message_id: int) -> psycopg.Connection:
    connection = psycopg.connect(postgres.dsn)
    connection.execute("SELECT id FROM outbox_messages WHERE id = %s FOR UPDATE", (message_id,))
    return connection


def test_a_flush_passes_over_a_task_another_sender_is_claiming_instead_of_waiting_for_it(
    app, postgres, broker, worker
):
    mark = worker.mark()
    for n in range(5):
        _pending("workers.plans.recalculate_for_actions", [n])
    first = sql("SELECT min(id) FROM outbox_messages").scalar()
    other_sender = _lock_row(postgres, first)  # mid-claim: its transaction has the row
    result: list = []
    try:
        flush = threading.Thread(target=lambda: result.append(_flush_in_context(app)))
        flush.start()
        flush.join(timeout=WAIT)
        assert not flush.is_alive(), "the flush waited for the other sender's row"
    finally:
        other_sender.rollback()
        other_sender.close()
    assert result == [(4, 1)]
    assert flush_pending() == (1, 0)
    wait_for(lambda: broker_idle(broker), "the worker to run the five tasks")
    sent = [json.dumps(args) for (args,) in sql("SELECT args FROM outbox_messages ORDER BY id").all()]
    assert sent == [json.dumps([[n]]) for n in range(5)]
    assert len(re.findall(r"recalculate_for_actions\[[0-9a-f-]+\] succeeded", worker.log(since=mark))) == 5


def _flush_in_context(app):
    with app.app_context():
        try:
            return flush_pending()
        finally:
            db.session.remove()
