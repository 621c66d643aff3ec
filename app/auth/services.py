"""Named state changes for user accounts. Services flush; the caller commits."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from app.audit import services as audit
from app.auth.passwords import dummy_verify, hash_password, needs_rehash, password_problem, verify_password
from app.clock import now
from app.domain.errors import ValidationFailed
from app.domain.roles import Role
from app.extensions import db
from app.models import User


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(*, email: str, name: str, role: str, password: str, actor: User | None = None) -> User:
    problems: dict[str, str] = {}
    email = normalise_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        problems["email"] = "Enter an email address in the correct format, like name@example.org"
    if not name.strip():
        problems["name"] = "Enter the person's name"
    try:
        Role.parse(role)
    except ValueError as error:
        problems["role"] = str(error)
    if (problem := password_problem(password)) is not None:
        problems["password"] = problem
    if "email" not in problems and find_user_by_email(email) is not None:
        problems["email"] = f"A user with the email {email} already exists"
    if problems:
        raise ValidationFailed(problems)
    user = User(email=email, name=name.strip(), role=Role.parse(role).value, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user", user.id, "created", note=f"{user.name} <{user.email}>")
    audit.record(actor, "user", user.id, "changed", field="role", before=None, after=user.role)
    return user


def change_role(user: User, role: str, *, actor: User | None) -> User:
    """Give a user another role; their sessions end so the new role applies at once."""
    try:
        new_role = Role.parse(role)
    except ValueError as error:
        raise ValidationFailed({"role": str(error)}) from None
    if new_role.value == user.role:
        return user
    audit.record(actor, "user", user.id, "changed", field="role", before=user.role, after=new_role.value)
    user.role = new_role.value
    end_all_sessions(user)
    db.session.flush()
    return user


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The user when the email and password match an active account, else None."""
    user = find_user_by_email(email)
    if user is None:
        dummy_verify(password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_signed_in_at = now().replace(tzinfo=None)
    return user


def end_all_sessions(user: User) -> None:
    user.session_version += 1


def change_password(user: User, *, current_password: str, new_password: str) -> User:
    """A new password, after proving the old one; every session ends (the caller signs this one back in)."""
    problems: dict[str, str] = {}
    if not current_password:
        problems["current_password"] = "Enter your current password"
    elif not verify_password(user.password_hash, current_password):
        problems["current_password"] = "Your current password is incorrect"
    if not new_password:
        problems["new_password"] = "Enter a new password"
    elif (problem := password_problem(new_password)) is not None:
        problems["new_password"] = problem
    elif new_password == current_password:
        problems["new_password"] = "Choose a password different from your current one"
    if problems:
        raise ValidationFailed(problems)
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)
    # The fact, never the value: no hash of any password goes into the trail.
    audit.record(user, "user", user.id, "password_changed")
    db.session.flush()
    return user


def deactivate_user(user: User, *, actor: User) -> User:
    """Stop a user signing in; their sessions end at their next request."""
    if user.id == actor.id:
        raise ValidationFailed({"user": "You cannot deactivate your own account: ask another administrator"})
    if not user.active:
        return user
    audit.record(actor, "user", user.id, "changed", field="active", before=True, after=False)
    user.active = False
    end_all_sessions(user)
    db.session.flush()
    return user
