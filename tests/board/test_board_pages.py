from __future__ import annotations

import csv
import io
from datetime import date

import pypdf
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.board import services
from app.domain.roles import Role
from app.extensions import db
from app.models import BoardMeeting, ExportJob, Snapshot
from tests import factories
from tests.conftest import csrf_from


def _signed_in(client, auth, role):
    user = factories.user(role)
    auth.sign_in(user.email)
    return user


def _meeting(world, when=date(2026, 11, 23)):
    meeting = services.add_board_meeting(plan=world.plan, meeting_date=when, title="Improvement board")
    db.session.commit()
    return meeting


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_board_secretary_adds_a_meeting_and_freezes_the_plan_as_at_its_date(client, auth, board_world):
    _signed_in(client, auth, Role.BOARD_SECRETARY)
    page = client.get(f"/plans/{board_world.plan.id}/board")
    response = client.post(
        f"/plans/{board_world.plan.id}/board/meetings",
        data={"meeting_date": ["23", "11", "2026"], "title": "Improvement board", "notes": "",
              "csrf_token": csrf_from(page.get_data(as_text=True))},
        follow_redirects=True,
    )
    body = response.get_data(as_text=True)
    assert "Improvement board on 23 November 2026 added." in body
    assert "Freeze the plan as at 23 November 2026" in body
    meeting = db.session.scalar(select(BoardMeeting))
    response = client.post(
        f"/plans/{board_world.plan.id}/board/meetings/{meeting.id}/freeze",
        data={"csrf_token": csrf_from(body)},
        follow_redirects=True,
    )
    body = response.get_data(as_text=True)
    assert "The plan is frozen as at 23 November 2026." in body
    assert "Board pack (PDF)" in body
    assert _count(Snapshot) == 1


