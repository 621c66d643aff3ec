"""Servers the fault suite may stop, kill and restart, started by the suite itself.

A private PostgreSQL (initdb and pg_ctl, run as the postgres user when the suite
runs as root) and a private Redis keep the shared servers other tests use out of
harm's way. Redis writes every command to its append-only file before answering,
as a broker that must survive a crash should. Celery workers are real processes
the tests start, kill with SIGKILL and replace; the SMTP server is the one from
tests/workers. Everything here runs on PostgreSQL: the suite brings its own.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from celery import Celery
from celery import _state as celery_state
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app import create_app
from app.escalations.sweep import _LOCK_NAMESPACE as SWEEP_LOCKS  # the key a sweep of a plan locks
from app.extensions import db
from config import BASE_DIR
from tests.conftest import TODAY, Auth, IsolatedClient, _empty_every_table
from tests.ladder import world
from tests.workers.conftest import _free_port, _wait_for_port, mailbox, smtp_server

__all__ = ["mailbox", "smtp_server", "world", "wait_for"]

WAIT = 45  # seconds any one condition may take on a busy machine before the test gives up


def wait_for(condition: Callable[[], object], what: str, timeout: float = WAIT):
    """Poll until ``condition()`` is true and return it; fail naming ``what`` if it never is."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


# --- PostgreSQL ---------------------------------------------------------------


def _postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda path: int(path.parent.parent.name))
    if not found:
        raise pytest.UsageError("The fault suite needs PostgreSQL's server programs (apt-get install postgresql).")
    return found[-1].parent


