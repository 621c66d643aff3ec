"""``flask --app wsgi tokens create``: a token for a script, printed once."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from app.api.tokens import create_token
from app.domain.errors import ValidationFailed
from app.extensions import db
from app.models import User


@click.group("tokens", help="Personal API tokens.")
def tokens_group() -> None:
    pass


@tokens_group.command("create")
@click.option("--email", required=True, help="The user the token acts as.")
@click.option("--name", required=True, help="What will use the token.")
def create_token_command(email: str, name: str) -> None:
    """Print a new API token for a user. It is shown only this once."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No user has the email {email}: check it, or create the user first")
    if not user.active:
        raise click.ClickException(f"{email} is deactivated: reactivate the account first")
    try:
        _, secret = create_token(user, name)
    except ValidationFailed as failure:
        db.session.rollback()
        raise click.ClickException("; ".join(failure.problems.values())) from None
    db.session.commit()
    click.echo(secret)
