"""The board secretary's pages: meetings, snapshots, comparison and exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.audit.exports import CountedRows, actor_of, record_export, recorded_stream
from app.board import exports, services, sources
from app.board.compare import compare, comparison_csv_rows
from app.board.forms import BoardMeetingForm
from app.board.state import snapshot_state
from app.domain.errors import ValidationFailed
from app.extensions import db
from app.files.storage import storage as file_storage
from app.ids import parse_id
from app.models import BoardMeeting, ExportJob, Plan, Snapshot
from app.policy import Permission, deny, may_see_export, requires
from app.tasks import enqueue

bp = Blueprint("board", __name__)


def _plan_or_404(plan_id: int) -> Plan:
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    return plan


def _meeting_or_404(plan: Plan, meeting_id: int) -> BoardMeeting:
    meeting = db.session.get(BoardMeeting, meeting_id)
    if meeting is None or meeting.plan_id != plan.id:
        abort(404)
    return meeting


def _snapshot_or_404(plan: Plan, snapshot_id: int) -> Snapshot:
    snapshot = db.session.get(Snapshot, snapshot_id)
    if snapshot is None or snapshot.plan_id != plan.id:
        abort(404)
    return snapshot


def _board_page(plan: Plan, form: BoardMeetingForm, status: int = 200):
    meetings = db.session.scalars(
        select(BoardMeeting)
        .where(BoardMeeting.plan_id == plan.id)
        .order_by(BoardMeeting.meeting_date.desc())
        .options(selectinload(BoardMeeting.snapshot))
    ).all()
    snapshots = db.session.scalars(
        select(Snapshot).where(Snapshot.plan_id == plan.id).order_by(Snapshot.as_at.desc(), Snapshot.id.desc())
        .options(selectinload(Snapshot.board_meeting))
    ).all()
    return render_template("board/meetings.html", plan=plan, meetings=meetings, snapshots=snapshots, form=form), status


@bp.route("/plans/<int:plan_id>/board")
@requires(Permission.DOWNLOAD_PACKS)
def meetings(plan_id: int):
    return _board_page(_plan_or_404(plan_id), BoardMeetingForm())


@bp.route("/plans/<int:plan_id>/board/meetings", methods=["POST"])
@requires(Permission.MANAGE_BOARD_MEETINGS)
def add_meeting(plan_id: int):
    plan = _plan_or_404(plan_id)
    form = BoardMeetingForm()
    if form.validate_on_submit():
        try:
            meeting = services.add_board_meeting(
                plan=plan, meeting_date=form.meeting_date.data, title=form.title.data, notes=form.notes.data
            )
        except ValidationFailed as failure:
            db.session.rollback()
            for name, message in failure.problems.items():
                getattr(form, name, form.title).errors.append(message)
            return _board_page(plan, form, 400)
        db.session.commit()
        flash(f"{meeting.title} on {meeting.meeting_date.day} {meeting.meeting_date:%B %Y} added.", "success")
        return redirect(url_for("board.meeting", plan_id=plan.id, meeting_id=meeting.id))
    if "Not a valid date value." in form.meeting_date.errors:
        form.meeting_date.errors = ["The date of the meeting must be a real date, for example 27 3 2027"]
    return _board_page(plan, form, 400)


@bp.route("/plans/<int:plan_id>/board/meetings/<int:meeting_id>")
@requires(Permission.DOWNLOAD_PACKS)
def meeting(plan_id: int, meeting_id: int):
    plan = _plan_or_404(plan_id)
    meeting = _meeting_or_404(plan, meeting_id)
    period = services.reporting_period(plan, meeting)
    outstanding = sources.outstanding_updates(plan, period)
    return render_template(
        "board/meeting.html", plan=plan, meeting=meeting, period=period, outstanding=outstanding
    )


@bp.route("/plans/<int:plan_id>/board/meetings/<int:meeting_id>/remind", methods=["POST"])
@requires(Permission.MANAGE_BOARD_MEETINGS)
def remind(plan_id: int, meeting_id: int):
    plan = _plan_or_404(plan_id)
    meeting = _meeting_or_404(plan, meeting_id)
    count = services.remind_outstanding(plan=plan, meeting=meeting)
    db.session.commit()
    if count:
        flash(f"Reminder sent to {count} {'lead' if count == 1 else 'leads'}.", "success")
    else:
        flash("Nobody owes an update for this period, so no reminder was sent.", "info")
    return redirect(url_for("board.meeting", plan_id=plan.id, meeting_id=meeting.id))


@bp.route("/plans/<int:plan_id>/board/meetings/<int:meeting_id>/freeze", methods=["POST"])
@requires(Permission.FREEZE_SNAPSHOTS)
def freeze(plan_id: int, meeting_id: int):
    plan = _plan_or_404(plan_id)
    meeting = _meeting_or_404(plan, meeting_id)
    try:
        snapshot = services.freeze_snapshot(plan=plan, meeting=meeting, actor=current_user)
        db.session.commit()
    except (ValidationFailed, IntegrityError) as failure:
        # IntegrityError: someone else froze this meeting a moment ago.
        db.session.rollback()
        message = (
            " ".join(failure.problems.values()) if isinstance(failure, ValidationFailed)
            else "This meeting's snapshot is already frozen; a snapshot never changes"
        )
        flash(message, "info")
        return redirect(url_for("board.meeting", plan_id=plan.id, meeting_id=meeting.id))
    flash(f"The plan is frozen as at {meeting.meeting_date.day} {meeting.meeting_date:%B %Y}.", "success")
    return redirect(url_for("board.snapshot", plan_id=plan.id, snapshot_id=snapshot.id))


@bp.route("/plans/<int:plan_id>/snapshots/<int:snapshot_id>")
@requires(Permission.DOWNLOAD_PACKS)
def snapshot(plan_id: int, snapshot_id: int):
    plan = _plan_or_404(plan_id)
    snapshot = _snapshot_or_404(plan, snapshot_id)
    others = db.session.scalars(
        select(Snapshot).where(Snapshot.plan_id == plan.id, Snapshot.id != snapshot.id)
        .order_by(Snapshot.as_at.desc()).options(selectinload(Snapshot.board_meeting))
    ).all()
    return render_template(
        "board/snapshot.html", plan=plan, snapshot=snapshot, state=snapshot_state(snapshot), others=others
    )


def _comparison(plan: Plan):
    problems = {}
    chosen = {}
    for name in ("from", "to"):
        number = parse_id(request.args.get(name))
        found = db.session.get(Snapshot, number) if number is not None else None
        if found is None or found.plan_id != plan.id:
            problems[name] = f"Choose the snapshot to compare {name}"
        chosen[name] = found
    if problems:
        return None, problems
    return compare(snapshot_state(chosen["from"]), snapshot_state(chosen["to"])), {}


@bp.route("/plans/<int:plan_id>/snapshots/compare")
@requires(Permission.DOWNLOAD_PACKS)
def compare_snapshots(plan_id: int):
    plan = _plan_or_404(plan_id)
    snapshots = db.session.scalars(
        select(Snapshot).where(Snapshot.plan_id == plan.id).order_by(Snapshot.as_at.desc())
        .options(selectinload(Snapshot.board_meeting))
    ).all()
    comparison, problems = _comparison(plan) if request.args else (None, {})
    return render_template(
        "board/compare.html", plan=plan, snapshots=snapshots, comparison=comparison, problems=problems,
        chosen={name: request.args.get(name, "") for name in ("from", "to")},
    ), (400 if problems else 200)


@bp.route("/plans/<int:plan_id>/snapshots/compare.csv")
@requires(Permission.DOWNLOAD_PACKS)
def compare_snapshots_csv(plan_id: int):
    plan = _plan_or_404(plan_id)
    comparison, problems = _comparison(plan)
    if problems:
        return Response("; ".join(problems.values()) + "\n", status=400, mimetype="text/plain")
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for cells in comparison_csv_rows(comparison):
        writer.writerow([exports.neutralise(cell) for cell in cells])
    record_export(current_user, "snapshot_comparison", fmt="csv", row_count=len(comparison.changes), plan_id=plan.id,
                  filters={"from": parse_id(request.args["from"]), "to": parse_id(request.args["to"])})
    db.session.commit()
    name = f"plan-{plan.id}-changes-{comparison.earlier.as_at}-to-{comparison.later.as_at}.csv"
    return Response(
        buffer.getvalue().encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/plans/<int:plan_id>/export.<fmt>")
@requires(Permission.DOWNLOAD_PACKS)
def export(plan_id: int, fmt: str):
    plan = _plan_or_404(plan_id)
    try:
        export_request = services.parse_request(plan, fmt, request.args.get("snapshot"), request.args)
    except ValidationFailed as failure:
        if "snapshot" in failure.problems and fmt in services.FORMATS:
            abort(404)
        return Response("; ".join(failure.problems.values()) + "\n", status=400, mimetype="text/plain")
    headers = {"Content-Disposition": f'attachment; filename="{export_request.filename()}"'}
    # Plain values only: a streamed export is recorded after this request's session has closed.
    what, chosen, actor = services.export_kind(fmt), services.export_filters(export_request), actor_of(current_user)
    plan_id = plan.id

    def record(row_count: int, complete: bool = True) -> None:
        record_export(actor, what, fmt=fmt, row_count=row_count, filters=chosen, plan_id=plan_id, complete=complete)

    if fmt == "csv":
        # Streamed a batch at a time: memory stays flat however big the plan.
        rows = CountedRows(services.log_rows(export_request))
        lines = (line.encode("utf-8") for line in exports.csv_lines(rows))
        return Response(
            stream_with_context(recorded_stream(lines, rows, record)),
            mimetype=services.MEDIA_TYPES["csv"],
            headers=headers,
        )
    if services.action_count(export_request) > current_app.config["EXPORT_ASYNC_THRESHOLD"]:
        return render_template("board/export_large.html", plan=plan, export_request=export_request)
    buffer = io.BytesIO()
    record(services.write_export(export_request, buffer))
    db.session.commit()
    buffer.seek(0)
    return send_file(
        buffer, mimetype=services.MEDIA_TYPES[fmt], as_attachment=True, download_name=export_request.filename()
    )


@bp.route("/plans/<int:plan_id>/exports", methods=["POST"])
@requires(Permission.DOWNLOAD_PACKS)
def queue_export(plan_id: int):
    plan = _plan_or_404(plan_id)
    try:
        export_request = services.parse_request(
            plan, request.form.get("format", ""), request.form.get("snapshot"), request.form
        )
    except ValidationFailed as failure:
        return Response("; ".join(failure.problems.values()) + "\n", status=400, mimetype="text/plain")
    job = services.queue_export(export_request, current_user)
    enqueue(current_app, "workers.board.run_export", job.id)
    db.session.commit()
    return redirect(url_for("board.export_job", plan_id=plan.id, job_id=job.id))


def _job_or_404(plan: Plan, job_id: int) -> ExportJob:
    job = db.session.get(ExportJob, job_id)
    if job is None or job.plan_id != plan.id:
        abort(404)
    if not may_see_export(current_user, job):
        deny("export belongs to another user")
    return job


@bp.route("/plans/<int:plan_id>/exports/<int:job_id>")
@requires(Permission.DOWNLOAD_PACKS)
def export_job(plan_id: int, job_id: int):
    plan = _plan_or_404(plan_id)
    job = _job_or_404(plan, job_id)
    return render_template("board/export_job.html", plan=plan, job=job)


@bp.route("/plans/<int:plan_id>/exports/<int:job_id>/file")
@requires(Permission.DOWNLOAD_PACKS)
def export_file(plan_id: int, job_id: int):
    plan = _plan_or_404(plan_id)
    job = _job_or_404(plan, job_id)
    if job.status != "done" or not job.filename:
        abort(404)
    # The stored name starts "export-<id>-": offer the plain name.
    download_name = job.filename.split("-", 2)[-1]
    try:
        stream = file_storage().open(services.export_key(Path(job.filename).name))
    except (FileNotFoundError, ValueError):  # gone (cleaned up), or a name that is not ours
        abort(404)
    chosen = {**(job.filters or {}), "snapshot": job.snapshot_id, "job": job.id}
    record_export(current_user, services.export_kind(job.format), fmt=job.format, row_count=job.row_count,
                  filters=chosen, plan_id=plan.id)
    db.session.commit()
    return send_file(stream, mimetype=services.MEDIA_TYPES[job.format], as_attachment=True,
                     download_name=download_name)
