"""The daily sweep: the ladder's levels on working days, reminders, idempotence,
automatic resolution and concurrency."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from app.escalations.sweep import run_sweep
from app.extensions import db
from app.models import Escalation, EscalationEvent, Notification, NotificationKind, Reminder, SweepRun
from app.notifications.digest import items_for


def _levels(action_id: int) -> list[int]:
    return sorted(db.session.scalars(select(Escalation.level).where(Escalation.action_id == action_id)))


def _rows() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Escalation)),
        db.session.scalar(select(func.count()).select_from(Notification)),
        db.session.scalar(select(func.count()).select_from(EscalationEvent)),
    )


# Due Thursday 24 December 2026. Christmas (Fri 25), the weekend and the Boxing
# Day substitute (Mon 28) are not working days, nor is New Year's Day (Fri 1 Jan).
@pytest.mark.parametrize(
    ("today", "levels"),
    [
        (date(2026, 12, 24), []),  # due today: not overdue
        (date(2026, 12, 25), []),  # Christmas Day
        (date(2026, 12, 28), []),  # Boxing Day substitute bank holiday
        (date(2026, 12, 29), [1]),  # first working day after the due date
        (date(2027, 1, 4), [1]),  # 4 working days overdue (1 January skipped)
        (date(2027, 1, 5), [2]),  # 5 working days overdue
        (date(2027, 1, 18), [2]),  # 14 working days overdue
        (date(2027, 1, 19), [3]),  # 15 working days overdue
    ],
)
def test_an_action_is_put_at_its_level_counting_only_working_days_around_christmas(world, today, levels):
    action = world.action("1.1.1", date(2026, 12, 24))
    db.session.commit()

    run_sweep(today)

    assert _levels(action.id) == levels


def test_an_action_due_on_friday_is_at_level_one_on_monday_and_not_at_the_weekend(world):
    action = world.action("1.1.1", date(2026, 11, 20))
    db.session.commit()

    run_sweep(date(2026, 11, 21))
    assert _levels(action.id) == []

    run_sweep(date(2026, 11, 23))
    assert _levels(action.id) == [1]


def test_a_scottish_plan_counts_st_andrews_day_as_a_holiday(world):
    world.plan.region = "scotland"
    # 30 November 2026 is a Monday and St Andrew's Day in Scotland.
    action = world.action("1.1.1", date(2026, 11, 27))
    db.session.commit()

    run_sweep(date(2026, 11, 30))
    assert _levels(action.id) == []
    run_sweep(date(2026, 12, 1))
    assert _levels(action.id) == [1]


def test_the_scheduled_sweep_skips_a_bank_holiday_but_the_command_does_not(world):
    action = world.action("1.1.1", date(2026, 12, 1))
    db.session.commit()

    skipped = run_sweep(date(2026, 12, 28), working_days_only=True)
    assert skipped.skipped_plans == [world.plan.id]
    assert _levels(action.id) == []

    run_sweep(date(2026, 12, 28))
    assert _levels(action.id) == [3]


def test_a_plan_can_set_its_own_ladder(world):
    world.plan.level1_overdue_days = 2
    world.plan.level2_overdue_days = 3
    world.plan.level3_overdue_days = 4
    action = world.action("1.1.1", date(2026, 11, 17))  # Tuesday
    db.session.commit()

    run_sweep(date(2026, 11, 20))  # 3 working days overdue

    assert _levels(action.id) == [2]


def test_an_action_swept_every_working_day_climbs_one_level_at_a_time(world):
    action = world.action("1.1.1", date(2026, 12, 24))
    db.session.commit()

    for day in (date(2026, 12, 29), date(2027, 1, 5), date(2027, 1, 19)):
        run_sweep(day)

    raised = db.session.execute(
        select(Escalation.level, Escalation.raised_on).where(Escalation.action_id == action.id)
    ).all()
    assert sorted(raised) == [(1, date(2026, 12, 29)), (2, date(2027, 1, 5)), (3, date(2027, 1, 19))]


def test_leads_are_reminded_once_in_the_five_working_days_before_the_due_date(world):
    inside = world.action("1.1.1", date(2026, 11, 30))  # 5 working days after Monday 23rd
    outside = world.action("1.1.2", date(2026, 12, 1))
    complete = world.action("1.1.3", date(2026, 11, 25), state="complete", rag="complete")
    db.session.commit()

    counts = run_sweep(date(2026, 11, 23))
    reminders = select(Reminder.action_id, Reminder.sent_on)
    first = sorted(db.session.execute(reminders).all())
    run_sweep(date(2026, 11, 24))  # the next day the window reaches 1 December
    second = sorted(db.session.execute(reminders).all())

    assert counts.reminders == 1
    assert first == [(inside.id, date(2026, 11, 23))]
    assert second == [(inside.id, date(2026, 11, 23)), (outside.id, date(2026, 11, 24))]
    assert complete.id not in {row.action_id for row in second}
    lead_items = items_for(date(2026, 11, 23), [world.lead.id, world.other_lead.id])
    assert {person: [(i.kind, i.action_id) for i in items] for person, items in lead_items.items()} == {
        world.lead.id: [(NotificationKind.REMINDER, inside.id)],
        world.other_lead.id: [(NotificationKind.REMINDER, inside.id)],
    }


def test_each_person_gets_one_digest_with_the_leads_told_of_every_level_and_the_director_of_two_and_three(world):
    level1 = world.action("1.1.1", date(2026, 11, 20))
    level3 = world.action("1.1.2", date(2026, 10, 30))
    db.session.commit()

    counts = run_sweep(date(2026, 11, 23))

    assert counts.raised == {1: 1, 2: 0, 3: 1}
    digests = set(db.session.execute(select(Notification.recipient_id, Notification.item_count)))
    assert digests == {(world.lead.id, 2), (world.other_lead.id, 2), (world.director.id, 1)}
    items = items_for(date(2026, 11, 23), [world.lead.id, world.director.id])
    assert sorted((i.kind, i.action_id, i.via) for i in items[world.lead.id]) == [
        (NotificationKind.LEVEL1, level1.id, "lead"),
        (NotificationKind.LEVEL3, level3.id, "lead"),
    ]
    assert [(i.kind, i.action_id, i.via) for i in items[world.director.id]] == [
        (NotificationKind.LEVEL3, level3.id, "director")
    ]


def test_a_second_sweep_on_the_same_day_creates_no_rows(world):
    world.action("1.1.1", date(2026, 11, 20))
    world.action("1.1.2", date(2026, 10, 30))
    world.action("1.1.3", date(2026, 11, 26))
    db.session.commit()
    run_sweep(date(2026, 11, 23))
    before = _rows()

    again = run_sweep(date(2026, 11, 23))

    assert _rows() == before
    assert (again.raised_total, again.reminders, again.notifications, again.resolved) == (0, 0, 0, 0)


def test_an_unacknowledged_director_escalation_is_repeated_daily_until_acknowledged(world):
    from app.escalations.services import acknowledge

    action = world.action("1.1.1", date(2026, 11, 9))
    db.session.commit()
    run_sweep(date(2026, 11, 23))

    run_sweep(date(2026, 11, 24))

    def director_items(day: date) -> list:
        return [(i.kind, i.action_id) for i in items_for(day, [world.director.id]).get(world.director.id, [])]

    assert director_items(date(2026, 11, 24)) == [(NotificationKind.AWAITING_DECISION, action.id)]
    level2 = db.session.scalar(select(Escalation).where(Escalation.action_id == action.id, Escalation.level == 2))
    acknowledge(level2, world.director_user)
    db.session.commit()
    run_sweep(date(2026, 11, 25))
    assert director_items(date(2026, 11, 25)) == []
    assert db.session.scalar(select(func.count()).where(Notification.sweep_date == date(2026, 11, 25))) == 0


def test_completing_the_action_resolves_its_escalations_at_the_next_sweep(world):
    action = world.action("1.1.1", date(2026, 11, 9))
    db.session.commit()
    run_sweep(date(2026, 11, 23))

    action.state = "complete"
    action.rag = "complete"
    db.session.commit()
    counts = run_sweep(date(2026, 11, 24))

    assert counts.resolved == 1
    states = set(db.session.execute(select(Escalation.state, Escalation.resolution, Escalation.resolved_on)))
    assert states == {("resolved", "action_completed", date(2026, 11, 24))}
    resolved_events = db.session.scalar(select(func.count()).where(EscalationEvent.kind == "resolved"))
    assert resolved_events == 1


def test_two_sweeps_at_once_raise_each_escalation_once(app, world):
    for n in range(20):
        world.action(f"1.1.{n + 1}", date(2026, 10, 1 + n))
    db.session.commit()
    errors: list[BaseException] = []

    def sweep() -> None:
        with app.app_context():
            try:
                run_sweep(date(2026, 11, 23))
            except BaseException as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert db.session.scalar(select(func.count()).select_from(Escalation)) == 20
    assert db.session.scalar(select(func.count()).select_from(SweepRun)) == 2
    raised = db.session.scalars(select(SweepRun.raised_level3).order_by(SweepRun.id)).all()
    assert sorted(raised) == [0, 20]
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 3


def test_each_sweep_reaches_the_security_log_with_what_it_did(world, capfd):
    import json

    world.action("1.1.1", date(2026, 11, 20))
    db.session.commit()
    capfd.readouterr()

    run_sweep(date(2026, 11, 23))

    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    sweep = next(line for line in lines if line.get("event") == "sweep")
    assert (sweep["outcome"], sweep["day"], sweep["plans"], sweep["raised"]["level1"]) == ("success", "2026-11-23", 1, 1)
