"""Delivery leads' pages: my actions, the period's update, completion, sign-off, comments."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app import clock
from app.domain.errors import ValidationFailed
from app.domain.lifecycle import ActionState
from app.domain.periods import period_label, update_deadline
from app.domain.working_days import WorkingCalendar
from app.errors import render_error
from app.evidence import services as evidence_services
from app.evidence.filetypes import ACCEPT_ATTRIBUTE
from app.extensions import db
from app.models import Action, Pillar
from app.paging import page_number, paginate
from app.plans.status import request_recalculation
from app.policy import Permission, can_comment, can_post_update, can_sign_off, deny, requires
from app.updates import forms, queries, services
from app.updates.errors import EditConflict, NotPermitted

bp = Blueprint("updates", __name__)


def load_action(action_id: int) -> Action:
    action = db.session.scalar(
        select(Action)
        .where(Action.id == action_id)
        .options(
            selectinload(Action.delivery_leads),
            selectinload(Action.pillar).selectinload(Pillar.accountable_leads),
            selectinload(Action.plan),
        )
    )
    if action is None:
        abort(404)
    return action


def apply_problems(form, problems: dict[str, str]) -> None:
    """Put each problem beside its field; one that belongs to no field goes by the submit button."""
    for name, message in problems.items():
        field = getattr(form, name, None) if name else None
        if field is None or not hasattr(field, "errors"):
            field = form.submit
        field.errors = [*field.errors, message]


def _version(form) -> int | None:
    try:
        return int(form.base_version.data)
    except (TypeError, ValueError):
        return None


@bp.route("/my-actions")
@requires(Permission.VIEW_PLAN)
def my_actions():
    today = clock.today()
    overdue_only = request.args.get("overdue", "").strip().lower() in {"1", "yes", "true", "on"}
    filters = {"overdue": "yes"} if overdue_only else {}
    person_id = queries.lead_person_id(current_user)
    if person_id is None:
        if page_number() > 1:
            abort(404)  # as for any list past its last page
        return render_template("updates/my_actions.html", rows=[], pagination=None, filters=filters, today=today)
    pagination = paginate(
        queries.my_actions_query(person_id, today, overdue_only), current_app.config["MY_ACTIONS_PER_PAGE"]
    )
    return render_template(
        "updates/my_actions.html", rows=queries.my_action_rows(list(pagination.items), today),
        pagination=pagination, filters=filters, today=today,
    )


@bp.route("/actions/<int:action_id>/update", methods=["GET", "POST"])
@requires(Permission.POST_UPDATE)
def post_update(action_id: int):
    action = load_action(action_id)
    if not can_post_update(current_user, action):
        deny("not a delivery lead of this action")
    today = clock.today()
    period = services.current_period(action, today)
    existing = services.update_for(action.id, period)
    form = forms.UpdateForm()
    if request.method == "GET" and existing is not None:
        form.proposed_rag.data = existing.proposed_rag
        form.commentary.data = existing.commentary
        form.outstanding_actions.data = existing.outstanding_actions
        form.risks.data = existing.risks
    if request.method == "GET":
        form.base_version.data = str(existing.version if existing else 0)
    conflict = None
    status = 200
    if form.validate_on_submit():
        problems: dict[str, str] = {}
        upload = form.file.data if form.file.data and form.file.data.filename else None
        checked = None
        if upload is not None:
            try:
                checked = evidence_services.check_file(upload.stream, upload.filename)
            except evidence_services.TooLarge as too_large:
                return render_error(413, f"{too_large}. Your update was not saved: go back to keep your text and choose a smaller file.")
            except ValidationFailed as failure:
                problems.update(failure.problems)
        try:
            update = services.post_update(
                action, current_user,
                services.UpdateInput(
                    proposed_rag=form.proposed_rag.data or "", commentary=form.commentary.data or "",
                    outstanding_actions=form.outstanding_actions.data or "", risks=form.risks.data or "",
                ),
                expected_version=_version(form) if _version(form) is not None else -1,
                today=today,
            )
            if not problems and checked is not None:
                evidence_services.upload_evidence(action, current_user, upload.stream, upload.filename,
                                                  update=update, checked=checked)
            if not problems:
                request_recalculation([action.id])  # sent through the outbox once this commits
                db.session.commit()
        except ValidationFailed as failure:
            problems.update(failure.problems)
        except NotPermitted as refusal:
            db.session.rollback()
            deny(str(refusal))
        except EditConflict:
            conflict = True
        except (StaleDataError, IntegrityError):
            # Two saves raced past the version check; the database kept the first.
            conflict = True
        if conflict:
            db.session.rollback()
            status = 409
            existing = services.update_for(action.id, period)
            form.base_version.data = str(existing.version if existing else 0)
            message = "Someone else saved this period's update while you were writing yours. Your text is kept below"
            if upload is not None:
                message += "; choose your file again"
            apply_problems(form, {"": message + "."})
        elif problems:
            db.session.rollback()
            status = 400
            if upload is not None and "file" not in problems:
                problems["file"] = "Choose your file again: files cannot be kept when the form has a problem"
            apply_problems(form, problems)
        else:
            flash(f"Your update for {period_label(period, action.plan.cadence)} has been posted.", "success")
            return redirect(url_for("plans.action", action_id=action.id) + "#history")
    elif form.errors:
        status = 400
    calendar = WorkingCalendar(action.plan.region)
    return render_template(
        "updates/update_form.html",
        plan=action.plan, action=action, form=form, existing=existing, conflict=conflict, today=today,
        period_label=period_label(period, action.plan.cadence),
        deadline=update_deadline(period, calendar, action.plan.update_deadline_working_days, action.plan.cadence),
        open_for_updates=action.state_enum.is_open and action.state_enum is not ActionState.AWAITING_SIGN_OFF,
        accept=ACCEPT_ATTRIBUTE,
    ), status


def _lifecycle_page(action: Action, form, template: str, run, success: str, status: int = 200, **context):
    """Shared handling for the lifecycle forms: validate, run the service, commit once, or show why not."""
    conflict = False
    if form.validate_on_submit():
        try:
            run()
            request_recalculation([action.id])  # sent through the outbox once this commits
            db.session.commit()
        except ValidationFailed as failure:
            db.session.rollback()
            apply_problems(form, failure.problems)
            status = 400
        except NotPermitted as refusal:
            db.session.rollback()
            deny(str(refusal))
        except (EditConflict, StaleDataError):
            db.session.rollback()
            conflict = True
            status = 409
            form.base_version.data = str(action.version)
            apply_problems(form, {"": (
                f"Someone else changed this action while you were working on it: it is now "
                f"{action.state_enum.label.lower()}. What you typed is kept below; check and confirm again."
            )})
        else:
            flash(success, "success")
            return redirect(url_for("plans.action", action_id=action.id))
    elif form.errors:
        status = 400
    if request.method == "GET":
        form.base_version.data = str(action.version)
    return render_template(template, plan=action.plan, action=action, form=form, conflict=conflict,
                           today=clock.today(), **context), status


@bp.route("/actions/<int:action_id>/complete", methods=["GET", "POST"])
@requires(Permission.POST_UPDATE)
def claim_completion(action_id: int):
    action = load_action(action_id)
    if not can_post_update(current_user, action):
        deny("not a delivery lead of this action")
    form = forms.ClaimCompletionForm()
    history = queries.action_history(action)
    return _lifecycle_page(
        action, form, "updates/claim_completion.html",
        lambda: services.claim_completion(action, current_user, form.note.data, expected_version=_version(form)),
        f"Action {action.reference} is now complete – awaiting sign-off by the pillar's director.",
        evidence=history.live_evidence,
    )


@bp.route("/actions/<int:action_id>/sign-off", methods=["GET", "POST"])
@requires(Permission.SIGN_OFF)
def sign_off(action_id: int):
    action = load_action(action_id)
    if not can_sign_off(current_user, action):
        deny("not an accountable director of this pillar")
    form = forms.SignOffForm()

    def run():
        decision = form.decision.data
        if decision in (forms.SIGN_OFF, forms.SIGN_OFF_MONITORING):
            services.sign_off(action, current_user, monitoring=decision == forms.SIGN_OFF_MONITORING,
                              expected_version=_version(form))
        elif decision == forms.SEND_BACK:
            services.send_back(action, current_user, form.reason.data, expected_version=_version(form))
        else:
            raise ValidationFailed({"decision": "Choose whether to sign off the action or send it back"})

    history = queries.action_history(action)
    return _lifecycle_page(action, form, "updates/sign_off.html", run,
                           f"Your decision on action {action.reference} has been recorded.",
                           evidence=history.live_evidence)


def _director_reason_page(action_id: int, change, success: str, heading: str, button: str):
    """Reopen and cancel: a director's change to an action that needs a reason."""
    action = load_action(action_id)
    if not can_sign_off(current_user, action):
        deny("not an accountable director of this pillar")
    form = forms.ReasonForm()
    return _lifecycle_page(
        action, form, "updates/reason.html",
        lambda: change(action, current_user, form.reason.data, expected_version=_version(form)),
        success.format(reference=action.reference), heading=heading, button=button,
    )


