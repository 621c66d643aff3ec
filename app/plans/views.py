"""Plan pages: overview, pillar, action list and action, people, requirements."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import clock
from app.domain.lifecycle import ActionState
from app.domain.rag import Rag
from app.extensions import db
from app.models import Action, Pillar, Plan
from app.paging import paginate, paginate_by
from app.plans import queries
from app.policy import Permission, can_comment, can_post_update, can_remove_evidence, can_sign_off, requires
from app.updates import queries as update_queries

bp = Blueprint("plans", __name__)


def _plan_or_404(plan_id: int) -> Plan:
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    return plan


@bp.route("/plans")
@requires(Permission.VIEW_PLAN)
def index():
    plans = db.session.scalars(select(Plan).order_by(Plan.title)).all()
    return render_template("plans/index.html", plans=plans)


@bp.route("/plans/<int:plan_id>")
@requires(Permission.VIEW_PLAN)
def overview(plan_id: int):
    plan = _plan_or_404(plan_id)
    summary = queries.plan_overview(plan, clock.today())
    return render_template("plans/overview.html", plan=plan, summary=summary)


@bp.route("/plans/<int:plan_id>/pillars/<int:number>")
@requires(Permission.VIEW_PLAN)
def pillar(plan_id: int, number: int):
    plan = _plan_or_404(plan_id)
    pillar = db.session.scalar(
        select(Pillar)
        .where(Pillar.plan_id == plan.id, Pillar.number == number)
        .options(selectinload(Pillar.accountable_leads))
    )
    if pillar is None:
        abort(404)
    today = clock.today()
    summary = queries.pillar_summary(pillar, today)
    chosen = None
    key = request.args.get("outcome", "").strip()
    if key:
        chosen = summary.find(key)
        if chosen is None:
            abort(404)
    pagination = paginate_by(
        queries.pillar_actions(pillar, summary, chosen), current_app.config["PILLAR_ACTIONS_PER_PAGE"]
    )
    return render_template(
        "plans/pillar.html", plan=plan, pillar=pillar, summary=summary, chosen=chosen, pagination=pagination,
        groups=queries.group_by_outcome(pagination.items, summary), filters={"outcome": chosen.key} if chosen else {},
        today=today,
    )


@bp.route("/plans/<int:plan_id>/actions")
@requires(Permission.VIEW_PLAN)
def actions(plan_id: int):
    plan = _plan_or_404(plan_id)
    today = clock.today()
    filters = queries.ActionFilters.from_args(request.args)
    page = request.args.get("page", 1, type=int) or 1
    pagination = db.paginate(
        queries.filtered_actions(plan, filters, today),
        page=max(page, 1),
        per_page=current_app.config["ACTIONS_PER_PAGE"],
        error_out=False,
    )
    pillars = db.session.scalars(select(Pillar).where(Pillar.plan_id == plan.id).order_by(Pillar.number)).all()
    return render_template(
        "plans/actions.html",
        plan=plan,
        pagination=pagination,
        filters=filters,
        pillars=pillars,
        leads=queries.lead_choices(plan),
        rags=list(Rag),
        states=list(ActionState),
        today=today,
    ), (400 if filters.problems else 200)


@bp.route("/actions/<int:action_id>")
@requires(Permission.VIEW_PLAN)
def action(action_id: int):
    action = db.session.scalar(
        select(Action)
        .where(Action.id == action_id)
        .options(
            selectinload(Action.delivery_leads),
            selectinload(Action.requirements),
            selectinload(Action.pillar).selectinload(Pillar.accountable_leads),
            selectinload(Action.outcome),
        )
    )
    if action is None:
        abort(404)
    return render_template(
        "plans/action.html", plan=action.plan, action=action, today=clock.today(),
        history=update_queries.action_history(action),
        may_post=can_post_update(current_user, action), may_sign_off=can_sign_off(current_user, action),
        may_comment=can_comment(current_user, action), may_remove_evidence=can_remove_evidence(current_user),
    )


@bp.route("/plans/<int:plan_id>/people")
@requires(Permission.VIEW_PLAN)
def people(plan_id: int):
    plan = _plan_or_404(plan_id)
    today = clock.today()
    pagination = paginate(queries.plan_people_query(plan), current_app.config["PEOPLE_PER_PAGE"])
    return render_template(
        "plans/people.html", plan=plan, pagination=pagination,
        rows=queries.people_leads(plan, list(pagination.items), today),
    )


@bp.route("/plans/<int:plan_id>/requirements")
@requires(Permission.VIEW_PLAN)
def requirements(plan_id: int):
    plan = _plan_or_404(plan_id)
    requirements = queries.plan_requirements(plan)
    unanswered = [r for r in requirements if not r.actions]
    return render_template(
        "plans/requirements.html", plan=plan, requirements=requirements, unanswered=unanswered
    )
