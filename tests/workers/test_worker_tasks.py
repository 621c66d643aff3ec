"""The tasks on a real Celery worker with a real Redis broker and a real SMTP
server: the sweep, its digests, idempotence, concurrency and the roll-up."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import Escalation, Notification, StoredStatus, SweepRun
from tests.workers.conftest import run_task


def _row_counts() -> tuple[int, int]:
    db.session.commit()  # see what the worker committed
    return (
        db.session.scalar(select(func.count()).select_from(Escalation)),
        db.session.scalar(select(func.count()).select_from(Notification)),
    )


def test_the_worker_sweeps_the_plan_and_emails_each_person_one_digest_with_links(world, worker, mailbox):
    level1 = world.action("1.1.1", date(2026, 11, 20))
    board = world.action("1.1.2", date(2026, 10, 30))
    soon = world.action("1.1.3", date(2026, 11, 30))
    db.session.commit()

    result = run_task(worker, "workers.escalations.sweep", "2026-11-23")

    assert result["raised"] == {"level1": 1, "level2": 0, "level3": 1}
    assert result["reminders"] == 1
    assert result["digests"] == {"digests": 3, "items": 7, "failed": 0}
    by_recipient = {message["To"]: message for message in mailbox.messages}
    assert sorted(by_recipient) == ["director@example.org", "lead@example.org", "olu@example.org"]
    assert len(mailbox.messages) == 3
    lead_body = by_recipient["lead@example.org"].get_payload(decode=True).decode()
    for action in (level1, board, soon):
        assert f"action {action.reference} " in lead_body
        assert f"https://pillar.example.org/actions/{action.id}/update" in lead_body
    director_body = by_recipient["director@example.org"].get_payload(decode=True).decode()
    escalation_id = db.session.scalar(select(Escalation.id).where(Escalation.action_id == board.id))
    assert f"https://pillar.example.org/escalations/{escalation_id}" in director_body
    assert "Escalated to the board: level 3" in director_body
    assert by_recipient["director@example.org"]["Subject"] == "Pillar: 1 item for you"
    assert by_recipient["lead@example.org"]["Subject"] == "Pillar: 3 items for you"


def test_a_second_sweep_on_the_worker_adds_no_rows_and_sends_no_email(world, worker, mailbox):
    world.action("1.1.1", date(2026, 11, 20))
    world.action("1.1.2", date(2026, 10, 30))
    db.session.commit()
    run_task(worker, "workers.escalations.sweep", "2026-11-23")
    before = _row_counts()
    mailbox.clear()

    again = run_task(worker, "workers.escalations.sweep", "2026-11-23")

    assert _row_counts() == before
    assert again["raised"] == {"level1": 0, "level2": 0, "level3": 0}
    assert again["digests"]["digests"] == 0
    assert mailbox.messages == []


def test_two_sweeps_sent_at_once_to_two_worker_processes_raise_everything_once(world, worker, mailbox):
    for n in range(1, 31):
        world.action(f"1.1.{n}", date(2026, 10, n))
    db.session.commit()

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: run_task(worker, "workers.escalations.sweep", "2026-11-23"), range(2)))

    escalations, digests = _row_counts()
    assert escalations == 30  # each at level 3: all are 15 or more working days overdue
    assert digests == 3
    assert sorted(result["raised"]["level3"] for result in results) == [0, 30]
    assert db.session.scalar(select(func.count()).select_from(SweepRun)) == 2
    assert len({message["To"] for message in mailbox.messages}) == len(mailbox.messages)


def test_the_scheduled_sweep_does_nothing_on_a_bank_holiday(world, worker, mailbox):
    world.action("1.1.1", date(2026, 12, 1))
    db.session.commit()

    result = run_task(worker, "workers.escalations.sweep", "2026-12-28")

    assert result["skipped_plans"] == [world.plan.id]
    assert _row_counts() == (0, 0)
    assert mailbox.messages == []


def test_the_worker_recalculates_the_statuses_above_a_changed_action(world, worker):
    action = world.action("1.1.1", date(2030, 1, 1), rag="amber")
    db.session.commit()

    result = run_task(worker, "workers.plans.recalculate_for_actions", [action.id])

    assert result == {"plans": 1, "pillars": 1, "outcomes": 1}
    db.session.commit()
    stored = db.session.execute(select(StoredStatus.scope, StoredStatus.rag, StoredStatus.reason)).all()
    assert sorted(stored) == [("outcome", "amber", "1 amber"), ("pillar", "amber", "1 amber"), ("plan", "amber", "1 amber")]


def test_the_nightly_task_recalculates_every_plan(world, worker):
    world.action("1.1.1", date(2030, 1, 1), rag="green")
    db.session.commit()

    result = run_task(worker, "workers.plans.recalculate_all_statuses")

    assert result == {"plans": 1, "pillars": 1, "outcomes": 1}
    db.session.commit()
    assert db.session.scalar(select(StoredStatus.reason).where(StoredStatus.scope == "plan")) == "1 green"


def test_a_directors_decision_is_enqueued_and_the_worker_recalculates_the_pillar(app, client, auth, world, worker):
    import time

    from app.escalations.sweep import run_sweep
    from tests.conftest import csrf_from

    world.action("1.1.1", date(2030, 3, 1), rag="green")  # the worker reads the real clock
    world.action("1.1.2", date(2026, 11, 13), rag="green")  # at level 2 on 23 November
    db.session.commit()
    run_sweep(date(2026, 11, 23))
    escalation_id = db.session.scalar(select(Escalation.id))
    db.session.commit()

    web_celery = app.extensions["celery"]
    app.extensions["celery"] = worker  # the web side sends to the real broker, as in production
    try:
        auth.sign_in("director@example.org")
        page = client.get(f"/escalations/{escalation_id}").get_data(as_text=True)
        response = client.post(
            f"/escalations/{escalation_id}/refer",
            data={"refer-note": "Needs partner funding", "refer-csrf_token": csrf_from(page)},
        )
    finally:
        app.extensions["celery"] = web_celery
    assert response.status_code == 302

    def stored_reason():
        db.session.commit()
        return db.session.scalar(
            select(StoredStatus.reason).where(StoredStatus.scope == "pillar", StoredStatus.scope_id == world.pillar.id)
        )

    deadline = time.monotonic() + 60
    while stored_reason() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert stored_reason() == "1 red, 1 green; 1 escalated to the board"


def test_the_worker_resolves_the_escalation_of_an_action_completed_since_the_last_sweep(world, worker, mailbox):
    action = world.action("1.1.1", date(2026, 11, 13))
    db.session.commit()
    run_task(worker, "workers.escalations.sweep", "2026-11-23")

    action.state = "complete"
    action.rag = "complete"
    db.session.commit()
    result = run_task(worker, "workers.escalations.sweep", "2026-11-24")

    assert result["resolved"] == 1
    db.session.commit()
    assert db.session.execute(select(Escalation.state, Escalation.resolution)).all() == [
        ("resolved", "action_completed")
    ]
