"""A real Redis, a real SMTP server on loopback and a real Celery worker
process, started once per test session (the worker once per database backend).
The worker is another process: commit test data before sending it a task."""

from __future__ import annotations

import email
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from celery import Celery

from config import BASE_DIR
from tests.ladder import world


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listened on port {port} within {timeout} seconds")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    binary = os.environ.get("PILLAR_REDIS_SERVER", "/usr/bin/redis-server")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for_port(port, process)
    yield f"redis://127.0.0.1:{port}/0"
    _stop(process)


class Mailbox:
    """Collects every message the SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        with self._lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[int, Mailbox]]:
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    smtp_server[1].clear()
    return smtp_server[1]


_WORKERS: dict[str, Celery] = {}
_PROCESSES: list[subprocess.Popen] = []


@pytest.fixture(scope="session", autouse=True)
def _stop_workers() -> Iterator[None]:
    yield
    for process in _PROCESSES:
        _stop(process)


@pytest.fixture
def worker(app, backend, redis_url, smtp_server, tmp_path_factory) -> Celery:
    """A Celery client whose tasks run in a real worker on this test's database."""
    if backend not in _WORKERS:
        # Each backend gets its own Redis database, so one worker never takes another's tasks.
        broker = redis_url.rsplit("/", 1)[0] + f"/{len(_WORKERS) + 1}"
        instance = tmp_path_factory.mktemp(f"worker-{backend}")
        env = {
            **os.environ,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": broker,
            "PILLAR_INSTANCE_DIR": str(instance),
            "MAIL_BACKEND": "smtp",
            "MAIL_HOST": "127.0.0.1",
            "MAIL_PORT": str(smtp_server[0]),
            "MAIL_SENDER": "Pillar <pillar@example.org>",
            "PILLAR_BASE_URL": "https://pillar.example.org",
        }
        with open(Path(instance) / "worker.log", "w") as log:  # the worker keeps its own copy
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker", "--loglevel=INFO",
                 "--concurrency=2", "--pool=prefork", "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _PROCESSES.append(process)
        client = Celery("pillar-tests", broker=broker, backend=broker)
        client.conf.broker_connection_retry_on_startup = True
        _wait_until_ready(client, process, Path(instance) / "worker.log")
        _WORKERS[backend] = client
    return _WORKERS[backend]


def _wait_until_ready(client: Celery, process: subprocess.Popen, log_file: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the worker exited:\n{log_file.read_text()}")
        if "ready." in log_file.read_text():
            return
        time.sleep(0.1)
    raise RuntimeError(f"the worker was not ready within {timeout} seconds:\n{log_file.read_text()}")


def run_task(worker: Celery, name: str, *args, timeout: float = 60):
    """Send a task by name to the real worker and wait for its result."""
    return worker.send_task(name, args=args).get(timeout=timeout)


__all__ = ["Mailbox", "run_task", "world"]
