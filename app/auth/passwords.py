"""Password hashing with Argon2id (memory-hard), via argon2-cffi."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

_hasher = PasswordHasher()
_dummy_hash: str | None = None


def configure(time_cost: int, memory_cost: int, parallelism: int) -> None:
    """Set the hashing cost. Hashes made with other settings are re-hashed at sign-in."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    _dummy_hash = None

MINIMUM_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None.

    As the NCSC advises: a minimum length and a deny-list of common passwords
    (zxcvbn's lists and patterns), never composition rules; long passphrases welcome.
    """
    if len(password) < MINIMUM_LENGTH:
        return f"Password must be at least {MINIMUM_LENGTH} characters long"
    # zxcvbn refuses more than 72 characters; a passphrase that long is judged by its start.
    if zxcvbn(password[:72])["score"] < 2:
        return "Password is too common or too easy to guess: try three or four random words"
    return None


def dummy_verify(password: str) -> None:
    """Spend the time a real check would, so an unknown account answers as slowly.

    The stand-in hash is made once: hashing it afresh each time would make an
    unknown account answer twice as slowly as a known one, and so tell them apart."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("pillar-no-such-account")
    verify_password(_dummy_hash, password)
