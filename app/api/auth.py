"""Bearer-token sign-in for the API, and a request limit per token.

Only the ``Authorization: Bearer`` header signs an API request in; a browser's
session cookie does not, so cross-site requests cannot act for anyone and the
API needs no CSRF token.
"""

from __future__ import annotations

import math
import time
from datetime import timedelta

from flask import Flask, current_app, g, jsonify, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app import clock
from app.api.tokens import token_for
from app.extensions import db
from app.policy import Permission, log_refusal, permission_for


def init_api_auth(app: Flask) -> None:
    storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    app.extensions["api_throttle"] = MovingWindowRateLimiter(storage)


def error(status: int, code: str, message: str, fields: dict[str, str] | None = None, headers=None):
    body = {"status": status, "code": code, "message": message}
    if fields is not None:
        body["fields"] = fields
    return jsonify(body), status, headers or {}


def authenticate():
    """Runs before the access check: sign the request in from its token, or answer 401 in JSON."""
    if request.blueprint != "api":
        return None
    view = current_app.view_functions.get(request.endpoint)
    if permission_for(view) is Permission.PUBLIC:
        return None
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    token = token_for(secret.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        log_refusal("no valid token", status=401, outcome="unauthorised")
        return error(401, "unauthorised", "Send a valid token: Authorization: Bearer <token>",
                     headers={"WWW-Authenticate": 'Bearer realm="pillar"'})
    limiter: MovingWindowRateLimiter = current_app.extensions["api_throttle"]
    key = token.token_hash[:32]
    limit = parse(current_app.config["API_RATE_LIMIT"])
    if not limiter.hit(limit, "api-token", key):
        reset_at = limiter.get_window_stats(limit, "api-token", key).reset_time
        wait = max(1, math.ceil(reset_at - time.time()))
        return error(429, "too_many_requests", f"Too many requests with this token; try again in {wait} seconds",
                     headers={"Retry-After": str(wait)})
    now = clock.now().replace(tzinfo=None)
    # Once a minute is enough to show "last used" without a write per request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
        db.session.commit()
    # Flask-Login reads the request's user from g; setting it here keeps the session out of it.
    g._login_user = token.user
    return None
