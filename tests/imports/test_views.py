"""The import pages: upload, check Pillar's reading, correct the columns, import."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain.roles import Role
from app.extensions import db
from app.models import Action, Plan
from tests import factories
from tests.conftest import csrf_from
from tests.imports import workbooks as wb
from tests.imports.test_apply import counts
from tests.imports.test_reader import PNG


@pytest.fixture
def admin(client, auth):
    user = factories.user(Role.ADMINISTRATOR)
    auth.sign_in(user.email)
    return user


def _upload(client, data: bytes | None, filename: str = "plan.xlsx", **fields):
    page = client.get("/admin/import")
    form = {"csrf_token": csrf_from(page.get_data(as_text=True)), "pasted": "", "plan_title": "", "sheet": ""}
    form.update(fields)
    if data is not None:
        form["upload"] = (io.BytesIO(data), filename)
    return client.post("/admin/import", data=form, content_type="multipart/form-data")


def _import(client, preview_path: str, **mapping):
    page = client.get(preview_path, query_string=mapping)
    html = page.get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="(column_\d+)" value="([^"]*)"', html))
    return client.post(preview_path, data={"csrf_token": csrf_from(html), **hidden})


def test_an_administrator_uploads_the_sample_plan_checks_the_reading_and_imports_it(client, admin):
    response = _upload(client, wb.peterborough_workbook(), "peterborough.xlsx", plan_title="Safeguarding plan")
    assert response.status_code == 302
    preview_path = response.location
    page = client.get(preview_path).get_data(as_text=True)
    assert "Headings found on row 10" in page
    assert "Pillar found 2 pillars, 7 outcomes and 17 actions, to import into “Safeguarding plan”" in page
    assert '<option value="timescale" selected>Timescale</option>' in page
    assert "Pillar 2: Putting in place effective front-line practice" in page
    assert "Pillar will add 9 people it does not know yet: Malcolm Newsam, Sue Westcott" in page
    assert "1.1.1 has no due date: 31.02.12 is not a real date" in page
    assert "Import 17 actions" in page

    done = _import(client, preview_path)
    assert done.status_code == 302 and done.location.endswith("/run")
    result = client.get(done.location).get_data(as_text=True)
    assert "Plan imported" in result
    assert "Actions: 17 added, 0 updated; 2 pillars and 7 outcomes added" in result
    plan = db.session.scalar(select(Plan).where(Plan.title == "Safeguarding plan"))
    assert f'href="/plans/{plan.id}"' in result
    action = db.session.scalar(select(Action).where(Action.reference == "2.2.1"))
    assert (action.due_date, action.timescale) == (date(2012, 3, 31), "31.01.12\n31.03.12\n31.03.12")


def test_the_administrator_corrects_the_column_mapping_and_the_upload_is_kept(client, admin):
    pasted = "Ref\tWhat\tTimescale\tWho\n1.1\tAudit the files\t31.03.12\tJo Bramwell\n"
    response = _upload(client, None, pasted=pasted, plan_title="Pasted plan")
    preview_path = response.location
    first = client.get(preview_path).get_data(as_text=True)
    assert "No column for the action text" in first
    assert "actions</button>" not in first

    corrected = client.get(preview_path, query_string={"column_0": "reference", "column_1": "title", "column_2": "timescale", "column_3": "leads"})
    assert '<option value="title" selected>Action</option>' in corrected.get_data(as_text=True)
    done = _import(client, preview_path, column_0="reference", column_1="title", column_2="timescale", column_3="leads")
    assert done.status_code == 302
    action = db.session.scalar(select(Action))
    assert (action.reference, action.title, action.due_date) == ("1.1", "Audit the files", date(2012, 3, 31))
    assert [p.name for p in action.delivery_leads] == ["Jo Bramwell"]


def test_a_file_that_is_not_a_spreadsheet_is_refused_beside_the_field_keeping_what_was_typed(client, admin):
    response = _upload(client, PNG, "plan.xlsx", plan_title="Kept title")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "plan.xlsx is not an Excel workbook Pillar can read" in body
    assert 'href="#upload"' in body
    assert 'value="Kept title"' in body


@pytest.mark.parametrize(
    ("fields", "data", "message", "anchor"),
    [
        ({}, None, "Choose a file to upload, or paste a table", "upload"),
        ({"pasted": "a\tb"}, b"Reference,Action\n", "Upload a file or paste a table, not both", "pasted"),
        ({"sheet": "Nope"}, wb.nhs_tracker(), "has no sheet called &#39;Nope&#39;", "sheet"),
    ],
    ids=["nothing given", "both given", "missing sheet"],
)
def test_an_upload_form_with_a_problem_says_what_to_fix_beside_the_field(client, admin, fields, data, message, anchor):
    response = _upload(client, data, "plan.xlsx" if data != b"Reference,Action\n" else "plan.csv", **fields)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in body
    assert f'href="#{anchor}"' in body


def test_a_file_with_duplicate_references_cannot_be_imported_and_nothing_changes(client, admin):
    before = counts()
    response = _upload(client, wb.peterborough_workbook(second_1_2_1="1.2.1"), "peterborough.xlsx")
    preview_path = response.location
    page = client.get(preview_path).get_data(as_text=True)
    assert "There is a problem: this file cannot be imported yet" in page
    assert "Reference 1.2.1 is used twice (rows 17 and 18)" in page
    forced = client.post(preview_path, data={"csrf_token": csrf_from(page)})
    assert forced.status_code == 400
    assert counts() == before


def test_a_large_plan_imports_in_the_background_with_its_progress_shown(client, admin, app, celery_worker):
    app.config["IMPORT_BACKGROUND_ACTIONS"] = 3
    preview_path = _upload(client, wb.westbury_csv(), "westbury.csv", plan_title="Westbury").location
    with celery_worker.paused():
        queued = _import(client, preview_path)
        waiting = client.get(queued.location).get_data(as_text=True)
        assert "data-pillar-progress" in waiting and "Check now" in waiting
        assert "Waiting to start: 4 actions to import." in waiting
        assert db.session.scalar(select(Action.id)) is None
    finished = celery_worker.wait_for(lambda: "Plan imported" in client.get(queued.location).get_data(as_text=True))
    assert finished
    page = client.get(queued.location).get_data(as_text=True)
    assert "data-pillar-progress" not in page
    assert "Actions: 4 added, 0 updated" in page
    db.session.expire_all()
    assert db.session.scalar(select(Plan.title).where(Plan.title == "Westbury")) == "Westbury"


def test_when_the_worker_cannot_be_reached_the_page_says_so_and_nothing_changes(client, admin, app, unreachable_broker):
    app.config["IMPORT_BACKGROUND_ACTIONS"] = 3
    preview_path = _upload(client, wb.westbury_csv(), "westbury.csv").location
    page = client.get(_import(client, preview_path).location).get_data(as_text=True)
    assert "Plan not imported" in page
    assert "The background worker could not be reached; nothing was changed." in page
    assert db.session.scalar(select(Action.id)) is None


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMINISTRATOR], ids=lambda r: r.value)
def test_only_administrators_may_upload_or_import_and_a_refusal_changes_nothing(client, auth, app, role):
    from app.imports.jobs import save_upload

    token = save_upload(wb.westbury_csv(), "westbury.csv").token
    user = factories.user(role)
    auth.sign_in(user.email)
    token_page = client.get("/plans").get_data(as_text=True)
    before = counts()
    upload = client.post("/admin/import", data={"csrf_token": csrf_from(token_page), "pasted": "Reference\tAction\n1\tx\n"})
    imported = client.post(f"/admin/import/{token}", data={"csrf_token": csrf_from(token_page)})
    assert (upload.status_code, imported.status_code) == (403, 403)
    assert counts() == before
    assert not (Path(app.config["INSTANCE_DIR"]) / "imports" / token / "status.json").exists()


@pytest.mark.parametrize("token", ["nope", "x" * 22, "..%2F..%2Fsecret_key"])
def test_an_unknown_upload_is_a_404(client, admin, token):
    assert client.get(f"/admin/import/{token}").status_code == 404
    assert client.get(f"/admin/import/{token}/run").status_code == 404