def test_a_bad_meeting_form_shows_the_problem_beside_the_field_and_keeps_what_was_typed(client, auth, board_world):
    _signed_in(client, auth, Role.BOARD_SECRETARY)
    page = client.get(f"/plans/{board_world.plan.id}/board")
    response = client.post(
        f"/plans/{board_world.plan.id}/board/meetings",
        data={"meeting_date": ["31", "2", "2027"], "title": "Kept title",
              "csrf_token": csrf_from(page.get_data(as_text=True))},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The date of the meeting must be a real date" in body
    assert "govuk-error-summary" in body
    assert 'value="Kept title"' in body
    assert _count(BoardMeeting) == 0


def test_a_director_cannot_add_meetings_freeze_or_send_reminders_and_nothing_changes(client, auth, board_world):
    meeting = _meeting(board_world)
    _signed_in(client, auth, Role.DIRECTOR)
    token = csrf_from(client.get(f"/plans/{board_world.plan.id}/board/meetings/{meeting.id}").get_data(as_text=True))
    plan_id = board_world.plan.id
    for path, data in (
        (f"/plans/{plan_id}/board/meetings", {"meeting_date": ["1", "12", "2026"], "title": "Sneaky"}),
        (f"/plans/{plan_id}/board/meetings/{meeting.id}/freeze", {}),
        (f"/plans/{plan_id}/board/meetings/{meeting.id}/remind", {}),
    ):
        assert client.post(path, data={**data, "csrf_token": token}).status_code == 403
    assert _count(BoardMeeting) == 1
    assert _count(Snapshot) == 0


def test_the_meeting_page_offers_no_freeze_or_reminder_to_readers(client, auth, board_world):
    meeting = _meeting(board_world)
    _signed_in(client, auth, Role.VIEWER)
    body = client.get(f"/plans/{board_world.plan.id}/board/meetings/{meeting.id}").get_data(as_text=True)
    assert "Freeze the plan" not in body
    assert "Updates still owed" in body  # readers see who owes an update, but cannot chase them
    assert "Send a reminder" not in body
    assert "Add a board meeting" not in client.get(f"/plans/{board_world.plan.id}/board").get_data(as_text=True)


def test_a_freeze_without_the_form_token_is_refused_and_changes_nothing(client, auth, board_world):
    meeting = _meeting(board_world)
    _signed_in(client, auth, Role.BOARD_SECRETARY)
    response = client.post(f"/plans/{board_world.plan.id}/board/meetings/{meeting.id}/freeze")
    assert response.status_code == 400
    assert _count(Snapshot) == 0


def test_sending_reminders_when_nobody_owes_an_update_says_so(client, auth, board_world):
    meeting = _meeting(board_world)
    _signed_in(client, auth, Role.BOARD_SECRETARY)
    page = client.get(f"/plans/{board_world.plan.id}/board/meetings/{meeting.id}")
    response = client.post(
        f"/plans/{board_world.plan.id}/board/meetings/{meeting.id}/remind",
        data={"csrf_token": csrf_from(page.get_data(as_text=True))},
        follow_redirects=True,
    )
    assert "Nobody owes an update for this period, so no reminder was sent." in response.get_data(as_text=True)


def _frozen(world):
    secretary = factories.user(Role.BOARD_SECRETARY)
    snapshot = services.freeze_snapshot(plan=world.plan, meeting=_meeting(world), actor=secretary)
    db.session.commit()
    return snapshot


def test_a_viewer_downloads_a_snapshots_pack_and_log(client, auth, board_world):
    snapshot = _frozen(board_world)
    _signed_in(client, auth, Role.VIEWER)
    base = f"/plans/{board_world.plan.id}/export"
    pdf = client.get(f"{base}.pdf?snapshot={snapshot.id}")
    assert pdf.mimetype == "application/pdf"
    assert "There are no escalated issues in this period." in " ".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.data)).pages
    )
    xlsx = client.get(f"{base}.xlsx?snapshot={snapshot.id}&rag=red")
    sheet = load_workbook(io.BytesIO(xlsx.data))["Action log"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["1.1.1", "1.1.3"]
    assert f'filename=plan-{board_world.plan.id}-action-log-2026-11-23-snapshot-{snapshot.id}.xlsx' in (
        xlsx.headers["Content-Disposition"]
    )
    # Buffered: the test client reads the streamed body inside the request's context.
    csv_response = client.get(f"{base}.csv?overdue=yes", buffered=True)
    text = csv_response.get_data().decode("utf-8")
    assert text.startswith("\ufeffReference,Pillar,")
    assert [row[0] for row in csv.reader(io.StringIO(text))][1:] == ["1.1.1"]
    docx_response = client.get(f"{base}.docx?snapshot={snapshot.id}")
    assert docx_response.mimetype.endswith("wordprocessingml.document")


def test_an_export_asking_for_nonsense_gets_a_clear_error(client, auth, board_world):
    _signed_in(client, auth, Role.VIEWER)
    base = f"/plans/{board_world.plan.id}/export"
    response = client.get(f"{base}.xlsx?rag=purple")
    assert response.status_code == 400
    assert "'purple' is not a RAG status" in response.get_data(as_text=True)
    assert client.get(f"{base}.txt").status_code == 400
    assert client.get(f"{base}.pdf?snapshot=999").status_code == 404


def test_a_large_export_is_made_in_the_background_and_offered_when_ready(app, client, auth, board_world):
    app.config["EXPORT_ASYNC_THRESHOLD"] = 3
    # No worker is running: the job waits until the task below runs it.
    celery_conf = app.extensions["celery"].conf
    celery_conf.task_always_eager = False
    _signed_in(client, auth, Role.DIRECTOR)
    page = client.get(f"/plans/{board_world.plan.id}/export.xlsx")
    body = page.get_data(as_text=True)
    assert "This export is large" in body
    response = client.post(
        f"/plans/{board_world.plan.id}/exports", data={"format": "xlsx", "csrf_token": csrf_from(body)}
    )
    job = db.session.scalar(select(ExportJob))
    assert response.location == f"/plans/{board_world.plan.id}/exports/{job.id}"
    waiting = client.get(response.location).get_data(as_text=True)
    assert "Waiting to start: 0% done" in waiting
    assert "data-pillar-progress" in waiting and "Check progress" in waiting

    from workers.board import run_export

    run_export(job.id)  # what the worker does with the queued task
    ready = client.get(response.location).get_data(as_text=True)
    assert "The file is ready." in ready
    assert "data-pillar-progress" not in ready
    download = client.get(f"{response.location}/file")
    data = download.data
    download.close()
    sheet = load_workbook(io.BytesIO(data))["Action log"]
    assert sheet.max_row == 6


@pytest.fixture(autouse=True)
def _eager_again(app):
    yield
    app.extensions["celery"].conf.task_always_eager = True


def test_someone_elses_export_is_refused(app, client, auth, board_world):
    owner = factories.user(Role.DIRECTOR)
    job = services.queue_export(services.parse_request(board_world.plan, "xlsx", None), owner)
    db.session.commit()
    _signed_in(client, auth, Role.DIRECTOR)
    assert client.get(f"/plans/{board_world.plan.id}/exports/{job.id}").status_code == 403
    assert client.get(f"/plans/{board_world.plan.id}/exports/{job.id}/file").status_code == 403


def test_the_comparison_page_lists_changes_and_exports_them(client, auth, board_world):
    secretary = factories.user(Role.BOARD_SECRETARY)
    first = services.freeze_snapshot(plan=board_world.plan, meeting=_meeting(board_world, date(2026, 10, 26)),
                                     actor=secretary)
    board_world.actions["2.1.1"].state = "complete"
    db.session.commit()
    second = services.freeze_snapshot(plan=board_world.plan, meeting=_meeting(board_world), actor=secretary)
    db.session.commit()
    _signed_in(client, auth, Role.VIEWER)
    snapshot_page = client.get(f"/plans/{board_world.plan.id}/snapshots/{second.id}").get_data(as_text=True)
    assert f"compare?from={first.id}&amp;to={second.id}" in snapshot_page
    base = f"/plans/{board_world.plan.id}/snapshots/compare"
    body = client.get(f"{base}?from={first.id}&to={second.id}").get_data(as_text=True)
    assert "Became complete" in body and "Became overdue" in body
    exported = client.get(f"{base}.csv?from={first.id}&to={second.id}").get_data().decode("utf-8")
    assert exported.startswith("\ufeffChange,Reference,Action,Before,After")
    assert "Became complete,2.1.1,Recruit social workers,Not started,Complete" in exported
    missing = client.get(f"{base}?from={first.id}")
    assert missing.status_code == 400
    assert "Choose the snapshot to compare to" in missing.get_data(as_text=True)


def test_freezing_a_meeting_again_says_it_is_already_frozen_and_keeps_the_first_snapshot(client, auth, board_world):
    snapshot = _frozen(board_world)
    _signed_in(client, auth, Role.BOARD_SECRETARY)
    page = client.get(f"/plans/{board_world.plan.id}/board").get_data(as_text=True)
    response = client.post(
        f"/plans/{board_world.plan.id}/board/meetings/{snapshot.board_meeting_id}/freeze",
        data={"csrf_token": csrf_from(page)},
        follow_redirects=True,
    )
    assert "already frozen; a snapshot never changes" in response.get_data(as_text=True)
    assert db.session.scalars(select(Snapshot.id)).all() == [snapshot.id]


def test_the_action_list_offers_its_filtered_actions_as_excel_and_csv(client, auth, board_world):
    _signed_in(client, auth, Role.VIEWER)
    plan_id = board_world.plan.id
    body = client.get(f"/plans/{plan_id}/actions?rag=red&overdue=yes").get_data(as_text=True)
    assert f"/plans/{plan_id}/export.xlsx?rag=red&amp;overdue=yes" in body
    assert f"/plans/{plan_id}/export.csv?rag=red&amp;overdue=yes" in body
    overview = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert f'href="/plans/{plan_id}/board"' in overview
