"""The plan pages read statuses from the stored roll-up, and never a stale one: every change
that moves a status marks its plan in the change's own transaction, so the pages count it
live until the worker's recalculation has run; a roll-up of another day is not read."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from app.api.tokens import create_token
from app.domain.roles import Role
from app.escalations.sweep import run_sweep
from app.extensions import db
from app.models import Escalation, OutboxMessage, PendingRecalculation, Pillar, Plan, StoredStatus
from app.plans.status import RECALCULATE_TASK, current_statuses, recalculate
from tests import factories
from tests.conftest import csrf_from

TODAY = date(2026, 11, 23)
BEFORE = "1 red, 1 amber, 1 green"


@pytest.fixture
def rolled_up(app):
    """Pillar 1 of Dana's: 1.1.1 Green (Lee's), 1.1.2 Amber, 1.1.3 overdue since 1 October, so Red;
    the roll-up stored as the nightly recalculation leaves it."""
    app.config["FIXED_TODAY"] = TODAY.isoformat()
    director_user = factories.user(Role.DIRECTOR, email="dana@example.org")
    lead_user = factories.user(Role.DELIVERY_LEAD, email="lee@example.org")
    dana = factories.person("Dana Director", user=director_user)
    lee = factories.person("Lee Lead", user=lead_user)
    plan = factories.plan()
    pillar = factories.pillar(plan, 1, "Leadership", leads=[dana])
    outcome = factories.outcome(pillar, "1.1")
    added = {"created_at": datetime(2027, 6, 1)}  # owes no earlier update (see tests/ladder.py)
    first = factories.action(outcome, "1.1.1", due=date(2027, 1, 31), rag="green", leads=[lee], **added)
    second = factories.action(outcome, "1.1.2", due=date(2027, 2, 1), rag="amber", **added)
    third = factories.action(outcome, "1.1.3", due=date(2026, 10, 1), rag="green", **added)
    db.session.commit()
    recalculate(TODAY)
    db.session.commit()
    return {"plan": plan.id, "pillar": pillar.id, "outcome": outcome.id, "ids": (first.id, second.id, third.id),
            "director": director_user.email, "lead": lead_user.email}


def _pillar_status(world) -> tuple[str, bool]:
    """The pillar's reason as the pages see it, and whether it came from the stored roll-up."""
    db.session.expire_all()
    statuses = current_statuses(db.session.get(Plan, world["plan"]), TODAY, pillar_ids=[world["pillar"]])
    return statuses.pillars[world["pillar"]].reason, statuses.stored


def _pages_show(client, auth, world, reason: str) -> None:
    auth.sign_in(factories.user(Role.VIEWER).email)
    for path in (f"/plans/{world['plan']}", f"/plans/{world['plan']}/dashboard",
                 f"/plans/{world['plan']}/pillars/1"):
        assert reason in client.get(path).get_data(as_text=True), path
    auth.sign_out()


def _run_the_worker(app) -> int:
    """What the worker does with the recalculations asked for: run each task."""
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.task_name == RECALCULATE_TASK)).all()
    for message in messages:
        app.extensions["celery"].tasks[message.task_name].apply(args=message.args)
        db.session.commit()
    return len(messages)


def _pending(plan_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(PendingRecalculation)
                             .where(PendingRecalculation.plan_id == plan_id))


def test_the_pages_read_the_stored_roll_up_when_it_is_of_today_and_nothing_is_pending(client, auth, rolled_up):
    assert _pillar_status(rolled_up) == (BEFORE, True)
    # Proof that the pages read what is stored: a count changed in the store alone shows on them.
    db.session.execute(update(StoredStatus).where(StoredStatus.scope == "pillar").values(green=StoredStatus.green + 4))
    db.session.commit()
    _pages_show(client, auth, rolled_up, "1 red, 1 amber, 5 green")


def test_a_roll_up_stored_on_an_earlier_day_is_not_read(client, auth, app, rolled_up):
    # Stored on Friday, when 1.1.1 was not yet overdue; read on Monday it would be stale.
    db.session.execute(update(StoredStatus).values(as_of=TODAY - timedelta(days=3), green=StoredStatus.green + 4))
    db.session.commit()
    assert _pillar_status(rolled_up) == (BEFORE, False)
    _pages_show(client, auth, rolled_up, BEFORE)


def _post_update(client, auth, world, app):
    auth.sign_in(world["lead"])
    path = f"/actions/{world['ids'][0]}/update"
    page = client.get(path).get_data(as_text=True)
    response = client.post(path, data={"csrf_token": csrf_from(page), "proposed_rag": "red", "base_version": "0",
                                       "commentary": "Behind: two audits slipped.", "outstanding_actions": "",
                                       "risks": ""})
    assert response.status_code == 302
    auth.sign_out()
    return "2 red, 1 amber"


