"""Plain error pages with a reference that matches a log line."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, g, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from app.extensions import db, login_manager

log = logging.getLogger("pillar.errors")

_MESSAGES = {
    400: ("Something was wrong with that request", "Go back, check what you entered and try again."),
    403: ("You do not have permission to see this page", "Ask your plan administrator if you need access."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("That cannot be done here", "Go back and try again from the page."),
    413: ("The file is too large", "Choose a smaller file and try again."),
    429: ("Too many attempts", "Wait a few minutes, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
    503: ("Sorry, the service is unavailable", "Try again in a few minutes."),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, detail: str | None = None, reference: str | None = None):
    title, advice = _MESSAGES.get(status, _MESSAGES[500])
    if _wants_json():
        body = {"status": status, "code": title.lower().replace(" ", "_"), "message": detail or title}
        if reference:
            body["reference"] = reference
        return jsonify(body), status
    return render_template(
        "errors/error.html", status=status, title=title, advice=detail or advice, reference=reference
    ), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        from app.security import security_log

        security_log.warning("csrf failure", extra={"event": "csrf_failed", "outcome": "refused", "path": request.path})
        return render_error(400, "The form had expired or was not sent from Pillar. Go back, reload the page and try again.")

    for status in (400, 403, 404, 405, 429, 503):
        app.register_error_handler(status, lambda error, status=status: render_error(status))

    @app.errorhandler(413)
    def too_large(error):
        from app.evidence.services import describe_size
        from app.security import security_log

        security_log.warning(
            "upload refused", extra={"event": "upload_rejected", "outcome": "too_large", "path": request.path}
        )
        limit = describe_size(app.config["EVIDENCE_MAX_BYTES"])
        return render_error(413, f"Evidence files can be up to {limit}. Choose a smaller file and try again.")

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        # The reference is the request id, so a user's report finds its log lines.
        reference = getattr(g, "request_id", None) or uuid.uuid4().hex[:16]
        log.exception("server error reference=%s path=%s", reference, request.path)
        return render_error(500, reference=reference)

    @app.errorhandler(DBAPIError)
    def database_unreachable(error: DBAPIError):
        if not _is_disconnect(error):
            raise error  # any other database error is a server error, handled as before
        return database_unavailable(error)


DATABASE_UNAVAILABLE = "Pillar cannot reach its database; try again in a minute."


def _is_disconnect(error: DBAPIError) -> bool:
    return isinstance(error, (OperationalError, InterfaceError)) or error.connection_invalidated


def database_unavailable(error: DBAPIError):
    """503 while the database is away (restarting, failing over, unreachable).

    Nothing on the page may touch the database again: the user is shown as
    signed out for this one page, so the menu does not load them. The pool
    checks each connection before use (``pool_pre_ping``), so the first request
    after the database returns gets a fresh connection.
    """
    try:
        db.session.rollback()
    except DBAPIError:
        pass  # the connection is already gone; the session is discarded with the request
    g._login_user = login_manager.anonymous_user()
    # The API signs requests in before the request id is given, so the failure may come first.
    reference = g.request_id = getattr(g, "request_id", None) or uuid.uuid4().hex[:16]
    reason = str(getattr(error, "orig", None) or error).strip().split("\n", 1)[0]
    log.error("database unavailable reference=%s path=%s: %s", reference, request.path, reason)
    response = make_response(render_error(503, DATABASE_UNAVAILABLE, reference=reference))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Retry-After"] = "60"
    return response
