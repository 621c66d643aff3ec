"""The signed-in user's own account."""

from __future__ import annotations

import time

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_user

from app.auth.services import change_password
from app.domain.errors import ValidationFailed
from app.extensions import db
from app.policy import Permission, requires, security_log
from app.profile.forms import ChangePasswordForm

# Shares /profile with the API profile page (app/api/profile.py), under its own name.
bp = Blueprint("account", __name__, url_prefix="/profile")


@bp.route("/password", methods=["GET", "POST"])
@requires(Permission.VIEW_PLAN)
def change_own_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_password(user, current_password=form.current_password.data or "",
                            new_password=form.new_password.data or "")
        except ValidationFailed as failure:
            db.session.rollback()
            for name, message in failure.problems.items():
                getattr(form, name).errors.append(message)
            status = 400
        else:
            db.session.commit()
            # Every other session has ended; this one carries on under the new session version,
            # keeping its original sign-in time so the absolute timeout is not extended.
            signed_in_at = session.get("signed_in_at", time.time())
            session.clear()
            login_user(user)
            session["signed_in_at"], session["seen_at"] = signed_in_at, time.time()
            security_log.info("password changed", extra={"event": "password_change", "outcome": "success",
                                                         "user_id": user.id})
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("account.change_own_password"))
    elif form.errors:
        status = 400
    return render_template("profile/password.html", form=form), status
