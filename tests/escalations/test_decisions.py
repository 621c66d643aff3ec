"""A director's decisions: acknowledge, respond, revise the date, refer, resolve."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.domain.errors import ValidationFailed
from app.escalations import services
from app.escalations.sweep import run_sweep
from app.extensions import db
from app.models import Escalation, EscalationEvent

TODAY = date(2026, 11, 23)


@pytest.fixture
def level2(world):
    world.action("1.1.1", date(2026, 11, 13))  # 6 working days overdue on the 23rd
    db.session.commit()
    run_sweep(TODAY)
    return db.session.scalar(select(Escalation).where(Escalation.level == 2))


def _events(escalation: Escalation) -> list[tuple[str, str | None]]:
    return [
        (event.kind, event.note)
        for event in db.session.scalars(
            select(EscalationEvent).where(EscalationEvent.escalation_id == escalation.id).order_by(EscalationEvent.id)
        )
    ]


def test_acknowledging_records_who_and_when_and_stops_the_repeat_notice(world, level2):
    services.acknowledge(level2, world.director_user)

    assert level2.state == "acknowledged"
    assert level2.acknowledged_by_id == world.director_user.id
    assert level2.acknowledged_at is not None
    assert _events(level2)[-1] == ("acknowledged", None)


def test_a_response_needs_text_and_is_kept_in_the_history(world, level2):
    with pytest.raises(ValidationFailed) as failure:
        services.respond(level2, world.director_user, "   ")
    assert set(failure.value.problems) == {"response"}

    services.respond(level2, world.director_user, "Extra social workers from agency from 1 December")

    assert level2.state == "responded"
    assert level2.response == "Extra social workers from agency from 1 December"
    assert _events(level2)[-1] == ("responded", "Extra social workers from agency from 1 December")


def test_a_revised_date_keeps_the_original_date_and_needs_a_reason_and_a_later_date(world, level2):
    with pytest.raises(ValidationFailed) as failure:
        services.agree_revised_date(level2, world.director_user, date(2026, 11, 20), "", TODAY)
    assert set(failure.value.problems) == {"revised_due_date", "reason"}
    assert level2.action.due_date == date(2026, 11, 13)

    services.agree_revised_date(level2, world.director_user, date(2027, 1, 29), "Recruitment delayed", TODAY)

    action = level2.action
    assert (action.due_date, action.original_due_date) == (date(2027, 1, 29), date(2026, 11, 13))
    assert action.due_date_revision_reason == "Recruitment delayed"
    assert level2.revised_due_date == date(2027, 1, 29)
    assert level2.is_open


def test_a_missed_revised_date_starts_a_new_cycle_and_meeting_it_resolves_the_old_one(world, level2):
    services.agree_revised_date(level2, world.director_user, date(2026, 12, 4), "Recruitment delayed", TODAY)
    db.session.commit()

    run_sweep(date(2026, 12, 7))  # one working day past the revised date
    cycles = set(db.session.execute(select(Escalation.level, Escalation.cycle_due_date)))
    assert (1, date(2026, 12, 4)) in cycles

    level2.action.state = "complete"
    level2.action.rag = "complete"
    db.session.commit()
    run_sweep(date(2026, 12, 8))
    db.session.refresh(level2)
    assert (level2.state, level2.resolution) == ("resolved", "revised_date_met")


def test_referring_to_the_board_raises_level_three_at_once_and_only_once(world, level2):
    with pytest.raises(ValidationFailed) as failure:
        services.refer_to_board(level2, world.director_user, "", TODAY)
    assert set(failure.value.problems) == {"note"}

    referred = services.refer_to_board(level2, world.director_user, "Needs partner funding", TODAY)
    db.session.commit()

    assert (referred.level, referred.trigger, referred.state) == (3, "referred", "open")
    assert level2.state == "referred"
    with pytest.raises(ValidationFailed):
        services.refer_to_board(level2, world.director_user, "Again", TODAY)
    # The sweep's own level 3 for the same due date is not added beside it.
    run_sweep(date(2026, 12, 11))
    assert db.session.scalars(select(Escalation.trigger).where(Escalation.level == 3)).all() == ["referred"]


def test_resolving_needs_a_note_and_a_resolved_escalation_takes_no_more_decisions(world, level2):
    with pytest.raises(ValidationFailed):
        services.resolve(level2, world.director_user, "", TODAY)

    services.resolve(level2, world.director_user, "Covered by action 2.1.1", TODAY)

    assert (level2.state, level2.resolution, level2.resolved_on) == ("resolved", "by_director", TODAY)
    with pytest.raises(ValidationFailed) as failure:
        services.acknowledge(level2, world.director_user)
    assert failure.value.problems == {"escalation": "This escalation is already resolved"}
