"""The delivery lead's pages, through the real forms: my actions, updates, evidence, completion, the audit export."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Action, AuditEvent, Comment, Evidence, Update
from tests import factories, samples, updates_world
from tests.conftest import csrf_from


@pytest.fixture
def world(app, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    return updates_world.build()


def _form_page(client, path):
    page = client.get(path)
    assert page.status_code == 200, path
    return page.get_data(as_text=True)


def _hidden(html: str, name: str) -> str:
    import re

    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="{name}"', html)
    assert match, f"no hidden {name}"
    return match.group(1) if match.group(1) is not None else match.group(2)


def _update_data(html, **fields):
    data = {"csrf_token": csrf_from(html), "base_version": _hidden(html, "base_version"), "proposed_rag": "amber",
            "commentary": "Caseload audit done: 14 of 20 teams within limit.",
            "outstanding_actions": "Recruit two social workers", "risks": "Agency turnover; mitigated by retention pay"}
    data.update(fields)
    return data


def _counts():
    """Rows written by the feature (the world's user accounts have audit events of their own)."""
    return (
        *(db.session.scalar(select(func.count(m.id))) for m in (Update, Evidence, Comment)),
        db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.entity_type != "user")),
    )


def test_a_delivery_lead_lands_on_my_actions_with_due_flags_and_the_update_owed(client, auth, app):
    world = updates_world.build(due=date(2026, 11, 27))
    outcome = db.session.get(Action, world.action_id).outcome
    lead_person = world.lead.person
    factories.action(outcome, "1.1.2", due=date(2026, 11, 2), leads=[lead_person], title="Audit of overdue cases")
    factories.action(outcome, "1.1.3", due=None, leads=[lead_person], title="Undated work")
    factories.action(outcome, "1.1.4", due=date(2026, 10, 1), state="complete", leads=[lead_person], title="Old done")
    db.session.commit()
    auth.sign_in(world.lead.email)
    response = client.get("/", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert response.request.path == "/my-actions"
    order = [body.index(ref) for ref in ("1.1.2", "1.1.1", "1.1.3")]
    assert order == sorted(order)
    assert "Old done" not in body
    assert "Overdue" in body and "Due within 5 working days" in body
    assert body.count(">Owed<") == 3
    assert "November 2026, due by 7 December 2026" in body


def test_a_lead_posts_an_update_with_a_pdf_and_the_action_page_shows_it_in_the_history(client, auth, world):
    auth.sign_in(world.lead.email)
    html = _form_page(client, f"/actions/{world.action_id}/update")
    data = _update_data(html, proposed_rag="red")
    data["file"] = (io.BytesIO(samples.PDF), "caseload audit.pdf")
    response = client.post(f"/actions/{world.action_id}/update", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(f"/actions/{world.action_id}").get_data(as_text=True)
    assert "Your update for November 2026 has been posted." in page
    assert "Caseload audit done: 14 of 20 teams within limit." in page
    assert "caseload_audit.pdf" in page
    assert '<td class="govuk-table__cell pillar-pre">Amber</td>' in page  # the RAG change, before and after
    assert '<td class="govuk-table__cell pillar-pre">Red</td>' in page
    evidence = db.session.scalars(select(Evidence)).one()
    assert evidence.update_id == db.session.scalars(select(Update.id)).one()
    assert db.session.get(Action, world.action_id).rag == "red"


def test_a_bad_update_shows_each_problem_beside_its_field_and_keeps_what_was_typed(client, auth, world):
    auth.sign_in(world.lead.email)
    html = _form_page(client, f"/actions/{world.action_id}/update")
    response = client.post(f"/actions/{world.action_id}/update",
                           data=_update_data(html, proposed_rag="", commentary="", risks="Kept risk text"))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose the RAG rating you propose for this period" in body
    assert "Enter the key activity in the period" in body
    assert 'href="#commentary"' in body
    assert "Kept risk text" in body
    assert _counts() == (0, 0, 0, 0)


def test_a_second_leads_stale_save_is_refused_showing_both_texts_and_changing_nothing(client, auth, world, app):
    from tests.conftest import Auth

    auth.sign_in(world.lead.email)
    first_form = _form_page(client, f"/actions/{world.action_id}/update")
    other = app.test_client()
    Auth(other).sign_in(world.second_lead.email)
    second_form = _form_page(other, f"/actions/{world.action_id}/update")
    assert client.post(f"/actions/{world.action_id}/update",
                       data=_update_data(first_form, commentary="Priya's account of November")).status_code == 302
    before = _counts()
    response = other.post(f"/actions/{world.action_id}/update",
                          data=_update_data(second_form, commentary="Tom's account, typed at length"))
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this period&#39;s update while you were writing yours" in body
    assert "Tom&#39;s account, typed at length" in body  # his, kept in the form
    assert "Priya&#39;s account of November" in body  # theirs, shown
    assert _counts() == before
    assert db.session.scalars(select(Update.commentary)).one() == "Priya's account of November"
    # Posting again from the refused page is a deliberate overwrite, and the earlier text is kept.
    again = other.post(f"/actions/{world.action_id}/update",
                       data=_update_data(body, commentary="Tom's account, typed at length"))
    assert again.status_code == 302
    page = client.get(f"/actions/{world.action_id}").get_data(as_text=True)
    assert "Earlier text of this update" in page and "Priya&#39;s account of November" in page


@pytest.mark.parametrize("who", ["other_lead", "director", "viewer"])
def test_only_the_actions_leads_post_updates_and_upload_evidence_others_get_403_and_nothing_changes(
    client, auth, world, who
):
    auth.sign_in(getattr(world, who).email)
    token = csrf_from(client.get("/accessibility").get_data(as_text=True))
    update = client.post(f"/actions/{world.action_id}/update",
                         data={"csrf_token": token, "base_version": "0", "proposed_rag": "green", "commentary": "x"})
    upload = client.post(f"/actions/{world.action_id}/evidence", content_type="multipart/form-data",
                         data={"csrf_token": token, "file": (io.BytesIO(samples.PDF), "a.pdf")})
    claim = client.post(f"/actions/{world.action_id}/complete", data={"csrf_token": token, "note": "done"})
    assert (update.status_code, upload.status_code, claim.status_code) == (403, 403, 403)
    assert _counts() == (0, 0, 0, 0)


@pytest.mark.parametrize("who", ["lead", "other_director", "viewer"])
def test_only_the_pillars_director_signs_off_reopens_or_cancels_others_get_403(client, auth, world, who):
    action = world.action
    action.state = "awaiting_sign_off"
    db.session.commit()
    auth.sign_in(getattr(world, who).email)
    token = csrf_from(client.get("/accessibility").get_data(as_text=True))
    for path, data in (("sign-off", {"decision": "sign_off"}), ("reopen", {"reason": "x"}), ("cancel", {"reason": "x"})):
        response = client.post(f"/actions/{world.action_id}/{path}", data={"csrf_token": token, **data})
        assert response.status_code == 403, path
    db.session.expire_all()
    assert world.action.state == "awaiting_sign_off"
    assert _counts() == (0, 0, 0, 0)


def test_leads_and_viewers_cannot_comment_and_a_director_can(client, auth, world):
    auth.sign_in(world.lead.email)
    token = csrf_from(client.get("/accessibility").get_data(as_text=True))
    assert client.post(f"/actions/{world.action_id}/comment", data={"csrf_token": token, "body": "hi"}).status_code == 403
    assert _counts() == (0, 0, 0, 0)
    auth.sign_out()
    auth.sign_in(world.director.email)
    html = _form_page(client, f"/actions/{world.action_id}/comment")
    response = client.post(f"/actions/{world.action_id}/comment",
                           data={"csrf_token": csrf_from(html), "body": "Bring the audit to the board"},
                           follow_redirects=True)
    assert "Bring the audit to the board" in response.get_data(as_text=True)


def _upload(client, world, content, name):
    html = _form_page(client, f"/actions/{world.action_id}/evidence")
    return client.post(f"/actions/{world.action_id}/evidence", content_type="multipart/form-data",
                       data={"csrf_token": csrf_from(html), "file": (io.BytesIO(content), name)})


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("minutes.pdf", samples.windows_executable(), "a .pdf file must be a PDF"),
        ("empty.pdf", b"", "The selected file is empty"),
        ("script.html", b"<script>alert(1)</script>", "does not accept .html files"),
    ],
)
def test_a_bad_upload_is_refused_beside_the_file_field(client, auth, world, name, content, message):
    auth.sign_in(world.lead.email)
    response = _upload(client, world, content, name)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _counts() == (0, 0, 0, 0)