def _as_postgres(command: list[str]) -> list[str]:
    # initdb and the server refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivatePostgres:
    """A PostgreSQL cluster of the suite's own, on a free loopback port."""

    def __init__(self) -> None:
        self.bin = _postgres_bin()
        self.root = Path(tempfile.mkdtemp(prefix="pillar-faults-pg-"))
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self.data = self.root / "data"
        self.port = _free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/pillar_faults"
        self.dsn = f"postgresql://postgres@127.0.0.1:{self.port}/pillar_faults"

    def _run(self, *command: str) -> None:
        subprocess.run(_as_postgres([str(self.bin / command[0]), *command[1:]]), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def create(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        self.start()
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as admin:
            admin.execute("CREATE DATABASE pillar_faults")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off -c full_page_writes=off "
            # A backend whose client died (a killed worker) notices while it waits on a lock.
            "-c client_connection_check_interval=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options, "-w", "start")

    def stop(self) -> None:
        """Stop as a restart for maintenance does: sessions are ended, open transactions roll back."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def running(self) -> bool:
        status = subprocess.run(_as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "status"]),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return status.returncode == 0

    def destroy(self) -> None:
        if self.running():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def query(self, sql: str, **params) -> list[tuple]:
        """Read what the server is doing, on a connection of its own."""
        with psycopg.connect(self.dsn, autocommit=True) as connection:
            return connection.execute(sql, params).fetchall()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    try:
        server.create()
        yield server
    finally:
        server.destroy()


# --- Redis --------------------------------------------------------------------


class PrivateRedis:
    """A Redis of the suite's own that keeps every write on disk before it answers."""

    def __init__(self) -> None:
        self.binary = os.environ.get("PILLAR_REDIS_SERVER", "/usr/bin/redis-server")
        self.dir = Path(tempfile.mkdtemp(prefix="pillar-faults-redis-"))
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    def url(self, database: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
             "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port, self.process)

    def kill(self) -> None:
        """Stop Redis the hard way, as a crash or an out-of-memory kill would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def client(self, database: int = 0) -> redis.Redis:
        return redis.Redis.from_url(self.url(database))


@pytest.fixture(scope="session")
def broker() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.kill()
        shutil.rmtree(server.dir, ignore_errors=True)


def broker_idle(server: PrivateRedis, database: int = 0) -> bool:
    """No task waiting on the queue and none delivered but not yet acknowledged."""
    with contextlib.closing(server.client(database)) as connection:
        return connection.llen("celery") == 0 and connection.hlen("unacked") == 0


# --- The application and its workers --------------------------------------------


@pytest.fixture(scope="session")
def fault_app(postgres: PrivatePostgres, broker: PrivateRedis, tmp_path_factory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("faults-instance")
    others = celery_state.get_current_app()
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": postgres.url,
        "INSTANCE_DIR": str(instance),
        "EVIDENCE_DIR": str(instance / "evidence"),
        "TESTING": True,
        "FIXED_TODAY": TODAY,
        "CELERY_TASK_ALWAYS_EAGER": False,
        "CELERY_BROKER_URL": broker.url(0),
        "CELERY_RESULT_BACKEND": broker.url(1),
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
    })
    app.test_client_class = IsolatedClient
    # Making this app made its Celery the process's default: the other tests' app keeps that role.
    others.set_default()
    others.set_current()
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()
    app.extensions["celery"].close()


@pytest.fixture
def app(fault_app: Flask, postgres: PrivatePostgres, broker: PrivateRedis) -> Iterator[Flask]:
    """The fault suite's app in a context; afterwards the servers are back up and everything is emptied."""
    saved = dict(fault_app.config)
    with fault_app.app_context():
        yield fault_app
        if not postgres.running():
            postgres.start()
        if not broker.running():
            broker.start()
        forget_lost_connection()
        db.engine.dispose()  # connections from before a restart are of no further use
        _empty_every_table()
        db.session.remove()
        fault_app.extensions["sign_in_throttle"].storage.reset()
        with contextlib.closing(broker.client()) as connection:
            connection.flushall()
    fault_app.config.clear()
    fault_app.config.update(saved)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


class Worker:
    """One ``celery worker`` process with its pool, in a process group of its own."""

    def __init__(self, env: dict[str, str], log_file: Path, concurrency: int) -> None:
        self.log_file = log_file
        with open(log_file, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker", "--loglevel=INFO",
                 f"--concurrency={concurrency}", "--pool=prefork", "--without-gossip", "--without-mingle",
                 "--without-heartbeat"],
                cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )

    def log(self, since: int = 0) -> str:
        """What the worker has logged, from a ``mark()`` on when one is given."""
        return self.log_file.read_text()[since:]

    def mark(self) -> int:
        return len(self.log())

    def wait_until_ready(self) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited:\n{self.log()}")
            return "ready." in self.log()

        wait_for(ready, f"the worker to start; its log:\n{self.log()}")

    def pool(self) -> list[int]:
        """The pool processes that run the tasks (the main process only hands them out)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def kill_pool(self) -> list[int]:
        """SIGKILL every pool process, as the out-of-memory killer would; the main process lives on."""
        killed = self.pool()
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        return killed

    def kill(self) -> None:
        """SIGKILL the whole worker, main process and pool, as a lost machine would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def _worker_env(app: Flask, postgres: PrivatePostgres, broker: PrivateRedis, smtp_port: int, database: int,
                settings: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": postgres.url,
        "CELERY_BROKER_URL": broker.url(database),
        "CELERY_RESULT_BACKEND": broker.url(database),
        "PILLAR_INSTANCE_DIR": app.config["INSTANCE_DIR"],
        "MAIL_BACKEND": "smtp",
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "MAIL_SENDER": "Pillar <pillar@example.org>",
        "PILLAR_BASE_URL": "https://pillar.example.org",
        **settings,
    }


@pytest.fixture(scope="session")
def _steady_workers() -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.kill()


@pytest.fixture
def worker(app: Flask, postgres: PrivatePostgres, broker: PrivateRedis, smtp_server, _steady_workers,
           tmp_path_factory) -> Worker:
    """A worker on the app's broker that lives through the tests (and their restarts) unless one kills it."""
    if not _steady_workers or _steady_workers[-1].process.poll() is not None:
        log_file = tmp_path_factory.mktemp("steady-worker") / "worker.log"
        _steady_workers.append(Worker(_worker_env(app, postgres, broker, smtp_server[0], 0, {}), log_file, 2))
    _steady_workers[-1].wait_until_ready()
    return _steady_workers[-1]


@pytest.fixture
def start_worker(app: Flask, postgres: PrivatePostgres, broker: PrivateRedis, smtp_server,
                 tmp_path) -> Iterator[Callable[..., Worker]]:
    """Start workers of the test's own on another Redis database (the steady worker never sees their
    tasks); every one is killed after the test."""
    started: list[Worker] = []

    def start(database: int, **settings: str) -> Worker:
        env = _worker_env(app, postgres, broker, smtp_server[0], database, settings)
        worker = Worker(env, tmp_path / f"worker-{len(started) + 1}.log", 2)
        started.append(worker)
        worker.wait_until_ready()
        return worker

    yield start
    for worker in started:
        worker.kill()


def send(app: Flask, task_name: str, *args) -> None:
    """Send a task as the scheduler does; the test follows its work in the database, not a result."""
    app.extensions["celery"].send_task(task_name, args=args, ignore_result=True)


def send_on(broker: PrivateRedis, database: int, task_name: str, *args) -> None:
    """Send a task to the workers a test started on its own Redis database."""
    with Celery("pillar-faults", broker=broker.url(database), set_as_current=False) as client:
        client.send_task(task_name, args=args, ignore_result=True)


@contextlib.contextmanager
def sweep_lock(postgres: PrivatePostgres, plan_id: int) -> Iterator[psycopg.Connection]:
    """Hold the lock a sweep of this plan takes, as a sweep already in progress would.

    A sweep sent meanwhile waits on it inside its task: running, not finished,
    for as long as the test needs, without any timing.
    """
    connection = psycopg.connect(postgres.dsn, autocommit=True)
    try:
        connection.execute("SELECT pg_advisory_lock(%s)", (SWEEP_LOCKS + plan_id,))
        yield connection
    finally:
        with contextlib.suppress(psycopg.Error):
            connection.execute("SELECT pg_advisory_unlock_all()")
        with contextlib.suppress(psycopg.Error):
            connection.close()


@contextlib.contextmanager
def table_locked(postgres: PrivatePostgres, table: str) -> Iterator[None]:
    """Hold an exclusive lock on a table, so a request that reads it waits inside the database."""
    connection = psycopg.connect(postgres.dsn)
    try:
        connection.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        yield
    finally:
        with contextlib.suppress(psycopg.Error):
            connection.rollback()
        with contextlib.suppress(psycopg.Error):
            connection.close()


def sweeps_waiting(postgres: PrivatePostgres) -> list[int]:
    """The server processes of sweeps waiting on a plan's lock."""
    return [pid for (pid,) in postgres.query(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted ORDER BY pid"
    )]


def sql(statement: str, **params):
    db.session.commit()  # see what the workers committed
    return db.session.execute(text(statement), params)


def forget_lost_connection() -> None:
    """End the test's own session, whose connection died with the server (requests get fresh ones)."""
    with contextlib.suppress(DBAPIError):
        db.session.rollback()
    db.session.remove()
