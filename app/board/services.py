"""Named state changes for the board secretary. Services flush; the caller commits."""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from app import clock
from app.audit.exports import CountedRows
from app.board import exports, pack, sources
from app.board.state import PlanState, build_state, iter_action_rows, snapshot_state
from app.domain.errors import ValidationFailed
from app.extensions import db
from app.files.storage import storage as file_storage
from app.ids import parse_id
from app.models import Action, BoardMeeting, ExportJob, Plan, Snapshot, User
from app.plans.queries import ActionFilters
from app.plans.status import record_snapshot_pillars

FORMATS = ("xlsx", "csv", "pdf", "docx")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def add_board_meeting(*, plan: Plan, meeting_date: date | None, title: str, notes: str = "") -> BoardMeeting:
    problems: dict[str, str] = {}
    title = (title or "").strip()
    if meeting_date is None:
        problems["meeting_date"] = "Enter the date of the meeting, for example 27 3 2027"
    elif db.session.scalar(
        select(BoardMeeting.id).where(BoardMeeting.plan_id == plan.id, BoardMeeting.meeting_date == meeting_date)
    ):
        problems["meeting_date"] = "This plan already has a board meeting on that date"
    if not title:
        problems["title"] = "Enter a title for the meeting, for example Improvement board"
    elif len(title) > 200:
        problems["title"] = "The title must be 200 characters or fewer"
    if problems:
        raise ValidationFailed(problems)
    meeting = BoardMeeting(plan_id=plan.id, meeting_date=meeting_date, title=title, notes=(notes or "").strip() or None)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def canonical_sha256(content: dict) -> str:
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def freeze_snapshot(*, plan: Plan, meeting: BoardMeeting, actor: User) -> Snapshot:
    """Freeze the plan as at the meeting's date. One snapshot per meeting, never changed."""
    if meeting.plan_id != plan.id:
        raise ValidationFailed({"meeting": "The meeting belongs to another plan"})
    if db.session.scalar(select(Snapshot.id).where(Snapshot.board_meeting_id == meeting.id)):
        raise ValidationFailed({"meeting": "This meeting's snapshot is already frozen; a snapshot never changes"})
    state = build_state(plan, meeting.meeting_date, meeting)
    content = state.to_json()
    snapshot = Snapshot(
        plan_id=plan.id,
        board_meeting_id=meeting.id,
        as_at=meeting.meeting_date,
        frozen_by_id=actor.id,
        frozen_at=clock.now().replace(tzinfo=None),
        content=content,
        content_sha256=canonical_sha256(content),
    )
    db.session.add(snapshot)
    db.session.flush()
    record_snapshot_pillars(snapshot.id, [(pillar.number, pillar.status.rag) for pillar in state.pillars])
    return snapshot


def reporting_period(plan: Plan, meeting: BoardMeeting) -> sources.ReportingPeriod:
    """Since the day after the plan's previous meeting (or the plan's start) to this meeting."""
    from datetime import timedelta

    previous = db.session.scalar(
        select(func.max(BoardMeeting.meeting_date)).where(
            BoardMeeting.plan_id == plan.id, BoardMeeting.meeting_date < meeting.meeting_date
        )
    )
    if previous is not None:
        start = previous + timedelta(days=1)
    else:
        start = plan.start_date or meeting.meeting_date.replace(day=1)
    return sources.ReportingPeriod(start=min(start, meeting.meeting_date), end=meeting.meeting_date)


def remind_outstanding(*, plan: Plan, meeting: BoardMeeting) -> int:
    """Remind exactly the leads who still owe this period's update; how many were reminded."""
    period = reporting_period(plan, meeting)
    outstanding = sources.outstanding_updates(plan, period)
    if not outstanding:
        return 0
    return sources.send_update_reminders(plan, period, [item.action_id for item in outstanding])


# --- Exports -----------------------------------------------------------------


@dataclass
class ExportRequest:
    plan: Plan
    format: str
    snapshot: Snapshot | None = None
    filters: ActionFilters | None = None

    @property
    def as_at(self) -> date:
        return self.snapshot.as_at if self.snapshot else clock.today()

    def filename(self) -> str:
        kind = "action-log" if self.format in ("xlsx", "csv") else "board-pack"
        source = f"snapshot-{self.snapshot.id}" if self.snapshot else "live"
        return f"plan-{self.plan.id}-{kind}-{self.as_at.isoformat()}-{source}.{self.format}"


def parse_request(plan: Plan, fmt: str, snapshot_id: str | int | None, args=None) -> ExportRequest:
    """Validate what an export asks for: format, snapshot of this plan, filters."""
    problems: dict[str, str] = {}
    if fmt not in FORMATS:
        problems["format"] = f"'{fmt}' is not an export format; use one of {', '.join(FORMATS)}"
    snapshot = None
    if snapshot_id not in (None, ""):
        if (number := parse_id(snapshot_id)) is None:
            problems["snapshot"] = f"'{snapshot_id}' is not a snapshot number"
        else:
            snapshot = db.session.get(Snapshot, number)
            if snapshot is None or snapshot.plan_id != plan.id:
                problems["snapshot"] = f"Plan {plan.id} has no snapshot {snapshot_id}"
    filters = ActionFilters.from_args(args or {})
    problems.update(filters.problems)
    if problems:
        raise ValidationFailed(problems)
    return ExportRequest(plan=plan, format=fmt, snapshot=snapshot, filters=filters)