def test_an_oversize_file_gets_the_413_page_with_the_limit_not_a_stack_trace(client, auth, world, app):
    auth.sign_in(world.lead.email)
    app.config["EVIDENCE_MAX_BYTES"] = 200
    response = _upload(client, world, samples.PDF + b"0" * 300, "big.pdf")
    assert response.status_code == 413
    assert "Evidence files can be up to 200 bytes" in response.get_data(as_text=True)
    # A request bigger than the server accepts at all is refused before it is read.
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = _upload(client, world, samples.PDF + b"0" * 5000, "bigger.pdf")
    assert response.status_code == 413
    assert "The file is too large" in response.get_data(as_text=True)
    assert "Evidence files can be up to 200 bytes" in response.get_data(as_text=True)
    assert _counts() == (0, 0, 0, 0)


def test_a_path_traversal_name_is_cleaned_and_the_download_is_an_attachment_that_is_not_sniffed(client, auth, world):
    auth.sign_in(world.lead.email)
    assert _upload(client, world, samples.PDF, "../../../etc/cron.d/audit.pdf").status_code == 302
    evidence = db.session.scalars(select(Evidence)).one()
    assert evidence.original_name == "audit.pdf"
    auth.sign_out()
    auth.sign_in(world.viewer.email)
    response = client.get(f"/evidence/{evidence.id}/download")
    assert response.status_code == 200
    assert response.data == samples.PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "audit.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"
    response.close()


