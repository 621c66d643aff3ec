"""The director's inbox, an escalation's page and decisions, the board
secretary's list, and each person's notifications."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import clock
from app.domain.errors import ValidationFailed
from app.escalations import queries, services
from app.escalations.forms import AcknowledgeForm, ReferForm, ResolveForm, RespondForm, ReviseForm
from app.extensions import db
from app.models import EscalationState, Plan
from app.paging import paginate
from app.plans.status import request_recalculation
from app.policy import Permission, deny, may_act_on_escalation, may_see_escalation, requires

bp = Blueprint("escalations", __name__)
log = logging.getLogger("pillar.escalations")

_DECISIONS = {
    "acknowledge": (AcknowledgeForm, "Escalation acknowledged"),
    "respond": (RespondForm, "Response saved"),
    "revise": (ReviseForm, "Revised due date agreed"),
    "refer": (ReferForm, "Referred to the board"),
    "resolve": (ResolveForm, "Escalation resolved"),
}


@bp.route("/escalations/inbox")
@requires(Permission.ESCALATION_INBOX)
def inbox():
    pagination = paginate(queries.inbox_query(current_user), current_app.config["ESCALATIONS_PER_PAGE"])
    return render_template("escalations/inbox.html", pagination=pagination, escalations=pagination.items)


def _visible_escalation(escalation_id: int):
    escalation = queries.escalation(escalation_id)
    if escalation is None:
        abort(404)
    if not may_see_escalation(current_user, escalation):
        deny("not a director, secretary or lead of this escalation")
    return escalation


def _page(escalation, forms: dict | None = None, status: int = 200):
    forms = forms or {}
    for name, (form_class, _message) in _DECISIONS.items():
        # Prefixed, so the five forms on the page never share an id.
        forms.setdefault(name, form_class(formdata=None, prefix=name))
    return (
        render_template(
            "escalations/escalation.html",
            escalation=escalation,
            action=escalation.action,
            plan=db.session.get(Plan, escalation.plan_id),
            forms=forms,
            may_act=may_act_on_escalation(current_user, escalation) and escalation.is_open,
            States=EscalationState,
            form=next((f for f in forms.values() if f.errors), None),
        ),
        status,
    )


@bp.route("/escalations/<int:escalation_id>")
@requires(Permission.VIEW_PLAN)
def show(escalation_id: int):
    return _page(_visible_escalation(escalation_id))


@bp.route("/escalations/<int:escalation_id>/<decision>", methods=["POST"])
@requires(Permission.ESCALATION_INBOX)
def decide(escalation_id: int, decision: str):
    if decision not in _DECISIONS:
        abort(404)
    escalation = _visible_escalation(escalation_id)
    if not may_act_on_escalation(current_user, escalation):
        deny("not the accountable director of this pillar")
    form_class, message = _DECISIONS[decision]
    form = form_class(prefix=decision)
    if not form.validate_on_submit() and "csrf_token" in form.errors:
        abort(400)
    today = clock.today()
    try:
        if decision == "acknowledge":
            services.acknowledge(escalation, current_user)
        elif decision == "respond":
            services.respond(escalation, current_user, form.response.data or "")
        elif decision == "revise":
            unreadable = bool(form.revised_due_date.errors)
            try:
                services.agree_revised_date(
                    escalation, current_user, None if unreadable else form.revised_due_date.data,
                    form.reason.data or "", today,
                )
            except ValidationFailed as failure:
                if unreadable:
                    failure.problems["revised_due_date"] = "Enter the revised due date as a real date, like 27 3 2027"
                raise
        elif decision == "refer":
            services.refer_to_board(escalation, current_user, form.note.data or "", today)
        else:
            services.resolve(escalation, current_user, form.note.data or "", today)
    except ValidationFailed as failure:
        db.session.rollback()
        for field, problem in failure.problems.items():
            target = getattr(form, field, None)
            if target is None or not hasattr(target, "errors"):
                # A problem with the escalation itself (already resolved...): by the button, so the
                # error summary shows it like any other.
                form.submit.errors = [*form.submit.errors, problem]
                continue
            target.errors = [problem]
        escalation = _visible_escalation(escalation_id)
        return _page(escalation, {decision: form}, 400)
    action_id = escalation.action_id
    request_recalculation([action_id])
    db.session.commit()
    log.info("escalation %s: %s by user %s", escalation_id, decision, current_user.id)
    flash(message, "success")
    return redirect(url_for("escalations.show", escalation_id=escalation_id))


@bp.route("/plans/<int:plan_id>/escalations")
@requires(Permission.LIST_ESCALATIONS)
def plan_list(plan_id: int):
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    problems = {}
    level = _int_arg("level", problems, {1, 2, 3})
    pillar_number = _int_arg("pillar", problems, {pillar.number for pillar in plan.pillars})
    state = request.args.get("state") or None
    if state not in (None, "open", *[s.value for s in EscalationState]):
        problems["state"] = "Choose a state from the list"
        state = None
    escalations = queries.plan_escalations(plan.id, level, pillar_number, state)
    filters = [
        ("level", "Level", [("", "Any level")] + [(str(n), f"Level {n}") for n in (1, 2, 3)]),
        ("pillar", "Pillar", [("", "Any pillar")] + [(str(p.number), p.label) for p in plan.pillars]),
        ("state", "State", [("", "Any state"), ("open", "Not resolved")] + [(s.value, s.label) for s in EscalationState]),
    ]
    return render_template(
        "escalations/list.html",
        plan=plan,
        filters=filters,
        escalations=escalations,
        problems=problems,
        chosen={"level": level, "pillar": pillar_number, "state": state},
        States=EscalationState,
    )


def _int_arg(name: str, problems: dict, allowed: set[int]) -> int | None:
    raw = request.args.get(name) or ""
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value not in allowed:
        problems[name] = f"Choose a {name} from the list"
        return None
    return value


@bp.route("/notifications")
@requires(Permission.VIEW_PLAN)
def notifications():
    from app.notifications.digest import items_for

    digests = queries.digests_for(current_user)
    chosen = digests[0] if digests else None
    wanted = request.args.get("day")
    if wanted:
        chosen = next((digest for digest in digests if digest.sweep_date.isoformat() == wanted), None)
        if chosen is None:
            abort(404)
    items = items_for(chosen.sweep_date, [chosen.recipient_id]).get(chosen.recipient_id, []) if chosen else []
    return render_template("escalations/notifications.html", digests=digests, chosen=chosen, items=items)
