"""Administration: user accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app.admin.forms import ChangeRoleForm, NewUserForm
from app.auth.services import change_role, create_user
from app.domain.errors import ValidationFailed
from app.domain.roles import Role
from app.extensions import db
from app.models import User
from app.policy import Permission, requires, security_log

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def users():
    form = NewUserForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = create_user(
                email=form.email.data, name=form.name.data, role=form.role.data, password=form.password.data,
                actor=current_user,
            )
        except ValidationFailed as failure:
            db.session.rollback()
            for name, message in failure.problems.items():
                getattr(form, name, form.email).errors.append(message)
            status = 400
        else:
            db.session.commit()
            flash(f"{user.name} can now sign in as {Role(user.role).label.lower()}.", "success")
            return redirect(url_for("admin.users"))
    elif form.errors:
        status = 400
    users = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template("admin/users.html", form=form, users=users, Role=Role), status


@bp.route("/users/<int:user_id>/role", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def change_user_role(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = ChangeRoleForm(role=user.role)
    status = 200
    if form.validate_on_submit():
        try:
            if user.id == current_user.id:
                # An administrator demoting themselves could leave nobody able to manage users.
                raise ValidationFailed({"role": "You cannot change your own role: ask another administrator"})
            before = user.role
            change_role(user, form.role.data, actor=current_user)
        except ValidationFailed as failure:
            db.session.rollback()
            for message in failure.problems.values():
                form.role.errors.append(message)
            status = 400
        else:
            db.session.commit()
            security_log.info("role changed", extra={"event": "role_change", "outcome": "success", "user_id": user.id,
                                                     "before": before, "after": user.role})
            flash(f"{user.name} is now {Role(user.role).label.lower()}.", "success")
            return redirect(url_for("admin.users"))
    elif form.errors:
        status = 400
    return render_template("admin/change_role.html", form=form, user=user), status


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def deactivate_user(user_id: int):
    from app.admin.forms import DeactivateUserForm
    from app.auth.services import deactivate_user as deactivate

    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not DeactivateUserForm().validate_on_submit():
        abort(400)
    try:
        deactivate(user, actor=current_user)
    except ValidationFailed as failure:
        db.session.rollback()
        flash(" ".join(failure.problems.values()), "error")
        return redirect(url_for("admin.users"))
    db.session.commit()
    security_log.info("user deactivated", extra={"event": "user_deactivated", "outcome": "success",
                                                 "user_id": current_user.id, "target_user_id": user.id})
    flash(f"{user.name} can no longer sign in, and has been signed out everywhere.", "success")
    return redirect(url_for("admin.users"))
