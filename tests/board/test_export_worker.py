"""A large export made by a real Celery worker through a real Redis broker."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app import create_app
from app.domain.roles import Role
from app.extensions import db
from app.models import ExportJob
from tests import factories
from tests.conftest import Auth, IsolatedClient, csrf_from

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(check, what: str, limit: float = 60.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture
def redis_url():
    port = _free_port()
    server = subprocess.Popen(
        [os.environ.get("PILLAR_REDIS_SERVER", "redis-server"), "--port", str(port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )

    def accepts() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            return False

    try:
        _wait_for(accepts, "Redis to listen")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def worker_app(app, redis_url):
    """The web app again, sending tasks to Redis rather than running them in place."""
    web = create_app({
        **{key: app.config[key] for key in (
            "SQLALCHEMY_DATABASE_URI", "TESTING", "FIXED_TODAY", "ARGON2_TIME_COST", "ARGON2_MEMORY_COST",
            "ARGON2_PARALLELISM", "EXPORT_ASYNC_THRESHOLD",
        )},
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": False,
    })
    web.test_client_class = IsolatedClient
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "PILLAR_INSTANCE_DIR": app.config["INSTANCE_DIR"],
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker", "--pool", "solo",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        yield web
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        # The second app made its Celery the default: give it back.
        app.extensions["celery"].set_default()
        with web.app_context():
            db.engine.dispose()


def test_a_worker_makes_a_large_export_and_the_page_offers_it(app, worker_app, board_world):
    worker_app.config["EXPORT_ASYNC_THRESHOLD"] = 3
    director = factories.user(Role.DIRECTOR)
    client = worker_app.test_client()
    Auth(client).sign_in(director.email)
    page = client.get(f"/plans/{board_world.plan.id}/export.xlsx").get_data(as_text=True)
    response = client.post(
        f"/plans/{board_world.plan.id}/exports", data={"format": "xlsx", "csrf_token": csrf_from(page)}
    )
    job_page = response.location

    def finished():
        db.session.expire_all()
        job = db.session.scalar(select(ExportJob))
        return job if job is not None and job.status in ("done", "failed") else None

    job = _wait_for(finished, "the worker to make the file")
    assert (job.status, job.progress) == ("done", 100)
    assert "The file is ready." in client.get(job_page).get_data(as_text=True)
    download = client.get(f"{job_page}/file")
    data = download.data
    download.close()
    sheet = load_workbook(io.BytesIO(data))["Action log"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "1.1.1", "1.1.2", "1.1.3", "1.2.1", "2.1.1"
    ]
