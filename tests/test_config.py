import pytest

from config import ConfigurationError, load_config


def test_production_refuses_to_start_without_a_secret_key_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PILLAR_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("PILLAR_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        load_config()


def test_production_refuses_a_short_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("PILLAR_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("PILLAR_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "too-short")
    with pytest.raises(ConfigurationError, match="too short"):
        load_config()


def test_production_starts_with_a_long_secret_and_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("PILLAR_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("PILLAR_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    config = load_config()
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_defaults_to_sqlite_files_and_a_kept_generated_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("PILLAR_INSTANCE_DIR", str(tmp_path))
    for name in ("PILLAR_ENV", "SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    first = load_config()
    second = load_config()
    assert first["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'pillar.sqlite'}"
    assert first["CELERY_BROKER_URL"].startswith("sqla+sqlite:///")
    assert len(first["SECRET_KEY"]) == 64
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_refuses_sign_in_limits_kept_in_one_process(monkeypatch, tmp_path):
    monkeypatch.setenv("PILLAR_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("PILLAR_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    with pytest.raises(ConfigurationError, match="RATELIMIT_STORAGE_URI"):
        load_config()


def test_an_explicit_limit_store_wins_over_the_task_queue(monkeypatch, tmp_path):
    monkeypatch.setenv("PILLAR_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/5")
    assert load_config()["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/5"
