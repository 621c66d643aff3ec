"""Throttles failed sign-ins per account and per address, with the `limits` library.

Failures are counted against the email typed (whether or not such an account
exists, so the answer never reveals which accounts exist) and against the
client's address. The counters live in RATELIMIT_STORAGE_URI: Redis in
production, so every web process shares them.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


@dataclass(frozen=True)
class Refusal:
    retry_after_seconds: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after_seconds / 60))


def init_throttle(app: Flask) -> None:
    storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    app.extensions["sign_in_throttle"] = MovingWindowRateLimiter(storage)


def _limiter() -> MovingWindowRateLimiter:
    return current_app.extensions["sign_in_throttle"]


def _keys(email: str, address: str | None) -> list[tuple]:
    # Hash the email so the store never holds who tried to sign in.
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return [
        (parse(current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"]), "sign-in-account", account),
        (parse(current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"]), "sign-in-address", address or "unknown"),
    ]


def refusal(email: str, address: str | None) -> Refusal | None:
    """A refusal when either limit is used up, with how long to wait."""
    waits = []
    for limit, *identifiers in _keys(email, address):
        if not _limiter().test(limit, *identifiers):
            reset_at = _limiter().get_window_stats(limit, *identifiers).reset_time
            waits.append(max(1, math.ceil(reset_at - time.time())))
    return Refusal(max(waits)) if waits else None


def record_failure(email: str, address: str | None) -> None:
    for limit, *identifiers in _keys(email, address):
        _limiter().hit(limit, *identifiers)


def clear(email: str, address: str | None) -> None:
    """Forget an address's and an account's failures (used by tests and after a reset)."""
    for limit, *identifiers in _keys(email, address):
        _limiter().clear(limit, *identifiers)
