"""The escalation and status commands."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import Escalation, StoredStatus


def test_the_sweep_command_prints_what_it_raised_per_level_and_resolved(app, world):
    world.action("1.1.1", date(2026, 11, 20))
    world.action("1.1.2", date(2026, 10, 30))
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["escalations", "sweep", "--today", "2026-11-23"])

    assert result.exit_code == 0, result.output
    assert "Raised 2 escalations: level 1: 1, level 2: 0, level 3: 1" in result.output
    assert "Resolved 0." in result.output
    assert "Sent 3 digests listing" in result.output
    again = app.test_cli_runner().invoke(args=["escalations", "sweep", "--today", "2026-11-23"])
    assert "Raised 0 escalations" in again.output
    assert db.session.scalar(select(func.count()).select_from(Escalation)) == 2


def test_a_bad_date_exits_non_zero_with_one_line(app):
    result = app.test_cli_runner().invoke(args=["escalations", "sweep", "--today", "23/11/2026"])

    assert result.exit_code != 0
    assert result.output.strip().splitlines() == ["Error: --today must be a date like 2026-11-23, not '23/11/2026'"]


def test_the_recalc_command_stores_every_status_or_one_plans(app, world):
    world.action("1.1.1", date(2027, 1, 1), rag="amber")
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["status", "recalc", "--plan", str(world.plan.id)])

    assert result.exit_code == 0, result.output
    assert "Recalculated 1 plans, 1 pillars and 1 outcomes." in result.output
    assert db.session.scalar(select(func.count()).select_from(StoredStatus)) == 3
    missing = app.test_cli_runner().invoke(args=["status", "recalc", "--plan", "999"])
    assert missing.exit_code != 0
    assert "There is no plan 999" in missing.output


def test_a_plan_sets_its_own_ladder_and_a_wrong_setting_is_refused_with_the_reason(app, world):
    runner = app.test_cli_runner()

    changed = runner.invoke(args=["escalations", "rules", "--plan", str(world.plan.id), "--level2-overdue-days", "10",
                                  "--region", "Scotland"])
    refused = runner.invoke(args=["escalations", "rules", "--plan", str(world.plan.id), "--level3-overdue-days", "3"])

    assert changed.exit_code == 0, changed.output
    assert "level2 overdue days: 10" in changed.output
    assert "Plan 1: bank holidays of scotland." in changed.output.replace(f"Plan {world.plan.id}", "Plan 1")
    assert refused.exit_code != 0
    assert "overdue days must not decrease from level 1 to level 3" in refused.output
    db.session.expire_all()
    assert (world.plan.level2_overdue_days, world.plan.level3_overdue_days, world.plan.region) == (10, 15, "scotland")
