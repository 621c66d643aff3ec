"""A real Redis and Celery worker for the background import, sharing the test's
database and instance directory, and a broker nobody is listening on."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, limit: float = 20.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("redis-server stopped on start")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"redis-server did not listen on {port}")


@contextlib.contextmanager
def _celery_client(app, broker: str, **conf):
    """Point the app's enqueue at ``broker`` for one test."""
    saved = app.extensions["celery"]
    client = Celery(app.import_name, broker=broker)
    client.conf.update(**conf)
    app.extensions["celery"] = client
    try:
        yield client
    finally:
        app.extensions["celery"] = saved
        client.close()


class Worker:
    def __init__(self, app, broker: str, log: Path):
        self.app, self.broker, self.log = app, broker, log
        self.process: subprocess.Popen | None = None
        self.output = None

    def start(self) -> None:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.app.config["SQLALCHEMY_DATABASE_URI"],
            CELERY_BROKER_URL=self.broker,
            CELERY_RESULT_BACKEND="cache+memory://",
            PILLAR_INSTANCE_DIR=self.app.config["INSTANCE_DIR"],
            SECRET_KEY="a-test-secret-key-that-is-long-enough-0123456789",
        )
        self.output = self.log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker", "--pool", "solo",
             "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "info"],
            cwd=ROOT, env=env, stdout=self.output, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None
        if self.output is not None:
            self.output.close()
            self.output = None

    @contextlib.contextmanager
    def paused(self):
        """No worker runs inside the block: tasks wait in the queue."""
        self.stop()
        try:
            yield
        finally:
            self.start()

    def wait_for(self, condition, limit: float = 60.0) -> bool:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.2)
        return False


@pytest.fixture
def celery_worker(app, tmp_path):
    server = os.environ.get("PILLAR_REDIS_SERVER", "redis-server")
    port = _free_port()
    redis = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for_port(port, redis)
        broker = f"redis://127.0.0.1:{port}/0"
        worker = Worker(app, broker, tmp_path / "worker.log")
        with _celery_client(app, broker):
            yield worker
        worker.stop()
    finally:
        redis.terminate()
        redis.wait(timeout=30)


@pytest.fixture
def unreachable_broker(app):
    with _celery_client(
        app, f"redis://127.0.0.1:{_free_port()}/0", broker_connection_timeout=1, broker_connection_retry=False,
        task_publish_retry=False,
    ):
        yield
