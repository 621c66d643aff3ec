"""Two recalculations of one plan at once, each on its own connection, as two workers would run them."""

from __future__ import annotations

import threading
import time
from datetime import date

from sqlalchemy import func, select, text

from app.extensions import db
from app.models import StoredStatus
from app.plans.status import recalculate
from tests import factories

TODAY = date(2026, 11, 23)


def _wait_until_waiting_for_a_lock(backend_pids: list[int], limit: float = 60.0) -> None:
    """Until the second connection is blocked on a lock held by the first (PostgreSQL's own view of it)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if backend_pids:
            waiting = db.session.scalar(
                text("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = :pid"),
                {"pid": backend_pids[0]},
            )
            db.session.rollback()  # pg_stat_activity is read once per transaction
            if waiting:
                return
        time.sleep(0.05)
    raise AssertionError("the second recalculation never waited for the first")


def test_two_recalculations_of_one_plan_at_once_both_succeed_and_leave_one_set_of_statuses(app):
    plan = factories.plan()
    for number in (1, 2):
        pillar = factories.pillar(plan, number=number)
        for part in (1, 2):
            outcome = factories.outcome(pillar, f"{number}.{part}")
            factories.action(outcome, f"{number}.{part}.1", due=date(2026, 11, 2), rag="green")
            factories.action(outcome, f"{number}.{part}.2", due=date(2027, 1, 31), rag="amber")
    plan_id = plan.id
    db.session.commit()
    # Statuses are already stored, as in any running system; both recalculations replace them.
    recalculate(TODAY, [plan_id])
    db.session.commit()
    postgres = db.engine.dialect.name == "postgresql"
    first_flushed, release_first = threading.Event(), threading.Event()
    second_pid: list[int] = []
    errors: list[BaseException] = []

    def first() -> None:
        with app.app_context():
            try:
                recalculate(TODAY, [plan_id])  # deleted and inserted, not yet committed
                first_flushed.set()
                if not release_first.wait(60):
                    raise AssertionError("the first recalculation was never let finish")
                db.session.commit()
            except BaseException as error:  # reported below
                errors.append(error)
                first_flushed.set()
            finally:
                db.session.remove()

    def second() -> None:
        with app.app_context():
            try:
                if postgres:
                    second_pid.append(db.session.scalar(text("SELECT pg_backend_pid()")))
                first_flushed.wait(60)
                recalculate(TODAY, [plan_id])
                db.session.commit()
            except BaseException as error:  # reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    first_flushed.wait(60)
    threads[1].start()
    try:
        if postgres:
            # The interleaving that once failed: the second starts while the first's rows are
            # written but not committed. It must wait, then replace them.
            _wait_until_waiting_for_a_lock(second_pid)
    finally:
        release_first.set()
        for thread in threads:
            thread.join(90)

    assert errors == []
    scopes = db.session.execute(
        select(StoredStatus.scope, func.count()).where(StoredStatus.plan_id == plan_id).group_by(StoredStatus.scope)
    ).all()
    assert dict(scopes) == {"plan": 1, "pillar": 2, "outcome": 4}
    plan_status = db.session.scalar(select(StoredStatus).where(StoredStatus.scope == "plan"))
    assert (plan_status.red, plan_status.amber, plan_status.rag) == (4, 4, "red")
