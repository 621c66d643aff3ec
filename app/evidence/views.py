"""Evidence pages: upload to an action, download, and an administrator's removal."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from app.domain.errors import ValidationFailed
from app.errors import render_error
from app.evidence import services
from app.evidence.filetypes import ACCEPT_ATTRIBUTE
from app.evidence.storage import storage
from app.extensions import db
from app.models import Evidence
from app.policy import Permission, can_post_update, can_remove_evidence, deny, requires
from app.security import security_log
from app.updates.forms import EvidenceForm, ReasonForm
from app.updates.views import apply_problems, load_action

bp = Blueprint("evidence", __name__)


@bp.route("/actions/<int:action_id>/evidence", methods=["GET", "POST"])
@requires(Permission.POST_UPDATE)
def upload(action_id: int):
    action = load_action(action_id)
    if not can_post_update(current_user, action):
        deny("not a delivery lead of this action")
    form = EvidenceForm()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            evidence = services.upload_evidence(
                action, current_user, upload.stream if upload else None, upload.filename if upload else None
            )
        except services.TooLarge as too_large:
            db.session.rollback()
            security_log.warning("upload refused", extra={"event": "upload_rejected", "outcome": "too_large",
                                                          "action_id": action.id})
            return render_error(413, f"{too_large}. Choose a smaller file and try again.")
        except ValidationFailed as failure:
            db.session.rollback()
            security_log.warning("upload refused", extra={"event": "upload_rejected", "outcome": "refused",
                                                          "action_id": action.id, "reason": "; ".join(failure.problems.values())})
            apply_problems(form, failure.problems)
            status = 400
        else:
            try:
                db.session.commit()
            except SQLAlchemyError:
                db.session.rollback()
                storage().discard(evidence.stored_key)
                raise
            flash(f"{evidence.original_name} has been added to the evidence for action {action.reference}.", "success")
            return redirect(url_for("plans.action", action_id=action.id) + "#evidence")
    elif form.errors:
        status = 400
    return render_template("evidence/upload.html", plan=action.plan, action=action, form=form,
                           accept=ACCEPT_ATTRIBUTE), status


def _evidence_or_404(evidence_id: int) -> Evidence:
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None:
        abort(404)
    return evidence


@bp.route("/evidence/<int:evidence_id>/download")
@requires(Permission.VIEW_PLAN)
def download(evidence_id: int):
    evidence = _evidence_or_404(evidence_id)
    if evidence.is_deleted and not can_remove_evidence(current_user):
        deny("removed evidence is for administrators only")
    try:
        stream = storage().open(evidence.stored_key)
    except FileNotFoundError:
        abort(404)
    response = send_file(
        stream, mimetype=evidence.content_type, as_attachment=True, download_name=evidence.original_name,
        max_age=0, etag=evidence.sha256,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/evidence/<int:evidence_id>/remove", methods=["GET", "POST"])
@requires(Permission.REMOVE_EVIDENCE)
def remove(evidence_id: int):
    evidence = _evidence_or_404(evidence_id)
    action = load_action(evidence.action_id)
    form = ReasonForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.remove_evidence(evidence, current_user, form.reason.data)
            db.session.commit()
        except ValidationFailed as failure:
            db.session.rollback()
            apply_problems(form, failure.problems)
            status = 400
        else:
            flash(f"{evidence.original_name} has been removed. It stays in the history with your reason.", "success")
            return redirect(url_for("plans.action", action_id=action.id) + "#evidence")
    elif form.errors:
        status = 400
    return render_template("evidence/remove.html", plan=action.plan, action=action, evidence=evidence,
                           form=form), status
