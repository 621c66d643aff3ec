"""Security headers, request ids, session lifetimes and the security log.

Content-Security-Policy, HSTS and friends come from Flask-Talisman; the one
inline script (GOV.UK Frontend's js-enabled switch) carries a per-request nonce.
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from urllib.parse import urlsplit

from flask import Flask, flash, g, has_request_context, redirect, request, session, url_for
from flask_login import current_user, logout_user
from flask_talisman import Talisman
from pythonjsonlogger.json import JsonFormatter

security_log = logging.getLogger("pillar.security")

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

talisman = Talisman()


class _RequestContextFilter(logging.Filter):
    """Adds the request id and the signed-in user to every security log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = getattr(g, "request_id", None)
            # The user this request has already loaded: asking current_user could load one, and a
            # load that refuses an ended session logs, which would come back here.
            user = g.get("_login_user")
            if getattr(record, "actor", None) is None:
                # A line may name its actor itself: a calendar program signs in by its address alone.
                record.actor = user.get_id().split(":")[0] if user is not None and user.is_authenticated else None
        else:  # a task or a command: whatever the caller passed
            record.request_id = getattr(record, "request_id", None)
            record.actor = getattr(record, "actor", None)
        return True


class _StandardErrorHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time, so redirection is honoured."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def _configure_security_log(app: Flask) -> None:
    if getattr(security_log, "_pillar_configured", False):
        return
    handler = _StandardErrorHandler()
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(message)s %(request_id)s %(actor)s",
            rename_fields={"asctime": "time", "levelname": "level"},
        )
    )
    handler.addFilter(_RequestContextFilter())
    security_log.addHandler(handler)
    security_log.setLevel(logging.INFO)
    security_log.propagate = False
    security_log._pillar_configured = True  # type: ignore[attr-defined]


def init_security(app: Flask) -> None:
    production = app.config["PILLAR_ENV"] == "production"
    talisman.init_app(
        app,
        force_https=production,
        strict_transport_security=True,
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=["script-src"],
        frame_options="DENY",
        referrer_policy="same-origin",
        session_cookie_secure=production,
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
    )
    _configure_security_log(app)

    from app.auth.throttle import init_throttle

    init_throttle(app)

    @app.before_request
    def assign_request_id():
        g.request_id = uuid.uuid4().hex[:16]

    @app.before_request
    def end_expired_sessions():
        if not current_user.is_authenticated:
            return None
        now = time.time()
        signed_in_at = session.setdefault("signed_in_at", now)
        seen_at = session.get("seen_at", now)
        idle = now - seen_at > app.config["SESSION_IDLE_MINUTES"] * 60
        too_old = now - signed_in_at > app.config["SESSION_ABSOLUTE_HOURS"] * 3600
        if idle or too_old:
            security_log.info(
                "session expired", extra={"event": "session_expired", "outcome": "idle" if idle else "absolute"}
            )
            logout_user()
            session.clear()  # before the flash below, which lives in the session
            flash(
                "You were signed out because you had not used Pillar for a while. Sign in again to carry on."
                if idle
                else "You were signed out because you had been signed in for a long time. Sign in again to carry on.",
                "info",
            )
            return redirect_to_sign_in()
        session["seen_at"] = now
        return None

    @app.after_request
    def private_pages_are_not_cached(response):
        if current_user and current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        response.headers["X-Request-Id"] = getattr(g, "request_id", "")
        return response


def redirect_to_sign_in():
    """To the sign-in page, coming back afterwards to the page the reader was on.

    After a GET that is the page asked for. A form posted once the session had
    ended comes back to the page the form was on (its same-site Referer), where
    the browser puts back what was typed: its own address may answer POST alone."""
    target = request.full_path.rstrip("?")
    if request.method != "GET":
        referrer = urlsplit(request.referrer or "")
        same_site = referrer.netloc == request.host and referrer.scheme in ("http", "https")
        target = (referrer.path + (f"?{referrer.query}" if referrer.query else "")) if same_site else request.path
    return redirect(url_for("auth.sign_in", next=target))
