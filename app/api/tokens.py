"""Named services for personal API tokens and calendar feed secrets.

A secret is shown once, when made; only its sha256 is stored, so a copy of
the database gives nobody a working token or calendar address.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from app import clock
from app.domain.errors import ValidationFailed
from app.extensions import db
from app.models import ApiToken, CalendarFeed, User

TOKEN_PREFIX = "pillar_"
_NAME_LIMIT = 100


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now():
    return clock.now().replace(tzinfo=None)


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token text, which is never shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": "Enter a name for the token, such as the report or script that uses it"})
    if len(name) > _NAME_LIMIT:
        raise ValidationFailed({"name": f"Keep the name to {_NAME_LIMIT} characters or fewer"})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_hash(secret), prefix=secret[:12])
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = _now()
        db.session.flush()


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.revoked_at.is_not(None),
                                                                     ApiToken.created_at.desc())
    ))


def token_for(secret: str) -> ApiToken | None:
    """The live token with this text whose user may still sign in, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    return token


def reset_calendar_secret(user: User) -> str:
    """A new secret for the user's calendar addresses; the old addresses stop working."""
    secret = secrets.token_urlsafe(24)
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        feed = CalendarFeed(user_id=user.id, secret_hash=_hash(secret))
        db.session.add(feed)
    else:
        feed.secret_hash = _hash(secret)
    db.session.flush()
    return secret


def has_calendar(user: User) -> bool:
    return db.session.scalar(select(CalendarFeed.id).where(CalendarFeed.user_id == user.id)) is not None


def user_for_calendar(secret: str) -> User | None:
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.secret_hash == _hash(secret)))
    if feed is None or not feed.user.active:
        return None
    return feed.user
