"""Every export is audited (who, what, the filters, the row count) and logged, and obeys the rules
of the pages it comes from: a role that cannot see something cannot export it."""

from __future__ import annotations

import contextvars
import csv
import io
import json
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.api.tokens import create_token, reset_calendar_secret
from app.board import services as board_services
from app.domain.roles import Role
from app.extensions import db
from app.models import AuditEvent, Escalation, Plan
from tests import factories, unchanged


@pytest.fixture
def export_world(app, tmp_path):
    """Two pillars, each with an accountable director, a lead and an escalated action, and two frozen snapshots."""
    app.config["EXPORT_ASYNC_THRESHOLD"] = 100
    plan = factories.plan("Exported plan")
    people = {}
    for role, name in ((Role.DIRECTOR, "Dana"), (Role.DIRECTOR, "Errol"), (Role.DELIVERY_LEAD, "Lynn"),
                       (Role.DELIVERY_LEAD, "Mo")):
        user = factories.user(role, name=name)
        people[name] = (user, factories.person(name, user=user))
    first = factories.outcome(factories.pillar(plan, 1, leads=[people["Dana"][1]]), "1.1")
    second = factories.outcome(factories.pillar(plan, 2, leads=[people["Errol"][1]]), "2.1")
    actions = [
        factories.action(first, "1.1.1", due=date(2026, 11, 2), rag="red", leads=[people["Lynn"][1]]),
        factories.action(first, "1.1.2", due=date(2027, 3, 1), rag="green", leads=[people["Lynn"][1]]),
        factories.action(second, "2.1.1", due=date(2026, 11, 2), rag="amber", leads=[people["Mo"][1]]),
    ]
    for action in (actions[0], actions[2]):
        db.session.add(Escalation(plan_id=plan.id, action_id=action.id, level=2, trigger="overdue",
                                  cycle_due_date=action.due_date, raised_on=date(2026, 11, 9)))
    secretary = factories.user(Role.BOARD_SECRETARY)
    snapshots = []
    for day in (date(2026, 10, 26), date(2026, 11, 23)):
        meeting = board_services.add_board_meeting(plan=plan, meeting_date=day, title="Board")
        snapshots.append(board_services.freeze_snapshot(plan=plan, meeting=meeting, actor=secretary))
        actions[1].rag = "amber"
    db.session.commit()
    return {"plan": plan.id, "snapshots": [s.id for s in snapshots], "actions": [a.id for a in actions],
            **{name: user for name, (user, _person) in people.items()}}


def _exports() -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "export")
                                   .order_by(AuditEvent.id)))


def _details(event: AuditEvent) -> dict:
    return json.loads(event.note)


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _only_export(capfd, user, **expected) -> dict:
    [event] = _exports()
    details = _details(event)
    assert (event.actor_user_id, event.actor_name) == (user.id, user.name)
    assert event.event == "exported" and event.after == str(details["rows"])
    for name, value in expected.items():
        assert details[name] == value, name
    [line] = [line for line in unchanged.security_lines(capfd) if line.get("event") == "export"]
    assert (line["actor"], line["outcome"], line["rows"], line["export"]) == (
        str(user.id), "success", details["rows"], details["export"])
    return details


def test_the_action_log_csv_records_who_took_it_with_its_filters_and_row_count(client, auth, export_world, capfd):
    viewer = factories.user(Role.VIEWER)
    auth.sign_in(viewer.email)
    response = client.get(f"/plans/{export_world['plan']}/export.csv?pillar=1&rag=red", buffered=True)
    rows = _csv_rows(response)
    assert [row[0] for row in rows[1:]] == ["1.1.1"]
    details = _only_export(capfd, viewer, export="action_log", format="csv", rows=1,
                           filters={"pillar": "1", "rag": "red"})
    assert _exports()[0].entity_id == export_world["plan"]
    assert "complete" not in details


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_a_snapshots_log_and_pack_record_the_snapshot_and_how_many_actions_they_hold(
    client, auth, export_world, capfd, fmt
):
    viewer = factories.user(Role.VIEWER)
    auth.sign_in(viewer.email)
    snapshot = export_world["snapshots"][0]
    response = client.get(f"/plans/{export_world['plan']}/export.{fmt}?snapshot={snapshot}&pillar=2")
    assert response.status_code == 200 and len(response.data) > 1000
    _only_export(capfd, viewer, export="action_log" if fmt == "xlsx" else "board_pack", format=fmt, rows=1,
                 filters={"pillar": "2", "snapshot": snapshot})


