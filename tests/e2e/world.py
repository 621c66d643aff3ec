"""A seeded world for the browser tests: the demo plan, a frozen board snapshot, an escalation on a
director's pillar, an import preview, an export job, evidence, and an empty second plan."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.auth.services import create_user
from app.board import services as board_services
from app.demo.loader import load_demo
from app.domain.lifecycle import CLOSED_STATES
from app.domain.roles import Role
from app.evidence.storage import storage
from app.extensions import db
from app.imports import jobs
from app.imports.jobs import save_upload
from app.models import Action, Escalation, Evidence, Indicator, Person, Pillar, User
from tests import factories
from tests.samples import PDF

PASSWORD = "demo password 123"
TODAY = date(2026, 11, 23)


def seed(tmp_dir: Path) -> dict:
    """Build the world inside an app context; return plain ids and e-mail addresses."""
    current_app.config["EVIDENCE_DIR"] = str(tmp_dir / "evidence")
    result = load_demo(PASSWORD, today=TODAY)
    plan = result.plan
    emails = {}
    for sign_in in result.sign_ins:
        emails.setdefault(sign_in.role.value, sign_in.email)
    admin = create_user(email="ada.administrator@example.org", name="Ada Administrator",
                        role=Role.ADMINISTRATOR.value, password=PASSWORD)
    emails[Role.ADMINISTRATOR.value] = admin.email

    director = db.session.scalar(select(User).where(User.email == emails[Role.DIRECTOR.value]))
    pillar = db.session.scalar(
        select(Pillar).where(Pillar.plan_id == plan.id, Pillar.accountable_leads.any(Person.user_id == director.id))
        .order_by(Pillar.number)
    )
    lead = db.session.scalar(select(User).where(User.email == emails[Role.DELIVERY_LEAD.value]))
    action = db.session.scalar(
        select(Action).where(
            Action.plan_id == plan.id, Action.delivery_leads.any(Person.user_id == lead.id),
            Action.state.not_in([state.value for state in CLOSED_STATES]),
        ).order_by(Action.position)
    )
    escalated = db.session.scalar(
        select(Action).where(Action.pillar_id == pillar.id).order_by(Action.position)
    )
    escalation = Escalation(
        plan_id=plan.id, action_id=escalated.id, level=2, trigger="overdue",
        cycle_due_date=date(2026, 11, 2), raised_on=date(2026, 11, 9),
    )
    db.session.add(escalation)
    stored = storage().put(io.BytesIO(PDF))
    evidence = Evidence(action_id=action.id, original_name="audit.pdf", stored_key=stored.key,
                        content_type="application/pdf", size_bytes=stored.size_bytes, sha256=stored.sha256)
    db.session.add(evidence)

    secretary = db.session.scalar(select(User).where(User.email == emails[Role.BOARD_SECRETARY.value]))
    october = board_services.add_board_meeting(plan=plan, meeting_date=date(2026, 10, 26), title="October board")
    current_app.config["FIXED_TODAY"] = "2026-10-26"
    snapshot = board_services.freeze_snapshot(plan=plan, meeting=october, actor=secretary)
    current_app.config["FIXED_TODAY"] = TODAY.isoformat()
    meeting = board_services.add_board_meeting(plan=plan, meeting_date=date(2026, 11, 30), title="November board")
    job = board_services.queue_export(board_services.parse_request(plan, "csv", snapshot.id), admin)
    job.status, job.filename = "done", f"export-{job.id}-log.csv"
    folder = Path(current_app.config["INSTANCE_DIR"]) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / job.filename).write_bytes(b"\xef\xbb\xbfReference\r\n")

    empty = factories.plan(title="An empty plan")
    db.session.commit()
    indicator = db.session.scalar(select(Indicator).where(Indicator.plan_id == plan.id).order_by(Indicator.id))
    token = save_upload(b"Reference,Action\n1.1.1,Audit the files\n", "plan.csv").token
    # A second upload part-way through its import, so the progress page has something to show.
    running = save_upload(b"Reference,Action\n1.1.1,Audit the files\n", "large plan.csv").token
    jobs.write_status(running, jobs.RunStatus(jobs.RUNNING, 120, 300))
    return {
        "emails": emails,
        "ids": {
            "plan": plan.id, "number": pillar.number, "action": action.id, "token": token, "running_token": running,
            "indicator": indicator.id, "evidence": evidence.id, "user": lead.id, "escalation": escalation.id,
            "meeting": meeting.id, "october": october.id, "snapshot": snapshot.id, "job": job.id,
            "empty_plan": empty.id,
        },
    }
