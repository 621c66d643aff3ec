"""Stored roll-up statuses: the rule, its reasons, and board escalations."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event, select

from app.escalations.sweep import run_sweep
from app.extensions import db
from app.models import StoredStatus
from app.plans.status import recalculate
from tests import factories

TODAY = date(2026, 11, 23)


def _status(scope: str, scope_id: int) -> StoredStatus:
    return db.session.scalar(select(StoredStatus).where(StoredStatus.scope == scope, StoredStatus.scope_id == scope_id))


def test_statuses_are_stored_with_their_counts_and_reason(world):
    world.action("1.1.1", date(2027, 1, 1), rag="green")
    world.action("1.1.2", date(2027, 1, 1), rag="amber")
    world.action("1.1.3", date(2026, 11, 2), rag="green")  # overdue, so red
    world.action("1.1.4", date(2026, 10, 1), rag="complete", state="complete")
    second = factories.outcome(world.pillar, reference="1.2")
    factories.action(second, "1.2.1", due=date(2027, 2, 1), rag="green")
    factories.action(second, "1.2.2", due=date(2027, 2, 1), rag="green")
    empty = factories.pillar(world.plan, number=2)
    db.session.commit()

    recalculate(TODAY)
    db.session.commit()

    first = _status("outcome", world.outcome.id)
    assert (first.rag, first.red, first.amber, first.green, first.complete) == ("red", 1, 1, 1, 1)
    assert first.reason == "1 red, 1 amber, 1 green, 1 complete"  # 1 red of 3 open is at least 25%
    assert _status("outcome", second.id).rag == "green"
    pillar = _status("pillar", world.pillar.id)
    assert (pillar.rag, pillar.reason) == ("amber", "1 red, 1 amber, 3 green, 1 complete")  # 1 of 5 open
    assert (_status("pillar", empty.id).rag, _status("pillar", empty.id).reason) == (None, "no actions")
    assert _status("plan", world.plan.id).rag == "amber"


def test_an_open_board_escalation_makes_the_pillar_red_and_says_so(world):
    for n in range(1, 6):
        world.action(f"1.1.{n}", date(2027, 1, 1), rag="green")
    world.action("1.1.9", date(2026, 10, 1), rag="green")  # 15+ working days overdue
    db.session.commit()
    run_sweep(TODAY)

    recalculate(TODAY)
    db.session.commit()

    pillar = _status("pillar", world.pillar.id)
    assert pillar.rag == "red"
    assert pillar.escalated_to_board == 1
    assert pillar.reason == "1 red, 5 green; 1 escalated to the board"


def test_the_recalculation_uses_the_same_number_of_statements_for_ten_or_fifty_actions(app, world):
    def statements_for(count: int) -> int:
        for n in range(count):
            world.action(f"9.{count}.{n}", date(2027, 1, 1), rag="green")
        db.session.commit()
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            recalculate(TODAY)
            db.session.commit()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    assert statements_for(10) == statements_for(50)


def test_the_plan_pages_show_a_pillar_red_while_an_action_is_with_the_board(client, auth, world):
    from app.domain.roles import Role

    for n in range(1, 6):
        world.action(f"1.1.{n}", date(2027, 1, 1), rag="green")
    world.action("1.1.9", date(2026, 10, 1), rag="green")  # 1 red of 6: Amber by the threshold alone
    db.session.commit()
    run_sweep(TODAY)

    auth.sign_in(factories.user(Role.VIEWER).email)
    overview = client.get(f"/plans/{world.plan.id}").get_data(as_text=True)
    pillar = client.get(f"/plans/{world.plan.id}/pillars/1").get_data(as_text=True)

    assert "1 red, 5 green; 1 escalated to the board" in overview
    assert "1 red, 5 green; 1 escalated to the board" in pillar
