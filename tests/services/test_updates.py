"""Posting and revising updates, the lifecycle, comments and their audit trail."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from app.domain.errors import ValidationFailed
from app.domain.lifecycle import ActionState
from app.evidence import services as evidence_services
from app.extensions import db
from app.models import AuditEvent, Comment, Update, UpdateRevision
from app.updates import services
from app.updates.errors import EditConflict, NotPermitted
from tests import samples, updates_world

TODAY = date(2026, 11, 23)


@pytest.fixture
def world(app, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    return updates_world.build()


def _post(world, actor, text="Caseloads audited; 14 of 20 teams within limit.", rag="amber", version=0, today=TODAY):
    return services.post_update(
        world.action, actor,
        services.UpdateInput(proposed_rag=rag, commentary=text, outstanding_actions="Recruit two social workers",
                             risks="Agency staff turnover"),
        expected_version=version, today=today,
    )


def _events(**where):
    statement = select(AuditEvent).order_by(AuditEvent.id)
    for name, value in where.items():
        statement = statement.where(getattr(AuditEvent, name) == value)
    return db.session.scalars(statement).all()


def test_a_lead_posts_the_periods_update_and_the_action_takes_its_rag(world):
    update = _post(world, world.lead, rag="green")
    db.session.commit()
    assert update.period == date(2026, 11, 1)
    assert update.effective_rag == "green"
    assert world.action.rag == "green"
    fields = {e.field: (e.before, e.after) for e in _events(entity_type="update")}
    assert fields["commentary"] == (None, "Caseloads audited; 14 of 20 teams within limit.")
    assert {e.field: (e.before, e.after) for e in _events(entity_type="action")}["rag"] == ("amber", "green")
    assert all(e.actor_user_id == world.lead.id for e in _events(action_id=world.action_id))


def test_a_second_update_in_the_period_revises_it_and_keeps_the_earlier_text(world):
    first = _post(world, world.lead, text="First draft")
    db.session.commit()
    second = _post(world, world.second_lead, text="Second thoughts", rag="red", version=first.version)
    db.session.commit()
    assert second.id == first.id
    assert db.session.scalar(select(func.count(Update.id))) == 1
    revision = db.session.scalars(select(UpdateRevision)).one()
    assert (revision.commentary, revision.proposed_rag, revision.author_user_id) == ("First draft", "amber", world.lead.id)
    changed = [e for e in _events(entity_type="update", event="changed") if e.field == "commentary"]
    assert (changed[-1].before, changed[-1].after) == ("First draft", "Second thoughts")


def test_a_stale_save_is_refused_with_the_update_as_it_now_stands(world):
    _post(world, world.lead, text="Priya's text")
    db.session.commit()
    with pytest.raises(EditConflict) as conflict:
        _post(world, world.second_lead, text="Tom's text", version=0)
    assert conflict.value.current.commentary == "Priya's text"
    db.session.rollback()
    assert db.session.scalars(select(Update.commentary)).all() == ["Priya's text"]


def test_an_overdue_action_records_red_with_the_reason_whatever_was_proposed(app):
    world = updates_world.build(due=date(2026, 11, 20))
    update = _post(world, world.lead, rag="green")
    assert (update.effective_rag, update.effective_rag_reason) == ("red", "overdue")
    assert update.proposed_rag == "green"


def test_direction_of_travel_compares_with_the_previous_periods_update(world):
    from app.updates.queries import action_history

    _post(world, world.lead, rag="red", today=date(2026, 10, 15))
    _post(world, world.lead, rag="amber")
    db.session.commit()
    entries = action_history(world.action).updates
    assert [(e.period_label, e.direction.arrow) for e in entries] == [("November 2026", "↑"), ("October 2026", "")]


def test_the_first_update_starts_a_not_started_action(app):
    world = updates_world.build(state="not_started", rag="not_started")
    _post(world, world.lead, rag="green")
    assert world.action.state == "in_progress"


def test_an_update_with_every_field_wrong_lists_every_problem_and_writes_nothing(world):
    with pytest.raises(ValidationFailed) as failure:
        services.post_update(world.action, world.lead, services.UpdateInput(proposed_rag="purple", commentary="  "),
                             expected_version=0, today=TODAY)
    assert set(failure.value.problems) == {"proposed_rag", "commentary"}
    assert _events(entity_type="update") == []
    assert db.session.scalar(select(func.count(Update.id))) == 0


@pytest.mark.parametrize("who", ["other_lead", "director", "viewer"])
def test_only_the_actions_leads_and_administrators_post_updates(world, who):
    with pytest.raises(NotPermitted):
        _post(world, getattr(world, who))
    assert db.session.scalar(select(func.count(Update.id))) == 0
    _post(world, world.admin)


def _evidence(world, actor=None):
    return evidence_services.upload_evidence(world.action, actor or world.lead, io.BytesIO(samples.PDF), "audit.pdf")


def test_completion_needs_a_note_and_at_least_one_evidence_file(world):
    with pytest.raises(ValidationFailed) as failure:
        services.claim_completion(world.action, world.lead, "", expected_version=None)
    assert set(failure.value.problems) == {"note", "evidence"}
    assert world.action.state == "in_progress"


def test_claimed_completion_waits_for_sign_off_and_only_then_counts_as_complete(world):
    _evidence(world)
    services.claim_completion(world.action, world.lead, "All teams at 20 or fewer.", expected_version=None)
    db.session.commit()
    action = world.action
    assert action.state_enum is ActionState.AWAITING_SIGN_OFF
    assert action.state_enum.label == "Complete – awaiting sign-off"
    assert action.effective_rag(TODAY).rag.value != "complete"
    services.sign_off(action, world.director, expected_version=action.version)
    db.session.commit()
    assert action.state == "complete"
    assert action.effective_rag(TODAY).rag.value == "complete"
    assert action.signed_off_by_user_id == world.director.id


def test_a_removed_evidence_file_no_longer_supports_a_completion_claim(world):
    evidence = _evidence(world)
    evidence_services.remove_evidence(evidence, world.admin, "Wrong file: contains personal data")
    with pytest.raises(ValidationFailed) as failure:
        services.claim_completion(world.action, world.lead, "Done", expected_version=None)
    assert "evidence" in failure.value.problems


def test_a_director_sends_a_claim_back_with_a_reason(world):
    _evidence(world)
    services.claim_completion(world.action, world.lead, "Done", expected_version=None)
    with pytest.raises(ValidationFailed) as failure:
        services.send_back(world.action, world.director, " ", expected_version=None)
    assert "reason" in failure.value.problems
    services.send_back(world.action, world.director, "Audit covers only half the teams", expected_version=None)
    assert world.action.state == "in_progress"
    assert _events(field="state")[-1].note == "Audit covers only half the teams"


@pytest.mark.parametrize("who", ["other_director", "lead", "viewer"])
def test_only_the_pillars_director_or_an_administrator_signs_off(world, who):
    _evidence(world)
    services.claim_completion(world.action, world.lead, "Done", expected_version=None)
    db.session.commit()
    with pytest.raises(NotPermitted):
        services.sign_off(world.action, getattr(world, who), expected_version=None)
    assert world.action.state == "awaiting_sign_off"
    services.sign_off(world.action, world.admin, monitoring=True, expected_version=None)
    assert world.action.state == "complete_monitoring"


def test_a_director_reopens_a_completed_action_with_a_reason_and_it_takes_its_last_proposed_rag(world):
    _post(world, world.lead, rag="red")
    _evidence(world)
    services.claim_completion(world.action, world.lead, "Done", expected_version=None)
    services.sign_off(world.action, world.director, expected_version=None)
    with pytest.raises(ValidationFailed):
        services.reopen(world.action, world.director, "", expected_version=None)
    services.reopen(world.action, world.director, "Caseloads rose again in December", expected_version=None)
    assert (world.action.state, world.action.rag) == ("in_progress", "red")


def test_cancelling_needs_a_reason_and_a_stale_version_is_refused(world):
    with pytest.raises(ValidationFailed):
        services.cancel(world.action, world.director, "", expected_version=None)
    with pytest.raises(EditConflict):
        services.cancel(world.action, world.director, "Superseded", expected_version=world.action.version - 1)
    services.cancel(world.action, world.director, "Superseded by action 2.1.3", expected_version=world.action.version)
    assert world.action.state == "cancelled"
    assert world.action.state_reason == "Superseded by action 2.1.3"


def test_directors_comment_and_leads_and_viewers_cannot(world):
    services.add_comment(world.action, world.director, "Please bring the audit to the board.")
    for who in (world.lead, world.viewer):
        with pytest.raises(NotPermitted):
            services.add_comment(world.action, who, "Me too")
    assert db.session.scalars(select(Comment.body)).all() == ["Please bring the audit to the board."]
    assert _events(entity_type="comment")[0].after == "Please bring the audit to the board."


def test_creating_a_user_and_changing_their_role_are_in_the_audit_trail(world):
    from app.auth.services import change_role, create_user

    made = create_user(email="new@example.org", name="New Person", role="viewer", password="a long enough phrase",
                       actor=world.admin)
    change_role(made, "director", actor=world.admin)
    events = _events(entity_type="user", entity_id=made.id)
    assert [(e.event, e.field, e.before, e.after) for e in events] == [
        ("created", None, None, None), ("changed", "role", None, "viewer"), ("changed", "role", "viewer", "director"),
    ]
    assert {e.actor_name for e in events} == {"Ada Admin"}


def test_in_the_days_after_a_month_ends_the_update_reports_on_that_month(world):
    # November's deadline is five working days after Mon 30 Nov: Mon 7 Dec.
    early = _post(world, world.lead, text="November: audits done", today=date(2026, 12, 2))
    db.session.commit()
    assert early.period == date(2026, 11, 1)
    revised = _post(world, world.second_lead, text="November: audits and training done", version=early.version,
                    today=date(2026, 12, 7))
    db.session.commit()
    assert revised.id == early.id
    december = _post(world, world.lead, text="December begins", today=date(2026, 12, 8))
    db.session.commit()
    assert december.period == date(2026, 12, 1)