def test_the_board_pack_pdf_is_recorded(client, auth, export_world, capfd):
    secretary = factories.user(Role.BOARD_SECRETARY)
    auth.sign_in(secretary.email)
    response = client.get(f"/plans/{export_world['plan']}/export.pdf")
    assert response.data.startswith(b"%PDF")
    _only_export(capfd, secretary, export="board_pack", format="pdf", rows=3, filters={})


def test_the_snapshot_comparison_csv_records_the_two_snapshots_and_the_changes_it_lists(
    client, auth, export_world, capfd
):
    viewer = factories.user(Role.VIEWER)
    auth.sign_in(viewer.email)
    earlier, later = export_world["snapshots"]
    rows = _csv_rows(client.get(f"/plans/{export_world['plan']}/snapshots/compare.csv?from={earlier}&to={later}"))
    assert len(rows) - 1 >= 1
    _only_export(capfd, viewer, export="snapshot_comparison", rows=len(rows) - 1,
                 filters={"from": earlier, "to": later})


def test_the_audit_trail_csv_is_recorded_and_refused_to_everyone_but_administrators(
    client, auth, app, export_world, capfd
):
    from tests.conftest import Auth

    for role in set(Role) - {Role.ADMINISTRATOR}:
        other = app.test_client()
        Auth(other).sign_in(factories.user(role).email)
        assert other.get("/admin/audit.csv").status_code == 403
    assert _exports() == []
    admin = factories.user(Role.ADMINISTRATOR)
    auth.sign_in(admin.email)
    unchanged.security_lines(capfd)
    held = db.session.scalar(select(db.func.count()).select_from(AuditEvent))
    rows = _csv_rows(client.get("/admin/audit.csv"))
    assert len(rows) - 1 == held
    _only_export(capfd, admin, export="audit_trail", format="csv", rows=held)


def _headers(user) -> dict:
    _token, secret = create_token(user, "feeds")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("table", ["actions", "updates", "escalations", "indicator-values"])
def test_every_data_feed_records_the_table_and_the_rows_it_sent(client, export_world, capfd, table, fmt):
    admin = factories.user(Role.ADMINISTRATOR)
    response = client.get(f"/api/v1/feeds/{table}.{fmt}", headers=_headers(admin), buffered=True)
    sent = len(response.json) if fmt == "json" else len(_csv_rows(response)) - 1
    _only_export(capfd, admin, export="feed", format=fmt, rows=sent, filters={"table": table})


@pytest.mark.parametrize(("who", "sees"), [
    (Role.ADMINISTRATOR, ["1.1.1", "2.1.1"]), (Role.BOARD_SECRETARY, ["1.1.1", "2.1.1"]),
    ("Dana", ["1.1.1"]), ("Errol", ["2.1.1"]), ("Lynn", ["1.1.1"]), ("Mo", ["2.1.1"]),
    (Role.DIRECTOR, []), (Role.DELIVERY_LEAD, []), (Role.VIEWER, []), (Role.PERFORMANCE_OFFICER, []),
])
def test_the_escalations_feed_holds_only_what_the_user_may_see_on_the_escalation_pages(
    client, export_world, who, sees
):
    from app.policy import may_see_escalation

    user = factories.user(who) if isinstance(who, Role) else export_world[who]
    headers = _headers(user)
    fed = client.get("/api/v1/feeds/escalations.json", headers=headers, buffered=True).json
    assert [row["action_reference"] for row in fed] == sees
    listed = client.get(f"/api/v1/plans/{export_world['plan']}/escalations", headers=headers).json["items"]
    assert sorted(row["id"] for row in fed) == sorted(row["id"] for row in listed)
    allowed = [e for e in db.session.scalars(select(Escalation)) if may_see_escalation(user, e)]
    assert sorted(e.id for e in allowed) == sorted(row["id"] for row in fed)
    assert _details(_exports()[-1])["rows"] == len(sees)