def test_removed_evidence_stays_listed_with_the_reason_and_only_administrators_download_it(client, auth, world):
    auth.sign_in(world.lead.email)
    _upload(client, world, samples.PDF, "audit.pdf")
    evidence_id = db.session.scalars(select(Evidence.id)).one()
    token = csrf_from(client.get("/accessibility").get_data(as_text=True))
    assert client.post(f"/evidence/{evidence_id}/remove", data={"csrf_token": token, "reason": "x"}).status_code == 403
    auth.sign_out()
    auth.sign_in(world.admin.email)
    html = _form_page(client, f"/evidence/{evidence_id}/remove")
    empty = client.post(f"/evidence/{evidence_id}/remove", data={"csrf_token": csrf_from(html), "reason": ""})
    assert empty.status_code == 400
    client.post(f"/evidence/{evidence_id}/remove", data={"csrf_token": csrf_from(html), "reason": "Wrong child's file"})
    download = client.get(f"/evidence/{evidence_id}/download")
    download.close()
    assert download.status_code == 200
    auth.sign_out()
    auth.sign_in(world.viewer.email)
    page = client.get(f"/actions/{world.action_id}").get_data(as_text=True)
    assert "Removed" in page and "Wrong child&#39;s file" in page
    assert client.get(f"/evidence/{evidence_id}/download").status_code == 403


def test_completion_is_claimed_with_evidence_and_counts_only_once_the_director_signs_it_off(client, auth, world):
    auth.sign_in(world.lead.email)
    html = _form_page(client, f"/actions/{world.action_id}/complete")
    refused = client.post(f"/actions/{world.action_id}/complete",
                          data={"csrf_token": csrf_from(html), "base_version": _hidden(html, "base_version"),
                                "note": "Delivered"})
    assert refused.status_code == 400
    assert "Upload at least one evidence file before claiming completion" in refused.get_data(as_text=True)
    assert "Delivered" in refused.get_data(as_text=True)
    _upload(client, world, samples.PDF, "audit.pdf")
    html = _form_page(client, f"/actions/{world.action_id}/complete")
    client.post(f"/actions/{world.action_id}/complete",
                data={"csrf_token": csrf_from(html), "base_version": _hidden(html, "base_version"), "note": "Delivered"})
    page = client.get(f"/actions/{world.action_id}").get_data(as_text=True)
    assert "Complete – awaiting sign-off" in page
    auth.sign_out()
    auth.sign_in(world.director.email)
    html = _form_page(client, f"/actions/{world.action_id}/sign-off")
    back = client.post(f"/actions/{world.action_id}/sign-off",
                       data={"csrf_token": csrf_from(html), "base_version": _hidden(html, "base_version"),
                             "decision": "send_back", "reason": ""})
    assert back.status_code == 400
    assert "Enter the reason for sending the action back" in back.get_data(as_text=True)
    client.post(f"/actions/{world.action_id}/sign-off",
                data={"csrf_token": csrf_from(html), "base_version": _hidden(html, "base_version"),
                      "decision": "sign_off"})
    db.session.expire_all()
    assert world.action.state == "complete"


