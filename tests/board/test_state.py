from __future__ import annotations

import json
from datetime import date

from app.board.state import PlanState, build_state


def test_the_state_lists_actions_in_pillar_outcome_and_position_order(board_world):
    state = build_state(board_world.plan, date(2026, 11, 23))
    assert [row.reference for row in state.actions] == ["1.1.1", "1.1.2", "1.1.3", "1.2.1", "2.1.1"]


def test_an_action_past_its_due_date_is_red_and_overdue_as_at_the_date(board_world):
    before = build_state(board_world.plan, date(2026, 10, 31))
    after = build_state(board_world.plan, date(2026, 11, 1))
    assert (before.actions[0].rag, before.actions[0].overdue) == ("green", False)
    assert (after.actions[0].rag, after.actions[0].reason, after.actions[0].overdue) == ("red", "overdue", True)


def test_pillars_roll_up_with_the_plans_rule_and_say_why(board_world):
    state = build_state(board_world.plan, date(2026, 11, 23))
    safeguarding = state.pillars[0]
    assert safeguarding.status.rag == "red"
    assert safeguarding.status.reason == "2 red, 1 amber, 1 complete"
    assert safeguarding.overdue == 1
    assert [o.reference for o in safeguarding.outcomes] == ["1.1", "1.2"]
    assert state.rollup_rule.startswith("Complete when every action is complete; Red when red actions are at least 25%")


def test_the_state_survives_a_round_trip_through_json_unchanged(board_world):
    state = build_state(board_world.plan, date(2026, 11, 23))
    again = PlanState.from_json(json.loads(json.dumps(state.to_json())))
    assert again == state


def test_leads_requirements_and_their_coverage_are_in_the_state(board_world):
    state = build_state(board_world.plan, date(2026, 11, 23))
    assert [(p.name, p.job_title) for p in state.people] == [
        ("Ann Garratt", "Head of Safeguarding"),
        ("Dana Director", "Director of Children's Services"),
        ("Lynn Chesterton", "Service Manager"),
    ]
    assert [(r.number, r.actions) for r in state.requirements] == [("IN 1", ["1.1.1"]), ("OR 3", [])]
    assert state.actions[0].delivery_leads == ["Ann Garratt", "Lynn Chesterton"]
    assert state.actions[0].links == ["IN 1"]


def test_reading_the_actions_in_small_batches_gives_the_same_rows_in_the_same_order(board_world):
    from app.board.state import iter_action_rows

    whole = list(iter_action_rows(board_world.plan, date(2026, 11, 23)))
    batched = list(iter_action_rows(board_world.plan, date(2026, 11, 23), batch_size=2))
    assert batched == whole
    assert len(whole) == 5


def _statements_to_build(plan) -> int:
    from sqlalchemy import event

    from app.extensions import db

    count = 0

    def counted(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        build_state(plan, date(2026, 11, 23))
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    return count


def test_building_the_state_takes_the_same_number_of_queries_however_many_actions(board_world):
    from app.extensions import db
    from tests import factories

    before = _statements_to_build(board_world.plan)
    outcome = board_world.actions["1.1.1"].outcome
    lead = board_world.actions["1.1.1"].delivery_leads[0]
    for n in range(20):
        factories.action(outcome, f"1.1.{100 + n}", leads=[lead], due=date(2027, 1, 1))
    db.session.commit()
    assert _statements_to_build(board_world.plan) == before
