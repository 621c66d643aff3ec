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


_FORM_ALLOWANCE = 1024 * 1024


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
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", 30)),
        "SESSION_ABSOLUTE_HOURS": int(os.environ.get("SESSION_ABSOLUTE_HOURS", 12)),
        # Sign-in and API limits: shared by every web process when this is a Redis URL, as it is
        # by default wherever the task queue is Redis.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or _shared_limit_storage(),
        "SIGN_IN_LIMIT_PER_ACCOUNT": os.environ.get("SIGN_IN_LIMIT_PER_ACCOUNT", "10 per 15 minutes"),
        "SIGN_IN_LIMIT_PER_ADDRESS": os.environ.get("SIGN_IN_LIMIT_PER_ADDRESS", "50 per 15 minutes"),
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "600 per minute"),
        # A plan with more actions than this imports as a background task.
        "IMPORT_BACKGROUND_ACTIONS": int(os.environ.get("IMPORT_BACKGROUND_ACTIONS", 500)),
        "IMPORT_MAX_BYTES": int(os.environ.get("IMPORT_MAX_BYTES", 20 * 1024 * 1024)),
        # Evidence: kept outside anything served, under random names; the size limit is per file.
        "EVIDENCE_DIR": os.environ.get("EVIDENCE_DIR", str(instance_dir / "evidence")),
        "EVIDENCE_MAX_BYTES": int(os.environ.get("EVIDENCE_MAX_BYTES", 25 * 1024 * 1024)),
        # Links in emails are absolute, from this address.
        "PILLAR_BASE_URL": os.environ.get("PILLAR_BASE_URL", "http://127.0.0.1:5000"),
        # Where a delivery lead acts on an action: its update form.
        "ACTION_UPDATE_PATH": os.environ.get("ACTION_UPDATE_PATH", "/actions/{action}/update"),
        # Email: "smtp" sends through MAIL_HOST; "log" (the default) writes messages to the log.
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "smtp" if os.environ.get("MAIL_HOST") else "log"),
        "MAIL_HOST": os.environ.get("MAIL_HOST", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 25)),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "Pillar <pillar@localhost>"),
        # Exports of more actions than this are made by a worker (CSV always streams).
        "EXPORT_ASYNC_THRESHOLD": int(os.environ.get("EXPORT_ASYNC_THRESHOLD", 2000)),
        # Argon2id cost: RFC 9106's second recommended option (64 MiB, 3 passes).
        "ARGON2_TIME_COST": int(os.environ.get("ARGON2_TIME_COST", 3)),
        "ARGON2_MEMORY_COST": int(os.environ.get("ARGON2_MEMORY_COST", 65536)),
        "ARGON2_PARALLELISM": int(os.environ.get("ARGON2_PARALLELISM", 4)),
        # Hostile evidence (app/evidence/hostile.py): zip bombs and images too large to decode safely.
        "EVIDENCE_ZIP_MAX_MEMBERS": int(os.environ.get("EVIDENCE_ZIP_MAX_MEMBERS", 5000)),
        "EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES": int(os.environ.get("EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES", 250 * 1024 * 1024)),
        "EVIDENCE_ZIP_MAX_RATIO": int(os.environ.get("EVIDENCE_ZIP_MAX_RATIO", 100)),
        "EVIDENCE_MAX_IMAGE_PIXELS": int(os.environ.get("EVIDENCE_MAX_IMAGE_PIXELS", 50_000_000)),
        # Exports made by a worker and import uploads awaiting their run (app/files/storage.py): a folder
        # every web and worker machine mounts. Removed, with their records, after FILES_KEEP_DAYS days.
        "FILES_DIR": os.environ.get("FILES_DIR", str(instance_dir)),
        "FILES_KEEP_DAYS": int(os.environ.get("FILES_KEEP_DAYS", 7)),
        # Faults: an outbox claim whose sender died expires after this, and the flush sends the task again.
        "OUTBOX_CLAIM_LEASE_SECONDS": int(os.environ.get("OUTBOX_CLAIM_LEASE_SECONDS", 5 * 60)),
        # Redis redelivers a task no worker acknowledged after this; it must exceed every task's time limit
        # (tests/workers/test_celery_settings.py checks), or a long task would run twice at once.
        "CELERY_VISIBILITY_TIMEOUT": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 2 * 60 * 60)),
        # Rows per page on the long lists (the action list uses ACTIONS_PER_PAGE above).
        "PILLAR_ACTIONS_PER_PAGE": 50,
        "MY_ACTIONS_PER_PAGE": 25,
        "ESCALATIONS_PER_PAGE": 25,
        "PEOPLE_PER_PAGE": 50,
        "CHANGES_PER_PAGE": 50,
        # The director's home shows their first escalations; the inbox has them all.
        "DIRECTOR_HOME_ESCALATIONS": 10,
    }
    if overrides:
        config.update(overrides)
    # A request may carry one evidence file plus the update form around it.
    config.setdefault("MAX_CONTENT_LENGTH", config["EVIDENCE_MAX_BYTES"] + _FORM_ALLOWANCE)
    _refuse_unsafe(config)
    return config


def _shared_limit_storage() -> str:
    broker = os.environ.get("CELERY_BROKER_URL", "")
    return broker if broker.startswith(("redis://", "rediss://")) else "memory://"


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
    if config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        raise ConfigurationError(
            "Production keeps sign-in limits where every web process shares them: "
            "set RATELIMIT_STORAGE_URI (or CELERY_BROKER_URL) to a redis:// URL."
        )
