"""Load test: simulated users of every role on a mixed journey, over HTTP.

Run headless and bounded (see bench/README.md), against a server on loopback
holding a plan made by ``bench/run.py`` or ``flask demo generate``. Each
simulated user signs in once with an account of its own (read from the
database at the start: LOAD_DATABASE_URL), so sign-in throttling per account is
never reached; the address limit must allow one sign-in per simulated user.

Sign-in is Argon2id on purpose, so it is kept out of the figures: users sign in
in ``on_start`` while they are spawned, and once every one of them is signed in
the statistics are reset and the measured window starts. It lasts
LOAD_MEASURE_SECONDS (default 60) and ends early after LOAD_MAX_REQUESTS
measured requests (default 50,000); locust's own ``-t`` bounds the whole run,
sign-ins included, in case they never all finish.
"""

from __future__ import annotations

import itertools
import logging
import os
import random
import re
import threading

import gevent
from locust import HttpUser, between, constant, events, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "bench-password-kept-for-load-tests")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
VERSION = re.compile(r'name="base_version"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="base_version"')
ACTION_LINK = re.compile(r'href="/actions/(\d+)"')
ACCOUNTS: dict[str, itertools.cycle] = {}
PLAN_ID = int(os.environ.get("LOAD_PLAN_ID", "1"))
_lock = threading.Lock()
# LOAD_NO_WAIT=1: each simulated user sends its next request as soon as the last answers (a throughput run).
WAIT = constant(0) if os.environ.get("LOAD_NO_WAIT") == "1" else between(0.5, 2)
MEASURE_SECONDS = float(os.environ.get("LOAD_MEASURE_SECONDS", "60"))
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "50000"))
log = logging.getLogger("pillar.load")


class Window:
    """The measured window: opened once every simulated user has signed in, closed by time or request count."""

    environment = None
    ready = 0
    opened = False
    closing = False
    measured = 0

    @classmethod
    def user_ready(cls, environment) -> None:
        with _lock:
            cls.ready += 1
            if cls.opened or cls.ready < environment.runner.target_user_count:
                return
            cls.opened = True
        environment.runner.stats.reset_all()
        log.info("all %s users signed in: statistics reset; measuring for %.0f s or %s requests",
                 cls.ready, MEASURE_SECONDS, MAX_REQUESTS)
        gevent.spawn_later(MEASURE_SECONDS, cls.close, "the measured time is up")

    @classmethod
    def close(cls, reason: str) -> None:
        if cls.closing:
            return
        cls.closing = True
        log.info("%s: stopping", reason)
        # From a greenlet of its own: quitting stops every user's greenlet.
        gevent.spawn(cls.environment.runner.quit)


@events.request.add_listener
def count_measured(**_kwargs) -> None:
    if Window.opened and not Window.closing:
        Window.measured += 1
        if Window.measured >= MAX_REQUESTS:
            Window.close(f"{MAX_REQUESTS} measured requests sent")


@events.quitting.add_listener
def warn_if_never_measured(environment, **_kwargs) -> None:
    if not Window.opened:
        log.warning("only %s of %s users signed in before the run ended: these figures include the sign-ins",
                    Window.ready, environment.runner.target_user_count if environment.runner else "?")


@events.test_start.add_listener
def read_accounts(environment, **_kwargs) -> None:
    from sqlalchemy import create_engine, text

    Window.environment = environment
    engine = create_engine(os.environ["LOAD_DATABASE_URL"])
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT role, email FROM users WHERE email LIKE '%@generated.example' "
                                       "ORDER BY id")).all()
    engine.dispose()
    by_role: dict[str, list[str]] = {}
    for role, email in rows:
        by_role.setdefault(role, []).append(email)
    for role, emails in by_role.items():
        ACCOUNTS[role] = itertools.cycle(emails)


def _token(html: str, pattern=CSRF) -> str:
    match = pattern.search(html)
    return (match.group(1) or match.group(2)) if match else ""


