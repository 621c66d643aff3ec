"""Importing a plan: upload, see Pillar's reading and correct the mapping, import."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from app.ids import parse_id
from app.imports import jobs
from app.imports.forms import UploadForm
from app.imports.headers import Field
from app.imports.reader import UnreadableFile, read_pasted, read_upload
from app.policy import Permission, requires
from app.tasks import send_now

bp = Blueprint("imports", __name__, url_prefix="/admin/import")


@bp.route("", methods=["GET", "POST"])
@requires(Permission.IMPORT_PLANS)
def new():
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("imports/new.html", form=form), 400 if form.errors else 200
    upload = form.upload.data
    pasted = (form.pasted.data or "").strip()
    if upload and upload.filename and pasted:
        form.pasted.errors.append("Upload a file or paste a table, not both")
        return render_template("imports/new.html", form=form), 400
    if upload and upload.filename:
        data = upload.read(current_app.config["IMPORT_MAX_BYTES"] + 1)
        filename, field = upload.filename, form.upload
    elif pasted:
        data, filename, field = pasted.encode("utf-8"), "pasted table", form.pasted
    else:
        form.upload.errors.append("Choose a file to upload, or paste a table")
        return render_template("imports/new.html", form=form), 400
    if len(data) > current_app.config["IMPORT_MAX_BYTES"]:
        limit = current_app.config["IMPORT_MAX_BYTES"] // (1024 * 1024)
        field.errors.append(f"The file must be smaller than {limit} MB")
        return render_template("imports/new.html", form=form), 400
    try:
        # Read it now, so a file that is not a spreadsheet is refused on this page.
        if field is form.pasted:
            read_pasted(pasted)
        else:
            read_upload(data, filename, form.sheet.data or None)
    except UnreadableFile as problem:
        target = form.sheet if "no sheet called" in str(problem) else field
        target.errors.append(str(problem))
        return render_template("imports/new.html", form=form), 400
    saved = jobs.save_upload(
        data, filename, pasted=field is form.pasted, sheet=form.sheet.data, plan_title=form.plan_title.data,
        user_id=current_user.id,
    )
    return redirect(url_for("imports.preview", token=saved.token))


def _upload_or_404(token: str) -> jobs.Upload:
    upload = jobs.load_upload(token)
    if upload is None:
        abort(404)
    return upload


def _overrides(values) -> tuple[dict[int, Field | None] | None, list[str]]:
    """The column mapping posted by the preview's selects (column_0=reference, ...), and what in it
    is not a choice the selects offer."""
    overrides: dict[int, Field | None] = {}
    problems: list[str] = []
    for key, value in values.items():
        column = parse_id(key[7:]) if isinstance(key, str) and key.startswith("column_") else None
        if column is None:
            continue
        try:
            overrides[column] = Field(value) if value else None
        except ValueError:
            problems.append(f"Choose what column {column + 1} holds from the list")
    return overrides or None, problems


@bp.route("/<token>", methods=["GET", "POST"])
@requires(Permission.IMPORT_PLANS)
def preview(token: str):
    upload = _upload_or_404(token)
    source = request.form if request.method == "POST" else request.args
    overrides, problems = _overrides(source)
    try:
        reading = jobs.read(upload, overrides)
    except UnreadableFile:
        abort(404)  # checked on upload; only a removed file gets here
    if request.method == "GET" or problems or not reading.can_import():
        status = 400 if request.method == "POST" or problems else 200
        return render_template("imports/preview.html", upload=upload, reading=reading, Field=Field,
                               people_to_create=_people_to_create(reading), problems=problems), status
    if len(reading.actions) > current_app.config["IMPORT_BACKGROUND_ACTIONS"]:
        jobs.write_status(token, jobs.RunStatus(jobs.QUEUED, 0, len(reading.actions)))
        encoded = jobs.encode_overrides(overrides or {})
        if not send_now(current_app, "workers.imports.run_import", token, encoded):
            jobs.write_status(token, jobs.RunStatus(jobs.FAILED, lines=[
                "The background worker could not be reached; nothing was changed. Try again in a few minutes."
            ]))
    else:
        jobs.run_import(token, overrides)
    return redirect(url_for("imports.run", token=token))


def _people_to_create(reading) -> list[str]:
    known = {name.casefold() for name in jobs.known_people()}
    return [name for name in reading.people if name.casefold() not in known]


@bp.route("/<token>/run")
@requires(Permission.IMPORT_PLANS)
def run(token: str):
    upload = _upload_or_404(token)
    status = jobs.read_status(token)
    if status is None:
        return redirect(url_for("imports.preview", token=token))
    return render_template("imports/run.html", upload=upload, status=status)