def test_a_stale_lifecycle_form_is_refused_with_409_and_keeps_the_reason(client, auth, world):
    auth.sign_in(world.director.email)
    html = _form_page(client, f"/actions/{world.action_id}/cancel")
    action = world.action
    action.title = "Renamed meanwhile"
    db.session.commit()
    response = client.post(f"/actions/{world.action_id}/cancel",
                           data={"csrf_token": csrf_from(html), "base_version": _hidden(html, "base_version"),
                                 "reason": "Superseded by 2.1.3"})
    assert response.status_code == 409
    assert "Superseded by 2.1.3" in response.get_data(as_text=True)
    db.session.expire_all()
    assert world.action.state == "in_progress"


def test_administrators_export_the_audit_trail_as_csv_with_formulas_neutralised(client, auth, world):
    from app.updates import services

    services.add_comment(world.action, world.director, "=HYPERLINK(\"http://evil\")")
    db.session.commit()
    auth.sign_in(world.director.email)
    assert client.get("/admin/audit.csv").status_code == 403
    auth.sign_out()
    auth.sign_in(world.admin.email)
    response = client.get("/admin/audit.csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="pillar-audit-2026-11-23.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    comment = next(row for row in rows if row["entity_type"] == "comment")
    assert comment["after"] == "'=HYPERLINK(\"http://evil\")"
    assert comment["actor"] == "Dana Reid"
    assert {row["entity_type"] for row in rows} >= {"user", "comment"}


def test_an_administrator_changes_a_role_which_is_audited_and_others_are_refused(client, auth, world):
    from app.models import User

    auth.sign_in(world.director.email)
    token = csrf_from(client.get("/accessibility").get_data(as_text=True))
    denied = client.post(f"/admin/users/{world.viewer.id}/role", data={"csrf_token": token, "role": "administrator"})
    assert denied.status_code == 403
    db.session.expire_all()
    assert db.session.get(User, world.viewer.id).role == "viewer"
    auth.sign_out()
    auth.sign_in(world.admin.email)
    html = _form_page(client, f"/admin/users/{world.admin.id}/role")
    own = client.post(f"/admin/users/{world.admin.id}/role", data={"csrf_token": csrf_from(html), "role": "viewer"})
    assert own.status_code == 400
    assert "You cannot change your own role" in own.get_data(as_text=True)
    html = _form_page(client, f"/admin/users/{world.viewer.id}/role")
    response = client.post(f"/admin/users/{world.viewer.id}/role", data={"csrf_token": csrf_from(html), "role": "director"},
                           follow_redirects=True)
    assert "Vic Viewer is now director." in response.get_data(as_text=True)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_id == world.viewer.id,
                                                        AuditEvent.entity_type == "user").order_by(AuditEvent.id.desc())).first()
    assert (event.field, event.before, event.after, event.actor_name) == ("role", "viewer", "director", "Ada Admin")


def test_posting_an_update_asks_the_worker_to_recalculate_its_pillar_and_plan(client, auth, world, app):
    from app.models import OutboxMessage, StoredStatus

    auth.sign_in(world.lead.email)
    html = _form_page(client, f"/actions/{world.action_id}/update")
    response = client.post(f"/actions/{world.action_id}/update", data=_update_data(html, proposed_rag="red"))
    assert response.status_code == 302
    db.session.expire_all()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.task_name == "workers.plans.recalculate_for_actions"
    assert message.args == [[world.action_id]]

    app.extensions["celery"].tasks[message.task_name].apply(args=message.args)  # what the worker does
    db.session.commit()
    stored = {row.scope: row for row in db.session.scalars(select(StoredStatus))}
    assert stored["pillar"].rag == "red" and stored["pillar"].red == 1
    assert stored["plan"].reason.startswith("1 red")


def _security_events(capfd) -> list[dict]:
    import json

    return [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]


def test_refused_uploads_and_forged_forms_reach_the_security_log(client, auth, world, app, capfd):
    auth.sign_in(world.lead.email)
    capfd.readouterr()
    _upload(client, world, samples.windows_executable(), "minutes.pdf")
    app.config["EVIDENCE_MAX_BYTES"] = 200
    _upload(client, world, samples.PDF + b"0" * 300, "big.pdf")
    client.post(f"/actions/{world.action_id}/evidence", data={"csrf_token": "forged"})
    events = _security_events(capfd)
    rejected = [line for line in events if line.get("event") == "upload_rejected"]
    assert [line["outcome"] for line in rejected] == ["refused", "too_large"]
    assert rejected[0]["actor"] == str(world.lead.id) and rejected[0]["action_id"] == world.action_id
    assert "must be a PDF" in rejected[0]["reason"]
    assert any(line.get("event") == "csrf_failed" and line["outcome"] == "refused" for line in events)
    assert "forged" not in "\n".join(str(line) for line in events)
