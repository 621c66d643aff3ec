"""Configuration from environment variables, with safe defaults for a laptop.

Every setting can be given as an environment variable of the same name. Without
any, Pillar runs on a SQLite file and a SQLite-backed Celery broker under
``instance/``, so a new user needs no server.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_INSTANCE_DIR = BASE_DIR / "instance"


class ConfigurationError(RuntimeError):
    """Raised when the environment would make Pillar unsafe to run."""


def _instance_dir() -> Path:
    path = Path(os.environ.get("PILLAR_INSTANCE_DIR", DEFAULT_INSTANCE_DIR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _kept_secret_key(instance_dir: Path) -> str:
    """A random key generated once and kept, so sessions survive a restart."""
    key_file = instance_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(overrides: dict | None = None) -> dict:
    """Build the Flask configuration mapping from the environment."""
    instance_dir = _instance_dir()
    env = os.environ.get("PILLAR_ENV", "development")
    secret_from_env = os.environ.get("SECRET_KEY")
    config = {
        "PILLAR_ENV": env,
        "INSTANCE_DIR": str(instance_dir),
        "SECRET_KEY": secret_from_env or _kept_secret_key(instance_dir),
        "SECRET_KEY_FROM_ENVIRONMENT": bool(secret_from_env),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance_dir / 'pillar.sqlite'}"
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "CELERY_BROKER_URL": os.environ.get(
            "CELERY_BROKER_URL", f"sqla+sqlite:///{instance_dir / 'broker.sqlite'}"
        ),
        "CELERY_RESULT_BACKEND": os.environ.get(
            "CELERY_RESULT_BACKEND", f"db+sqlite:///{instance_dir / 'celery-results.sqlite'}"
        ),
        "CELERY_TASK_ALWAYS_EAGER": _bool("CELERY_TASK_ALWAYS_EAGER", False),
        "TIMEZONE": "Europe/London",
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": env == "production",
        "GOVUK_FRONTEND_DIR": os.environ.get(
            "GOVUK_FRONTEND_DIR", str(BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk")
        ),
        "ACTIONS_PER_PAGE": 50,
        # Exports of more actions than this are made by a worker (CSV always streams).
        "EXPORT_ASYNC_THRESHOLD": int(os.environ.get("EXPORT_ASYNC_THRESHOLD", 2000)),
        # Argon2id cost: RFC 9106's second recommended option (64 MiB, 3 passes).
        "ARGON2_TIME_COST": int(os.environ.get("ARGON2_TIME_COST", 3)),
        "ARGON2_MEMORY_COST": int(os.environ.get("ARGON2_MEMORY_COST", 65536)),
        "ARGON2_PARALLELISM": int(os.environ.get("ARGON2_PARALLELISM", 4)),
    }
    if overrides:
        config.update(overrides)
    _refuse_unsafe(config)
    return config


def _refuse_unsafe(config: dict) -> None:
    if config["PILLAR_ENV"] != "production":
        return
    if not config["SECRET_KEY_FROM_ENVIRONMENT"]:
        raise ConfigurationError(
            "Production needs SECRET_KEY set in the environment (at least 32 random characters)."
        )
    if len(config["SECRET_KEY"]) < 32:
        raise ConfigurationError("SECRET_KEY is too short for production: use at least 32 random characters.")
    if _bool("FLASK_DEBUG", False):
        raise ConfigurationError("Production refuses to start in debug mode: unset FLASK_DEBUG.")