@bp.route("/actions/<int:action_id>/reopen", methods=["GET", "POST"])
@requires(Permission.SIGN_OFF)
def reopen(action_id: int):
    return _director_reason_page(
        action_id, services.reopen, "Action {reference} has been reopened.", "Reopen this action", "Reopen action"
    )


@bp.route("/actions/<int:action_id>/cancel", methods=["GET", "POST"])
@requires(Permission.SIGN_OFF)
def cancel(action_id: int):
    return _director_reason_page(
        action_id, services.cancel, "Action {reference} has been cancelled.", "Cancel this action", "Cancel action"
    )


@bp.route("/actions/<int:action_id>/comment", methods=["GET", "POST"])
@requires(Permission.COMMENT)
def comment(action_id: int):
    action = load_action(action_id)
    if not can_comment(current_user, action):
        deny("may not comment")
    form = forms.CommentForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.add_comment(action, current_user, form.body.data)
            db.session.commit()
        except ValidationFailed as failure:
            db.session.rollback()
            apply_problems(form, failure.problems)
            status = 400
        else:
            flash("Your comment has been added.", "success")
            return redirect(url_for("plans.action", action_id=action.id) + "#history")
    elif form.errors:
        status = 400
    return render_template("updates/comment.html", plan=action.plan, action=action, form=form), status