def action_count(request: ExportRequest) -> int:
    if request.snapshot is not None:
        return len(request.snapshot.content["actions"])
    return db.session.scalar(select(func.count()).select_from(Action).where(Action.plan_id == request.plan.id))


def full_state(request: ExportRequest) -> PlanState:
    if request.snapshot is not None:
        return snapshot_state(request.snapshot)
    return build_state(request.plan, request.as_at)


def log_rows(request: ExportRequest):
    """The log's rows: a snapshot's frozen rows, or the live plan's read in batches."""
    if request.snapshot is not None:
        rows = snapshot_state(request.snapshot).actions
    else:
        issues = sources.escalated_issues(request.plan, request.as_at)
        rows = iter_action_rows(request.plan, request.as_at, frozenset(i.action_id for i in issues))
    return exports.filter_rows(rows, request.filters or ActionFilters())


def _filters_text(filters: ActionFilters | None) -> str:
    if filters is None:
        return ""
    return ", ".join(f"{name}={value}" for name, value in filters.as_args().items())


def log_info(request: ExportRequest) -> exports.LogInfo:
    if request.snapshot is not None:
        content = request.snapshot.content
        return exports.LogInfo(
            plan_title=content["plan_title"], as_at=content["as_at"],
            source=f"Frozen snapshot {request.snapshot.id} ({request.snapshot.content_sha256[:12]})",
            filters=_filters_text(request.filters), rollup_rule=content["rollup_rule"],
        )
    return exports.LogInfo(
        plan_title=request.plan.title, as_at=request.as_at.isoformat(), source="Live plan",
        filters=_filters_text(request.filters), rollup_rule=request.plan.rollup_rule.describe(),
    )


def write_export(request: ExportRequest, target, progress=None) -> int:
    """Write any export to a file name or binary file object; return how many actions it holds."""
    if request.format == "xlsx":
        return exports.write_xlsx(log_rows(request), log_info(request), target, progress)
    if request.format == "csv":
        rows = CountedRows(log_rows(request))
        if isinstance(target, str | Path):
            with open(target, "wb") as handle:
                exports.write_csv(rows, handle)
        else:
            exports.write_csv(rows, target)
        return rows.count
    state = full_state(request)
    if request.filters is not None and request.filters.active:
        state.actions = list(exports.filter_rows(state.actions, request.filters))
    if request.format == "pdf":
        pack.write_pdf(state, target)
    else:
        pack.write_docx(state, target)
    return len(state.actions)


def export_kind(fmt: str) -> str:
    """What an export of this format is, as the audit trail names it."""
    return "action_log" if fmt in ("xlsx", "csv") else "board_pack"


def export_filters(request: ExportRequest) -> dict:
    """An export's choices as the audit trail keeps them: the snapshot and the action filters."""
    chosen = dict(request.filters.as_args()) if request.filters else {}
    if request.snapshot is not None:
        chosen["snapshot"] = request.snapshot.id
    return chosen


EXPORTS_FOLDER = "exports"


def export_key(filename: str) -> str:
    """Where a worker-made export's file is kept in the file storage (app/files/storage.py)."""
    return f"{EXPORTS_FOLDER}/{filename}"


def queue_export(request: ExportRequest, actor: User) -> ExportJob:
    job = ExportJob(
        plan_id=request.plan.id,
        snapshot_id=request.snapshot.id if request.snapshot else None,
        requested_by_id=actor.id,
        format=request.format,
        filters=request.filters.as_args() if request.filters else {},
        status="queued",
        progress=0,
    )
    db.session.add(job)
    db.session.flush()
    return job


def run_export_job(job_id: int) -> ExportJob | None:
    """Make a queued export's file. Commits its progress as it goes, so the page can show it."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status == "done":
        return job
    plan = db.session.get(Plan, job.plan_id)
    request = parse_request(plan, job.format, job.snapshot_id, job.filters)
    total = max(action_count(request), 1)
    job.status = "running"
    db.session.commit()

    def progress(done: int) -> None:
        job.progress = min(99, done * 100 // total)
        db.session.commit()

    name = f"export-{job.id}-{request.filename()}"
    try:
        # Made in a local temporary file, then copied into the file storage that every web
        # process and worker shares.
        with tempfile.TemporaryDirectory(prefix="pillar-export-") as folder:
            local = Path(folder) / name
            row_count = write_export(request, str(local), progress)
            with open(local, "rb") as made:
                file_storage().save(export_key(name), made)
    except Exception as error:
        db.session.rollback()
        job.status = "failed"
        job.error = f"The export could not be made: {error}"
        db.session.commit()
        raise
    job.status = "done"
    job.progress = 100
    job.row_count = row_count
    job.filename = name
    job.finished_at = clock.now().replace(tzinfo=None)
    db.session.commit()
    return job