def _cancel(client, auth, world, app):
    auth.sign_in(world["director"])
    path = f"/actions/{world['ids'][1]}/cancel"
    page = client.get(path).get_data(as_text=True)
    response = client.post(path, data={"csrf_token": csrf_from(page), "reason": "Merged into 1.1.1",
                                       "base_version": "1"})
    assert response.status_code == 302
    auth.sign_out()
    return "1 red, 1 green"


def _add_action(client, auth, world, app):
    from app.models import Outcome
    from app.plans.services import add_action

    plan = db.session.get(Plan, world["plan"])
    add_action(plan=plan, pillar=db.session.get(Pillar, world["pillar"]),
               outcome=db.session.get(Outcome, world["outcome"]), reference="1.1.4", title="Train managers",
               due_date=date(2027, 3, 1), rag="amber")
    db.session.commit()
    return "1 red, 2 amber, 1 green"


def _post_update_through_the_api(client, auth, world, app):
    from app.models import User

    _, secret = create_token(db.session.scalar(select(User).where(User.email == world["lead"])), "script")
    db.session.commit()
    response = client.post(f"/api/v1/actions/{world['ids'][0]}/updates",
                           headers={"Authorization": f"Bearer {secret}"},
                           json={"proposed_rag": "red", "commentary": "Behind", "expected_version": 0})
    assert response.status_code == 201, response.get_data(as_text=True)
    return "2 red, 1 amber"


def _sweep(client, auth, world, app):
    run_sweep(TODAY, [world["plan"]])  # 1.1.3 is 37 working days overdue: escalated to the board
    return "1 red, 1 amber, 1 green; 1 escalated to the board"


@pytest.mark.parametrize(
    "change",
    [_post_update, _cancel, _add_action, _post_update_through_the_api, _sweep],
    ids=["an update posted", "an action cancelled", "an action added", "an update posted through the API",
         "the sweep escalating to the board"],
)
def test_after_a_change_the_pages_count_live_until_the_worker_has_recalculated(client, auth, app, rolled_up, change):
    expected = change(client, auth, rolled_up, app)

    # Committed with the change: the plan is pending, and the recalculation is asked for.
    assert _pending(rolled_up["plan"]) >= 1
    assert _pillar_status(rolled_up) == (expected, False)
    _pages_show(client, auth, rolled_up, expected)

    assert _run_the_worker(app) >= 1
    assert _pending(rolled_up["plan"]) == 0
    assert _pillar_status(rolled_up) == (expected, True)
    _pages_show(client, auth, rolled_up, expected)


def test_a_referral_to_the_board_shows_at_once_and_in_the_stored_roll_up_after_the_worker(
    client, auth, app, rolled_up
):
    # 1.1.2 overdue by 6 working days: escalated to Dana (level 2), not yet to the board.
    from app.models import Action

    db.session.get(Action, rolled_up["ids"][1]).due_date = date(2026, 11, 13)
    db.session.get(Action, rolled_up["ids"][2]).due_date = date(2027, 1, 1)
    db.session.commit()
    run_sweep(TODAY, [rolled_up["plan"]])
    recalculate(TODAY)
    db.session.commit()
    assert _pillar_status(rolled_up) == ("1 red, 2 green", True)

    escalation = db.session.scalar(select(Escalation).where(Escalation.action_id == rolled_up["ids"][1]))
    auth.sign_in(rolled_up["director"])
    page = client.get(f"/escalations/{escalation.id}").get_data(as_text=True)
    response = client.post(f"/escalations/{escalation.id}/refer",
                           data={"refer-note": "Needs the board's help", "refer-csrf_token": csrf_from(page)})
    assert response.status_code == 302
    auth.sign_out()

    expected = "1 red, 2 green; 1 escalated to the board"
    assert _pillar_status(rolled_up) == (expected, False)
    _pages_show(client, auth, rolled_up, expected)
    _run_the_worker(app)
    assert _pillar_status(rolled_up) == (expected, True)


def test_an_import_marks_its_plan_and_the_worker_stores_its_statuses(app):
    from app.imports.apply import apply_reading, known_people
    from app.imports.interpret import interpret
    from app.imports.reader import read_upload
    from tests.imports import workbooks

    reading = interpret(read_upload(workbooks.peterborough_workbook(), "peterborough.xlsx"),
                        known_people=known_people())
    summary = apply_reading(reading)
    db.session.commit()
    assert _pending(summary.plan_id) == 1
    plan = db.session.get(Plan, summary.plan_id)
    pillar_ids = [pillar.id for pillar in plan.pillars]
    assert current_statuses(plan, TODAY, pillar_ids=pillar_ids).stored is False

    _run_the_worker(app)
    assert _pending(summary.plan_id) == 0
    db.session.expire_all()
    assert current_statuses(plan, TODAY, pillar_ids=pillar_ids).stored is True