@pytest.mark.parametrize(("address", "calendar"), [("/calendar/{secret}.ics", "mine"),
                                                   ("/calendar/plan/{secret}.ics", "plan")])
def test_a_calendar_feed_is_recorded_as_an_export_by_its_owner(client, export_world, capfd, address, calendar):
    lynn = export_world["Lynn"]
    secret = reset_calendar_secret(lynn)
    db.session.commit()
    body = client.get(address.format(secret=secret)).get_data(as_text=True)
    _only_export(capfd, lynn, export="calendar", format="ics", rows=body.count("BEGIN:VEVENT"),
                 filters={"calendar": calendar})


def test_a_worker_made_export_is_recorded_when_its_file_is_downloaded_and_refused_to_others(
    client, auth, app, export_world, capfd
):
    from tests.conftest import Auth, csrf_from

    app.config["EXPORT_ASYNC_THRESHOLD"] = 1
    viewer = factories.user(Role.VIEWER)
    auth.sign_in(viewer.email)
    plan = export_world["plan"]
    token = csrf_from(client.get(f"/plans/{plan}/export.xlsx?rag=amber").get_data(as_text=True))
    made = client.post(f"/plans/{plan}/exports", data={"format": "xlsx", "rag": "amber", "csrf_token": token})
    job_page = made.location
    job_id = int(job_page.rsplit("/", 1)[1])
    from workers.board import run_export

    run_export(job_id)  # what the worker does with the queued task
    assert _exports() == []  # asking for it, and making it, is not taking it

    other = app.test_client()
    Auth(other).sign_in(factories.user(Role.VIEWER).email)
    assert other.get(job_page + "/file").status_code == 403
    assert _exports() == []

    response = client.get(job_page + "/file")
    response.close()
    assert response.status_code == 200
    # 1.1.2 alone: the other two are overdue, so Red whatever was proposed.
    _only_export(capfd, viewer, export="action_log", format="xlsx", rows=1,
                 filters={"rag": "amber", "job": job_id})


def test_a_streamed_export_stopped_part_way_is_recorded_as_incomplete(client, auth, app, export_world):
    from app.models import Action

    plan = db.session.get(Plan, export_world["plan"])
    outcome = db.session.get(Action, export_world["actions"][0]).outcome
    for n in range(250):  # more than two chunks of rows
        factories.action(outcome, f"1.1.{n + 10}")
    db.session.commit()
    viewer = factories.user(Role.VIEWER)
    auth.sign_in(viewer.email)
    # The download runs in a context of its own, as a server's would, and is abandoned after one chunk.
    server = contextvars.Context()
    response = server.run(FlaskClient.open, client, f"/plans/{plan.id}/export.csv", buffered=False)
    server.run(next, iter(response.response))
    server.run(response.close)
    [event] = _exports()
    details = _details(event)
    assert details["complete"] is False
    assert details["rows"] < 253


def test_an_export_from_the_command_line_is_recorded_as_such(app, export_world, tmp_path):
    out = tmp_path / "log.csv"
    result = app.test_cli_runner().invoke(args=["plan", "export", str(export_world["plan"]), "--format", "csv",
                                                "--out", str(out)])
    assert result.exit_code == 0, result.output
    [event] = _exports()
    details = _details(event)
    assert event.actor_user_id is None and event.entity_id == export_world["plan"]
    assert (details["via"], details["rows"], details["filters"]["file"]) == ("command line", 3, str(out))
