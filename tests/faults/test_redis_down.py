"""Saves while Redis is down: they succeed, their tasks wait in the outbox, and
when Redis is back the worker runs each exactly once."""

from __future__ import annotations

from datetime import date

from app.board import services as board
from app.domain.roles import Role
from app.extensions import db
from tests import factories
from tests.conftest import csrf_from
from tests.faults.conftest import broker_idle, send, sql, wait_for


def _pending() -> list[tuple]:
    return sql("SELECT task_name, sent_at IS NULL, last_error IS NOT NULL FROM outbox_messages ORDER BY id").all()


def test_saves_made_while_redis_is_stopped_succeed_and_their_tasks_run_exactly_once_when_it_returns(
    app, client, auth, world, broker, worker, mailbox
):
    world.action("1.1.1", date(2027, 1, 29))
    world.action("1.1.2", date(2027, 2, 26), leads=[world.other_lead])
    meeting = board.add_board_meeting(plan=world.plan, meeting_date=date(2026, 11, 23), title="Improvement board")
    secretary = factories.user(Role.BOARD_SECRETARY, email="secretary@example.org")
    db.session.commit()
    auth.sign_in(secretary.email)
    page = client.get(f"/plans/{world.plan.id}/board/meetings/{meeting.id}").get_data(as_text=True)

    broker.kill()
    reminded = client.post(f"/plans/{world.plan.id}/board/meetings/{meeting.id}/remind",
                           data={"csrf_token": csrf_from(page)}, follow_redirects=True)
    exported = client.post(f"/plans/{world.plan.id}/exports", data={"format": "xlsx", "csrf_token": csrf_from(page)})

    assert "Reminder sent to 2 leads." in reminded.get_data(as_text=True)
    assert exported.status_code == 302
    assert sql("SELECT status FROM export_jobs").scalars().all() == ["queued"]
    assert _pending() == [
        ("workers.notifications.send_update_reminders", True, True),
        ("workers.board.run_export", True, True),
    ]

    broker.start()
    send(app, "workers.outbox.flush")  # what the scheduler sends every minute
    wait_for(lambda: sql("SELECT status FROM export_jobs").scalar() == "done", "the export to be made")
    wait_for(lambda: len(mailbox.messages) >= 2 and broker_idle(broker), "the reminders to be sent")
    send(app, "workers.outbox.flush")  # a later round finds nothing left to send
    wait_for(lambda: broker_idle(broker), "the second flush to finish")

    assert sql("SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL").scalar() == 0
    assert sql("SELECT attempts FROM outbox_messages ORDER BY id").scalars().all() == [2, 2]
    assert sorted(message["To"] for message in mailbox.messages) == ["lead@example.org", "olu@example.org"]
    assert {message["Subject"] for message in mailbox.messages} == {"Pillar: your November 2026 update is due"}
