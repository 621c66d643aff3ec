"""Pages that belong to no feature: home, accessibility statement, health."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select, text

from app.domain.roles import Role
from app.extensions import db
from app.models import Plan
from app.policy import Permission, requires

bp = Blueprint("pages", __name__)


@bp.route("/")
@requires(Permission.VIEW_PLAN)
def home():
    if current_user.role == Role.DIRECTOR.value:
        return redirect(url_for("journeys.director_home"))
    if current_user.role == Role.BOARD_SECRETARY:
        return redirect(url_for("journeys.secretary_home"))
    # Delivery leads come for what they owe: their own actions first.
    if current_user.role == Role.DELIVERY_LEAD:
        return redirect(url_for("updates.my_actions"))
    plan_ids = db.session.scalars(select(Plan.id).order_by(Plan.id).limit(2)).all()
    if len(plan_ids) == 1:
        # Board members and everyone else: the plan at a glance and what changed since the last board.
        return redirect(url_for("journeys.dashboard", plan_id=plan_ids[0]))
    return redirect(url_for("plans.index"))


@bp.route("/accessibility")
@requires(Permission.PUBLIC)
def accessibility():
    return render_template("pages/accessibility.html")


@bp.route("/health")
@requires(Permission.PUBLIC)
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify({"status": "ok"})
