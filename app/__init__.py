"""The application factory: config, extensions, blueprints, then Celery."""

from __future__ import annotations

import logging

from flask import Flask, current_app, request
from flask_login import current_user
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from app.extensions import csrf, db, login_manager, migrate
from config import BASE_DIR, load_config


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder="static",
        instance_path=None,
    )
    app.config.update(load_config(overrides))
    from app.ids import DatabaseIdConverter

    app.url_map.converters["int"] = DatabaseIdConverter  # before any route is added
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # WeasyPrint logs every page it lays out; its warnings are what matter.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(BASE_DIR / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )

    from app.auth import passwords

    passwords.configure(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_COST"], app.config["ARGON2_PARALLELISM"])
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    WTFormsHelpers(app)

    from app import models  # noqa: F401  (register every table with the metadata)

    _register_blueprints(app)
    from app.security import init_security

    init_security(app)  # first: request ids and session expiry before access checks
    _register_access_control(app)
    _register_template_helpers(app)

    from app.cli import register_cli

    register_cli(app)

    from app.tasks import init_celery

    init_celery(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from app.admin.views import bp as admin_bp
    from app.api.calendar import bp as calendar_bp
    from app.api.profile import bp as profile_bp
    from app.api.views import bp as api_bp
    from app.assets import bp as assets_bp
    from app.audit.views import bp as audit_bp
    from app.auth.views import bp as auth_bp
    from app.board.views import bp as board_bp
    from app.errors import register_error_handlers
    from app.escalations.views import bp as escalations_bp
    from app.evidence.views import bp as evidence_bp
    from app.imports.views import bp as imports_bp
    from app.indicators.views import bp as indicators_bp
    from app.journeys.views import bp as journeys_bp
    from app.pages.views import bp as pages_bp
    from app.plans.views import bp as plans_bp
    from app.profile.views import bp as account_bp
    from app.updates.views import bp as updates_bp

    for blueprint in (
        assets_bp, auth_bp, pages_bp, plans_bp, board_bp, admin_bp, imports_bp, indicators_bp, updates_bp,
        evidence_bp, audit_bp, escalations_bp, journeys_bp, account_bp, api_bp, profile_bp, calendar_bp,
    ):
        app.register_blueprint(blueprint)
    register_error_handlers(app)


def _register_access_control(app: Flask) -> None:
    from app.models import User
    from app.policy import Permission, allowed, deny, log_refusal, permission_for, security_log
    from app.security import redirect_to_sign_in

    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see this page."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str):
        # The id carries the session version: bumping it ends old sessions.
        try:
            raw_id, raw_version = user_id.split(":", 1)
            user = db.session.get(User, int(raw_id))
        except (ValueError, TypeError):
            return None
        if user is None or str(user.session_version) != raw_version or not user.active:
            # A session that has ended (signed out, deactivated, role or password changed) was presented.
            reason = "account deactivated" if user is not None and not user.active else "session ended"
            security_log.info("session refused", extra={"event": "session_refused", "outcome": "refused",
                                                        "user_id": int(raw_id), "reason": reason})
            return None
        return user

    @app.before_request
    def enforce_permission():
        if request.endpoint is None or request.endpoint == "static":
            return None
        view = current_app.view_functions.get(request.endpoint)
        permission = permission_for(view)
        if permission is None:
            deny("view has no declared permission")
        if permission is Permission.PUBLIC:
            return None
        if not current_user.is_authenticated:
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                # Reading a page before signing in is ordinary; trying to change something is not.
                log_refusal("not signed in", status=302, outcome="sign_in_required")
            return redirect_to_sign_in()
        if not allowed(current_user, permission):
            deny(f"role {current_user.role} lacks {permission}")
        return None


def _register_template_helpers(app: Flask) -> None:
    from app import formatting
    from app.policy import Permission, allowed

    app.jinja_env.filters["uk_date"] = formatting.uk_date
    app.jinja_env.filters["uk_datetime"] = formatting.uk_datetime
    app.jinja_env.globals["Permission"] = Permission
    app.jinja_env.globals["can"] = lambda permission: allowed(current_user, permission)
    app.jinja_env.trim_blocks = False
