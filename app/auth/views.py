from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app.auth import throttle
from app.auth.forms import SignInForm
from app.auth.services import authenticate, end_all_sessions
from app.extensions import db
from app.policy import Permission, requires, security_log

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = "Email or password is incorrect"
TOO_MANY = "Too many attempts to sign in. Wait {minutes} minute{s} and try again."


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
    message = None
    if form.validate_on_submit():
        address = request.remote_addr
        refused = throttle.refusal(form.email.data, address)
        if refused is not None:
            security_log.warning("sign-in throttled", extra={"event": "sign_in_throttled", "outcome": "refused"})
            message = TOO_MANY.format(minutes=refused.minutes, s="" if refused.minutes == 1 else "s")
            page = render_template("auth/sign_in.html", form=form, failed=True, message=message)
            return page, 429, {"Retry-After": str(refused.retry_after_seconds)}
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.rollback()
            throttle.record_failure(form.email.data, address)
            message = SIGN_IN_FAILED
            security_log.info("sign-in failed", extra={"event": "sign_in", "outcome": "failed"})
        else:
            db.session.commit()
            session.clear()  # a fresh session on sign-in: nothing carried over from before
            login_user(user)
            session["signed_in_at"] = session["seen_at"] = time.time()
            security_log.info("signed in", extra={"event": "sign_in", "outcome": "success", "user_id": user.id})
            return redirect(_safe_next(request.args.get("next")) or url_for("pages.home"))
    status = 401 if message else (400 if form.errors else 200)
    return render_template("auth/sign_in.html", form=form, failed=bool(message), message=message), status


@bp.route("/sign-out", methods=["POST"])
@requires(Permission.VIEW_PLAN)
def sign_out():
    end_all_sessions(current_user)
    db.session.commit()
    security_log.info("signed out", extra={"event": "sign_out", "outcome": "success"})
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))
