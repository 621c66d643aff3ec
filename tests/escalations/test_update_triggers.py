"""Level 2 from monthly updates: Red in consecutive periods, and an update
still missing 5 working days after its deadline."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from app.escalations.sweep import run_sweep
from app.extensions import db
from app.models import Escalation, Notification, Update

DUE_LATER = date(2027, 6, 30)


def _update(action, period: date, rag: str) -> None:
    db.session.add(
        Update(action_id=action.id, period=period, proposed_rag=rag, effective_rag=rag, commentary="Progress so far")
    )


def _raised(action) -> list[tuple[int, str]]:
    return sorted(db.session.execute(select(Escalation.level, Escalation.trigger).where(Escalation.action_id == action.id)).all())


def test_red_in_two_consecutive_periods_goes_to_the_director(world):
    red_twice = world.action("1.1.1", DUE_LATER)
    _update(red_twice, date(2026, 10, 1), "red")
    _update(red_twice, date(2026, 11, 1), "red")
    recovering = world.action("1.1.2", DUE_LATER)
    _update(recovering, date(2026, 10, 1), "red")
    _update(recovering, date(2026, 11, 1), "amber")
    gap = world.action("1.1.3", DUE_LATER)
    _update(gap, date(2026, 9, 1), "red")
    _update(gap, date(2026, 11, 1), "red")
    db.session.commit()

    counts = run_sweep(date(2026, 11, 23))

    assert _raised(red_twice) == [(2, "red_periods")]
    assert _raised(recovering) == []
    assert _raised(gap) == []
    assert counts.raised[2] == 1
    assert db.session.scalar(
        select(Notification.item_count).where(Notification.recipient_id == world.director.id)
    ) == 1


def test_the_plan_chooses_how_many_red_periods_escalate(world):
    world.plan.level2_consecutive_red_periods = 3
    action = world.action("1.1.1", DUE_LATER)
    _update(action, date(2026, 10, 1), "red")
    _update(action, date(2026, 11, 1), "red")
    db.session.commit()

    run_sweep(date(2026, 11, 23))
    assert _raised(action) == []

    _update(action, date(2026, 9, 1), "red")
    db.session.commit()
    run_sweep(date(2026, 11, 24))
    assert _raised(action) == [(2, "red_periods")]


def test_a_missing_december_update_escalates_five_working_days_after_its_deadline(world):
    # December's updates are due 5 working days after 31 December: Friday
    # 8 January, as New Year's Day is a bank holiday. Level 2 comes 5 working
    # days later, on Friday 15 January.
    added = {"created_at": datetime(2026, 9, 1)}
    missing = world.action("1.1.1", DUE_LATER, **added)
    posted = world.action("1.1.2", DUE_LATER, **added)
    for period in (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)):
        _update(missing, period, "green")
        _update(posted, period, "green")
    _update(posted, date(2026, 12, 1), "green")
    added_in_january = world.action("1.1.3", DUE_LATER, created_at=datetime(2027, 1, 4))
    complete = world.action("1.1.4", DUE_LATER, state="complete", rag="complete", **added)
    db.session.commit()

    run_sweep(date(2027, 1, 14))
    assert _raised(missing) == []

    run_sweep(date(2027, 1, 15))
    assert _raised(missing) == [(2, "missing_update")]
    assert _raised(posted) == []
    assert _raised(added_in_january) == []
    assert _raised(complete) == []


def test_an_action_already_at_level_two_for_being_overdue_is_not_raised_again_for_red_periods(world):
    action = world.action("1.1.1", date(2026, 11, 9))
    _update(action, date(2026, 10, 1), "red")
    _update(action, date(2026, 11, 1), "red")
    db.session.commit()

    run_sweep(date(2026, 11, 23))
    again = run_sweep(date(2026, 11, 23))

    assert _raised(action) == [(2, "overdue")]
    assert again.raised_total == 0