class Signed(HttpUser):
    abstract = True
    role = ""
    wait_time = WAIT

    def on_start(self) -> None:
        try:
            self.sign_in()
            self.prepare()
        finally:
            # Counted even when signing in failed, so one failure cannot hold the window shut.
            Window.user_ready(self.environment)

    def sign_in(self) -> None:
        with _lock:
            email = next(ACCOUNTS[self.role])
        page = self.client.get("/sign-in", name="/sign-in")
        response = self.client.post("/sign-in", data={"email": email, "password": PASSWORD,
                                                      "csrf_token": _token(page.text)}, name="/sign-in [POST]")
        if "Sign out" not in response.text:
            response.failure(f"could not sign in as {email}")
        listing = self.client.get(f"/plans/{PLAN_ID}/actions?overdue=1", name="/plans/[id]/actions?overdue=1")
        self.action_ids = [int(i) for i in ACTION_LINK.findall(listing.text)] or [1]

    def prepare(self) -> None:
        """What this role reads once before its journey starts."""

    def action(self) -> None:
        self.client.get(f"/actions/{random.choice(self.action_ids)}", name="/actions/[id]")


class DeliveryLead(Signed):
    role = "delivery_lead"
    weight = 4

    def prepare(self) -> None:
        mine = self.client.get("/my-actions", name="/my-actions")
        self.my_ids = [int(i) for i in ACTION_LINK.findall(mine.text)]

    @task(3)
    def my_actions(self) -> None:
        self.client.get("/my-actions", name="/my-actions")

    @task(2)
    def post_update(self) -> None:
        if not self.my_ids:
            return
        action_id = random.choice(self.my_ids)
        form = self.client.get(f"/actions/{action_id}/update", name="/actions/[id]/update")
        if form.status_code != 200:
            return
        with self.client.post(f"/actions/{action_id}/update", name="/actions/[id]/update [POST]", data={
            "csrf_token": _token(form.text), "base_version": _token(form.text, VERSION), "proposed_rag": "amber",
            "commentary": "Audits completed; findings shared with team managers.", "outstanding_actions": "",
            "risks": "",
        }, catch_response=True) as response:
            # Two leads of one action may race: the loser is told and keeps their text (409), by design.
            if response.status_code == 409:
                response.success()

    @task(2)
    def action_page(self) -> None:
        self.action()


class Director(Signed):
    role = "director"
    weight = 2

    @task(3)
    def inbox(self) -> None:
        self.client.get("/escalations/inbox", name="/escalations/inbox")

    @task(2)
    def overview(self) -> None:
        self.client.get(f"/plans/{PLAN_ID}", name="/plans/[id]")

    @task(2)
    def pillar(self) -> None:
        self.client.get(f"/plans/{PLAN_ID}/pillars/{random.randint(1, 8)}", name="/plans/[id]/pillars/[n]")

    @task(1)
    def action_page(self) -> None:
        self.action()


class BoardSecretary(Signed):
    role = "board_secretary"
    weight = 1

    @task(3)
    def overdue(self) -> None:
        page = random.randint(1, 5)
        self.client.get(f"/plans/{PLAN_ID}/actions?overdue=1&page={page}", name="/plans/[id]/actions?overdue=1")

    @task(2)
    def board(self) -> None:
        self.client.get(f"/plans/{PLAN_ID}/board", name="/plans/[id]/board")

    @task(1)
    def overview(self) -> None:
        self.client.get(f"/plans/{PLAN_ID}", name="/plans/[id]")


class PerformanceOfficer(Signed):
    role = "performance_officer"
    weight = 1

    @task
    def indicators(self) -> None:
        self.client.get(f"/plans/{PLAN_ID}/indicators", name="/plans/[id]/indicators")


class Viewer(Signed):
    role = "viewer"
    weight = 2

    @task(2)
    def overview(self) -> None:
        self.client.get(f"/plans/{PLAN_ID}", name="/plans/[id]")

    @task(2)
    def pillar(self) -> None:
        self.client.get(f"/plans/{PLAN_ID}/pillars/{random.randint(1, 8)}", name="/plans/[id]/pillars/[n]")

    @task(3)
    def action_page(self) -> None:
        self.action()


class Administrator(Signed):
    role = "administrator"
    weight = 1

    @task
    def overview(self) -> None:
        self.client.get(f"/plans/{PLAN_ID}", name="/plans/[id]")

    @task
    def people(self) -> None:
        self.client.get(f"/plans/{PLAN_ID}/people", name="/plans/[id]/people")
