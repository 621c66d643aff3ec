"""Role homes, the plan dashboard, search and the keep-alive behind the idle warning."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask_login import current_user

from app import clock
from app.board import services as board_services
from app.board import sources
from app.domain.rag import Rag
from app.escalations import queries as escalation_queries
from app.extensions import db
from app.journeys import queries
from app.models import Plan
from app.paging import paginate_list
from app.plans.queries import plan_overview
from app.policy import Permission, requires

bp = Blueprint("journeys", __name__)


@bp.route("/search")
@requires(Permission.VIEW_PLAN)
def search():
    words = request.args.get("q", "")
    error = None
    if "q" in request.args and not words.strip():
        error = "Enter a reference, words from an action or requirement, or a person's name"
    elif len(words) > 200:
        error = "Search for 200 characters or fewer"
    results = queries.search(words) if error is None else queries.SearchResults(query=words)
    return render_template("journeys/search.html", results=results, error=error), (400 if error else 200)


@bp.route("/plans/<int:plan_id>/dashboard")
@requires(Permission.VIEW_PLAN)
def dashboard(plan_id: int):
    plan = db.session.get(Plan, plan_id) or abort(404)
    return render_template(
        "journeys/dashboard.html", plan=plan, board=queries.dashboard(plan, clock.today()), rag_enum=Rag
    )


@bp.route("/plans/<int:plan_id>/dashboard/changes")
@requires(Permission.VIEW_PLAN)
def changes(plan_id: int):
    plan = db.session.get(Plan, plan_id) or abort(404)
    today = clock.today()
    board, found = queries.changes_since_last_board(plan, today)
    pagination = paginate_list(found, current_app.config["CHANGES_PER_PAGE"])
    return render_template("journeys/changes.html", plan=plan, board=board, today=today, pagination=pagination)


@bp.route("/director")
@requires(Permission.ESCALATION_INBOX)
def director_home():
    today = clock.today()
    person = getattr(current_user, "person", None)
    led = queries.pillars_led_by(person.id if person else None)
    led_ids = {pillar.id for pillar in led}
    plans = {pillar.plan_id: pillar.plan for pillar in led}
    mine = [
        (plan, item)
        for plan in plans.values()
        for item in plan_overview(plan, today).pillars
        if item.pillar.id in led_ids
    ]
    escalations, waiting = escalation_queries.inbox_first(current_user, current_app.config["DIRECTOR_HOME_ESCALATIONS"])
    return render_template("journeys/director.html", escalations=escalations, waiting=waiting, mine=mine)


@bp.route("/secretary")
@requires(Permission.MANAGE_BOARD_MEETINGS)
def secretary_home():
    today = clock.today()
    rows = []
    for meeting in queries.next_meetings(today).values():
        period = board_services.reporting_period(meeting.plan, meeting)
        rows.append((meeting, period, sources.outstanding_updates(meeting.plan, period)))
    plans = db.session.scalars(db.select(Plan).order_by(Plan.title)).all()
    return render_template("journeys/secretary.html", rows=rows, plans=plans)


@bp.route("/session/keep-alive", methods=["POST"])
@requires(Permission.VIEW_PLAN)
def keep_alive():
    # Reaching here has already refreshed the idle clock (app.security); say when it next runs out.
    from flask import current_app

    return jsonify({"idle_minutes": current_app.config["SESSION_IDLE_MINUTES"]})
