"""Serves the GOV.UK Frontend build installed by npm (never copied into the repository)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

from app.policy import Permission, requires

bp = Blueprint("assets", __name__)

_BUNDLE_FILES = {"govuk-frontend.min.css", "govuk-frontend.min.js"}


@bp.route("/assets/<path:filename>")
@requires(Permission.PUBLIC)
def govuk_asset(filename: str):
    root = Path(current_app.config["GOVUK_FRONTEND_DIR"])
    if filename in _BUNDLE_FILES:
        return send_from_directory(root, filename, max_age=86400)
    if not (root / "assets").is_dir():
        abort(404)
    return send_from_directory(root / "assets", filename, max_age=86400)
