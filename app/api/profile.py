"""The profile page: a user's API tokens and calendar addresses."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Length

from app.api import tokens
from app.domain.errors import ValidationFailed
from app.extensions import db
from app.forms import Form
from app.models import ApiToken
from app.policy import Permission, deny, requires

bp = Blueprint("profile", __name__, url_prefix="/profile")


class NewTokenForm(Form):
    name = StringField(
        "Token name", widget=GovTextInput(),
        description="Say what will use it, such as ‘Power BI performance report’.",
        validators=[InputRequired(message="Enter a name for the token"),
                    Length(max=100, message="Keep the name to 100 characters or fewer")],
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())


class ConfirmForm(Form):
    """A button with a CSRF token: revoke, reset."""


def _page(form: NewTokenForm, new_secret: str | None = None, calendar_secret: str | None = None, status: int = 200):
    return render_template(
        "api/profile.html", form=form, confirm=ConfirmForm(), tokens=tokens.tokens_of(current_user),
        new_secret=new_secret, calendar_secret=calendar_secret, has_calendar=tokens.has_calendar(current_user),
    ), status


@bp.route("", methods=["GET"])
@requires(Permission.VIEW_PLAN)
def show():
    return _page(NewTokenForm())


@bp.route("/tokens", methods=["POST"])
@requires(Permission.VIEW_PLAN)
def create_token():
    form = NewTokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422 if form.errors else 400)
    try:
        _, secret = tokens.create_token(current_user, form.name.data)
    except ValidationFailed as failure:
        db.session.rollback()
        form.name.errors = [failure.problems.get("name", "Check the name")]
        return _page(form, status=422)
    db.session.commit()
    # The token is shown on this one page and never again, so no redirect.
    return _page(NewTokenForm(formdata=None), new_secret=secret)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@requires(Permission.VIEW_PLAN)
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        deny("not the owner of this token", 404)
    if not ConfirmForm().validate_on_submit():
        deny("missing form token", 400)
    tokens.revoke_token(token)
    db.session.commit()
    flash(f"Token ‘{token.name}’ was revoked: it no longer works.", "success")
    return redirect(url_for("profile.show"))


@bp.route("/calendar", methods=["POST"])
@requires(Permission.VIEW_PLAN)
def reset_calendar():
    if not ConfirmForm().validate_on_submit():
        deny("missing form token", 400)
    secret = tokens.reset_calendar_secret(current_user)
    db.session.commit()
    return _page(NewTokenForm(formdata=None), calendar_secret=secret)
