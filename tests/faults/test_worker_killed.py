"""A worker killed in the middle of the escalation sweep: the sweep is run again
and completes, with no escalation, notification or email twice."""

from __future__ import annotations

from datetime import date

from app.extensions import db
from tests.faults.conftest import broker_idle, send, send_on, sql, sweep_lock, sweeps_waiting, wait_for

SWEEP = "workers.escalations.sweep"


def _overdue_plan(world) -> None:
    for day in range(1, 21):
        world.action(f"1.1.{day}", date(2026, 10, day))  # each 15 or more working days overdue: level 3
    world.action("1.1.21", date(2026, 11, 20))  # one working day overdue: level 1
    db.session.commit()


def test_a_pool_process_killed_mid_sweep_is_replaced_and_the_sweep_runs_again_once(
    app, world, postgres, broker, worker, mailbox
):
    _overdue_plan(world)
    mark = worker.mark()

    with sweep_lock(postgres, world.plan.id):
        send(app, SWEEP, "2026-11-23")
        first = wait_for(lambda: sweeps_waiting(postgres), "the sweep to be running")
        worker.kill_pool()
        # The main process hands the unacknowledged sweep back to the queue; a new pool process takes it.
        again = wait_for(lambda: [pid for pid in sweeps_waiting(postgres) if pid not in first],
                         "the sweep to be running again in a new process")
        assert again
    wait_for(lambda: sql("SELECT count(*) FROM sweep_runs WHERE finished_at IS NOT NULL").scalar(),
             "the sweep to finish")
    wait_for(lambda: broker_idle(broker), "the queue to empty")

    assert sql("SELECT count(*) FROM sweep_runs").scalar() == 1
    assert sql("SELECT level, count(*) FROM escalations GROUP BY level ORDER BY level").all() == [(1, 1), (3, 20)]
    assert sql("SELECT count(*), count(DISTINCT (recipient_id, sweep_date)) FROM notifications").one() == (3, 3)
    assert sorted(message["To"] for message in mailbox.messages) == [
        "director@example.org", "lead@example.org", "olu@example.org"
    ]
    assert "WorkerLostError" in worker.log(since=mark)


def test_a_whole_worker_killed_mid_sweep_leaves_the_sweep_to_the_next_worker_which_runs_it_once(
    app, world, postgres, broker, start_worker, mailbox
):
    _overdue_plan(world)
    lost = start_worker(database=2)

    with sweep_lock(postgres, world.plan.id):
        send_on(broker, 2, SWEEP, "2026-11-23")
        wait_for(lambda: sweeps_waiting(postgres), "the sweep to be running")
        lost.kill()
        wait_for(lambda: not sweeps_waiting(postgres), "the server to notice the lost worker")
    # Redis keeps the unacknowledged sweep and hands it out again once the visibility timeout
    # has passed: two hours in production, two seconds here.
    with broker.client(2) as connection:
        delivered_at = wait_for(lambda: connection.zrange("unacked_index", 0, -1, withscores=True),
                                "the sweep to be held as unacknowledged")[0][1]
        wait_for(lambda: float(connection.time()[0]) > delivered_at + 2, "the visibility timeout to pass")
    start_worker(database=2, CELERY_VISIBILITY_TIMEOUT="2")
    wait_for(lambda: sql("SELECT count(*) FROM sweep_runs WHERE finished_at IS NOT NULL").scalar(),
             "the next worker to finish the sweep")
    wait_for(lambda: broker_idle(broker, 2), "the queue to empty")

    assert sql("SELECT count(*) FROM sweep_runs").scalar() == 1
    assert sql("SELECT level, count(*) FROM escalations GROUP BY level ORDER BY level").all() == [(1, 1), (3, 20)]
    assert sql("SELECT count(*), count(DISTINCT (recipient_id, sweep_date)) FROM notifications").one() == (3, 3)
    assert sorted(message["To"] for message in mailbox.messages) == [
        "director@example.org", "lead@example.org", "olu@example.org"
    ]
