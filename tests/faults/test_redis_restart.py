"""Redis restarted while tasks wait in its queue and others are running: nothing
is lost and nothing is done twice."""

from __future__ import annotations

import contextlib
from datetime import date

from app.extensions import db
from tests import factories
from tests.conftest import csrf_from
from tests.faults.conftest import broker_idle, send, sql, sweep_lock, sweeps_waiting, wait_for

SWEEP = "workers.escalations.sweep"


def test_a_redis_crash_and_restart_loses_no_queued_or_running_task_and_repeats_none(
    app, client, auth, world, postgres, broker, worker, mailbox
):
    for day in range(1, 11):
        world.action(f"1.1.{day}", date(2026, 10, day))
    second_plan = factories.plan("A second plan")
    second_pillar = factories.pillar(second_plan, number=1, leads=[world.director])
    second_outcome = factories.outcome(second_pillar, reference="1.1")
    for day in range(1, 6):
        factories.action(second_outcome, f"1.1.{day}", due=date(2026, 11, 16 + day), leads=[world.lead])
    db.session.commit()
    auth.sign_in("director@example.org")
    page = client.get(f"/plans/{world.plan.id}").get_data(as_text=True)

    with sweep_lock(postgres, world.plan.id), sweep_lock(postgres, second_plan.id):
        send(app, SWEEP, "2026-11-23", [world.plan.id])
        send(app, SWEEP, "2026-11-23", [second_plan.id])
        wait_for(lambda: len(sweeps_waiting(postgres)) == 2, "both sweeps to be running")
        for _ in range(3):  # both pool processes are busy: these wait in Redis's queue
            response = client.post(f"/plans/{world.plan.id}/exports",
                                   data={"format": "xlsx", "csrf_token": csrf_from(page)})
            assert response.status_code == 302
        with contextlib.closing(broker.client()) as connection:
            assert connection.llen("celery") == 3
            assert connection.hlen("unacked") == 2

        mark = worker.mark()
        broker.kill()
        # Restarted once the worker has seen it go, as a crash and a restart take a moment. (A blip the
        # worker only notices after Redis is back hands the running sweeps back to the queue; the
        # repeat runs then find nothing left to do: see SECURITY.md.)
        wait_for(lambda: "Connection to broker lost" in worker.log(since=mark),
                 "the worker to notice that Redis has gone")
        broker.start()

        with contextlib.closing(broker.client()) as connection:
            # All five came back from the append-only file: waiting, or held by the reconnected worker.
            assert connection.llen("celery") + connection.hlen("unacked") == 5
    wait_for(lambda: sql("SELECT count(*) FROM export_jobs WHERE status = 'done'").scalar() == 3,
             "the queued exports to be made")
    wait_for(lambda: sql("SELECT count(*) FROM sweep_runs WHERE finished_at IS NOT NULL").scalar() == 2,
             "both sweeps to finish")
    wait_for(lambda: broker_idle(broker), "every task to be acknowledged")

    assert sql("SELECT plan_id, count(*) FROM sweep_runs GROUP BY plan_id ORDER BY plan_id").all() == [
        (world.plan.id, 1), (second_plan.id, 1)
    ]
    assert sql("SELECT plan_id, level, count(*) FROM escalations GROUP BY plan_id, level ORDER BY plan_id").all() == [
        (world.plan.id, 3, 10), (second_plan.id, 1, 5)
    ]
    assert sql("SELECT count(*), count(DISTINCT (recipient_id, sweep_date)) FROM notifications").one() == (3, 3)
    assert sorted(message["To"] for message in mailbox.messages) == [
        "director@example.org", "lead@example.org", "olu@example.org"
    ]
