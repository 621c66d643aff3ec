"""The migration that keeps snapshots' pillar statuses beside them copies those of snapshots
frozen before it, so the dashboard's direction of travel holds across the upgrade."""

from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app.extensions import db


def test_snapshots_frozen_before_the_migration_get_their_pillar_statuses(app):
    db.session.remove()
    downgrade(revision="20261122_api")
    content = (
        '{"pillars": [{"number": 1, "status": {"rag": "amber"}}, {"number": 2, "status": {"rag": null}}],'
        ' "actions": []}'
    )
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO plans (id, title, cadence, region, update_deadline_working_days,"
                                " rollup_method, rollup_red_threshold) VALUES (1, 'Plan', 'monthly',"
                                " 'england-and-wales', 5, 'threshold', 0.25)"))
        connection.execute(text("INSERT INTO board_meetings (id, plan_id, meeting_date, title)"
                                " VALUES (1, 1, :day, 'October board')"), {"day": date(2026, 10, 26)})
        connection.execute(text("INSERT INTO snapshots (id, plan_id, board_meeting_id, as_at, content, content_sha256)"
                                " VALUES (1, 1, 1, :day, :content, 'x')"), {"day": date(2026, 10, 26), "content": content})
    upgrade()
    with db.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT pillar_number, rag FROM snapshot_pillar_statuses WHERE snapshot_id = 1 ORDER BY pillar_number"
        )).all()
    assert [tuple(row) for row in rows] == [(1, "amber"), (2, None)]
