from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from app.auth.forms import SignInForm
from app.auth.services import authenticate, end_all_sessions
from app.extensions import db
from app.policy import Permission, requires, security_log

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = "Email or password is incorrect"


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: never an absolute or protocol-relative URL."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = SignInForm()
    failed = False
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.rollback()
            failed = True
            security_log.info("sign-in failed", extra={"event": "sign_in_failed"})
        else:
            db.session.commit()
            login_user(user)
            security_log.info("signed in", extra={"event": "sign_in", "user_id": user.id})
            return redirect(_safe_next(request.args.get("next")) or url_for("pages.home"))
    status = 401 if failed else (400 if form.errors else 200)
    return render_template("auth/sign_in.html", form=form, failed=failed, message=SIGN_IN_FAILED), status


@bp.route("/sign-out", methods=["POST"])
@requires(Permission.VIEW_PLAN)
def sign_out():
    end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))
