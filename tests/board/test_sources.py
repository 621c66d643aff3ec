"""The pack's sections drawn from the other features: commentary from updates,
escalated issues from the ladder, Improvement Notice targets from indicators,
and the secretary's reminder to exactly the leads who owe an update."""

from datetime import date, datetime

from app.board import sources
from app.board.state import build_state
from app.domain.kpi import Polarity
from app.extensions import db
from app.models import Escalation, Update
from app.notifications import LogNotifier
from app.notifications.reminders import send_update_reminders
from tests import indicator_factories


def _update(action, period, rag, text, posted):
    db.session.add(
        Update(action_id=action.id, period=period, proposed_rag=rag, effective_rag=rag, commentary=text,
               outstanding_actions=f"{text}: next", risks=f"{text}: risk", created_at=posted, updated_at=posted)
    )


def test_the_commentary_is_the_latest_update_on_or_before_the_board_date_with_its_direction(board_world):
    action = board_world.actions["1.1.1"]
    _update(action, date(2026, 9, 1), "red", "September", datetime(2026, 9, 28))
    _update(action, date(2026, 10, 1), "amber", "October", datetime(2026, 10, 29))
    _update(action, date(2026, 11, 1), "green", "November, after the board", datetime(2026, 11, 25))
    db.session.commit()

    found = sources.period_commentary(board_world.plan, date(2026, 11, 20))
    assert set(found) == {action.id}
    assert found[action.id].commentary == "October"
    assert found[action.id].outstanding == "October: next"
    assert found[action.id].risks == "October: risk"
    assert found[action.id].direction == "improved"

    only = sources.period_commentary(board_world.plan, date(2026, 11, 30), action_ids=[action.id])
    assert only[action.id].commentary == "November, after the board"
    assert sources.period_commentary(board_world.plan, date(2026, 11, 30), action_ids=[]) == {}


def test_escalated_issues_are_the_board_escalations_open_on_the_date(board_world):
    first, second = board_world.actions["1.1.1"], board_world.actions["1.1.2"]
    open_one = Escalation(plan_id=board_world.plan.id, action_id=second.id, level=3, trigger="overdue",
                          cycle_due_date=date(2026, 10, 31), raised_on=date(2026, 11, 10), state="responded",
                          response="Extra staff agreed")
    resolved = Escalation(plan_id=board_world.plan.id, action_id=first.id, level=3, trigger="referred",
                          cycle_due_date=date(2026, 10, 31), raised_on=date(2026, 11, 2), state="resolved",
                          resolved_on=date(2026, 11, 12))
    director_only = Escalation(plan_id=board_world.plan.id, action_id=first.id, level=2, trigger="overdue",
                               cycle_due_date=date(2026, 10, 31), raised_on=date(2026, 11, 5))
    db.session.add_all([open_one, resolved, director_only])
    db.session.commit()

    on_the_day = sources.escalated_issues(board_world.plan, date(2026, 11, 20))
    assert [(issue.reference, issue.director_response, issue.director) for issue in on_the_day] == [
        ("1.1.2", "Extra staff agreed", "Dana Director")
    ]
    earlier = sources.escalated_issues(board_world.plan, date(2026, 11, 11))
    assert [issue.reference for issue in earlier] == ["1.1.1", "1.1.2"]
    assert earlier[0].reason == "Referred to the board by the director"

    state = build_state(board_world.plan, date(2026, 11, 20))
    assert [issue.reference for issue in state.escalated()] == ["1.1.2"]


def test_improvement_notice_targets_come_from_the_flagged_indicators(board_world):
    indicator_factories.indicator(
        board_world.plan, "NI 59", polarity=Polarity.HIGHER, targets=[(70, date(2026, 12, 31))],
        values={"2026-09": 58, "2026-10": 61}, is_improvement_notice_target=True,
    )
    indicator_factories.indicator(board_world.plan, "LOCAL 1", values={"2026-10": 3})
    db.session.commit()
    rows = sources.improvement_notice_targets(board_world.plan, date(2026, 11, 20))
    assert len(rows) == 1
    row = rows[0]
    assert "70" in row.target
    assert row.value == "61.0%"
    assert row.previous_value == "58.0%"
    assert row.value_as_at == "2026-10-31"
    assert row.status in {"Warning", "Alert"}
    assert "Improving" in row.direction


def test_a_reminder_goes_once_to_each_lead_of_the_chosen_actions_listing_their_actions(board_world, app):
    chosen = [board_world.actions["1.1.1"].id, board_world.actions["1.1.2"].id]
    for person in board_world.actions["1.1.1"].delivery_leads:
        person.email = f"{person.name.split()[0].lower()}@example.org"
    db.session.commit()
    outbox = LogNotifier()
    reminded = send_update_reminders(board_world.plan.id, chosen, date(2026, 11, 30), notifier=outbox)
    assert reminded == 2
    by_person = {message.to: message for message in outbox.sent}
    assert set(by_person) == {"ann@example.org", "lynn@example.org"}
    ann = by_person["ann@example.org"].body
    assert "1.1.1 Audit referrals" in ann and "1.1.2" in ann
    assert f"/actions/{chosen[0]}/update" in ann
    assert "1.1.2" not in by_person["lynn@example.org"].body
    assert by_person["ann@example.org"].subject == "Pillar: your November 2026 update is due"
