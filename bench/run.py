"""Benchmark suite: Pillar's main pages and jobs on a generated plan of N actions.

    .venv/bin/python bench/run.py --actions 10000 \\
        [--database postgresql+psycopg://pillar:pillar@127.0.0.1:5432/pillar_bench_scale] [--json]

It reuses the database when it already holds exactly one generated plan of N
actions; otherwise it drops and recreates the ``public`` schema, runs the
migrations and generates one (app/demo/generate.py). Never point it at data
you want to keep.

Pages go through the real request path (Flask test client, signed in through
the sign-in form); for each measure it reports the median and 95th percentile
wall time, the SQL statements of one run (a ``before_cursor_execute``
listener) and the peak Python memory of one run (tracemalloc, measured in a
separate run so it does not slow the timed ones). The resident set of the
whole process at the end is reported too.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TODAY = date(2026, 11, 23)  # a Monday
PASSWORD = "bench-password-kept-for-load-tests"
DEFAULT_URL = "postgresql+psycopg://pillar:pillar@127.0.0.1:5432/pillar_bench_scale"
# Every overdue action of the plan as an integrating client reads it: the largest page the API
# gives, following each page's "next" cursor to the end.
API_OVERDUE_PATH = "/api/v1/plans/{plan_id}/actions?overdue=yes&limit=200"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
VERSION = re.compile(r'name="base_version"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="base_version"')


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1) or match.group(2)


def _prepare(app, actions: int, plans: int) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, func, inspect, select, text

    from app.demo.generate import generate
    from app.extensions import db
    from app.models import Action, Plan

    with app.app_context():
        if "actions" in inspect(db.engine).get_table_names():
            held = db.session.scalar(select(func.count()).select_from(Action))
            plans_held = db.session.scalar(select(func.count()).select_from(Plan))
            if held == actions and plans_held == plans:
                db.session.remove()
                upgrade()  # a database kept from an earlier run gets any newer migrations
                return
        db.session.remove()
        db.engine.dispose()
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        upgrade()
        started = time.perf_counter()
        generate(plans=plans, actions=actions, seed=actions, password=PASSWORD, today=TODAY)
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        print(f"Generated {actions} actions in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        db.session.remove()


class Counter:
    def __init__(self, engine):
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._tick)

    def _tick(self, *_args) -> None:
        self.count += 1


def _measure(name: str, work: Callable[[int], object], repeat: int, counter: Counter) -> dict:
    times = []
    statements = 0
    for n in range(repeat):
        before = counter.count
        started = time.perf_counter()
        work(n)
        times.append(time.perf_counter() - started)
        statements = counter.count - before
    tracemalloc.start()
    work(repeat)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return {
        "measure": name,
        "runs": repeat,
        "median_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "statements": statements,
        "peak_python_mib": round(peak / 2**20, 1),
    }


def run(url: str, actions: int, plans: int, repeat: int, heavy_repeat: int) -> dict:
    os.environ.setdefault("PILLAR_INSTANCE_DIR", tempfile.mkdtemp(prefix="pillar-bench-"))
    import logging

    from sqlalchemy import select

    from app import create_app
    from app.api.tokens import create_token
    from app.board import services as board_services
    from app.domain.roles import Role
    from app.escalations.sweep import run_sweep
    from app.extensions import db
    from app.models import Action, Person, Plan, User, action_leads
    from app.plans.status import recalculate

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "FIXED_TODAY": TODAY.isoformat(), "SIGN_IN_LIMIT_PER_ADDRESS": "1000 per minute",
        "API_RATE_LIMIT": "100000 per minute",
    })
    logging.getLogger("pillar").setLevel(logging.WARNING)
    _prepare(app, actions, plans)

    with app.app_context():
        plan_id = db.session.scalar(select(Plan.id).order_by(Plan.id).limit(1))

        def first_user(role: Role) -> str:
            return db.session.scalar(select(User.email).where(User.role == role.value).order_by(User.id).limit(1))

        emails = {role: first_user(role) for role in (Role.ADMINISTRATOR, Role.DELIVERY_LEAD, Role.DIRECTOR,
                                                      Role.BOARD_SECRETARY)}
        busy_user = db.session.scalar(select(User).where(User.email == emails[Role.DELIVERY_LEAD]))
        busy_actions = db.session.scalars(
            select(Action.id).join(action_leads, action_leads.c.action_id == Action.id)
            .join(Person, Person.id == action_leads.c.person_id)
            .where(Person.user_id == busy_user.id, Action.state == "in_progress").order_by(Action.id)
        ).all()
        action_id = busy_actions[0]
        admin = db.session.scalar(select(User).where(User.email == emails[Role.ADMINISTRATOR]))
        _token, api_secret = create_token(admin, "benchmark")
        # The stored roll-up as a running system has it (the nightly recalculation), so the
        # pages read it rather than counting the plan live.
        recalculate(TODAY)
        db.session.commit()
        db.session.remove()

    clients = {}
    for role, email in emails.items():
        client = app.test_client()
        page = client.get("/sign-in").get_data(as_text=True)
        response = client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": _csrf(page)})
        if response.status_code != 302:
            raise RuntimeError(f"could not sign in as {email}")
        clients[role] = client

    def page(role: Role, path: str) -> Callable[[int], object]:
        def get(_n: int) -> None:
            response = clients[role].get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            response.get_data()
        return get

    def later_page(role: Role, path: str, wanted: int) -> tuple[str, Callable[[int], object]]:
        """The wanted page of a list, or its last page when a small plan has fewer."""
        separator = "&" if "?" in path else "?"
        for number in range(wanted, 1, -1):
            if clients[role].get(f"{path}{separator}page={number}").status_code == 200:
                return f"page {number}", page(role, f"{path}{separator}page={number}")
        return "page 1", page(role, path)

    pillar_later, pillar_later_get = later_page(Role.ADMINISTRATOR, f"/plans/{plan_id}/pillars/1", 5)
    inbox_later, inbox_later_get = later_page(Role.DIRECTOR, "/escalations/inbox", 3)
    mine_later, mine_later_get = later_page(Role.DELIVERY_LEAD, "/my-actions", 3)

    def post_update(n: int) -> None:
        target = busy_actions[(n + 1) % len(busy_actions)]
        client = clients[Role.DELIVERY_LEAD]
        form = client.get(f"/actions/{target}/update").get_data(as_text=True)
        version = VERSION.search(form)
        data = {
            "csrf_token": _csrf(form), "proposed_rag": "amber", "base_version": (version.group(1) or version.group(2)),
            "commentary": f"Benchmark update {n}: audits done, findings shared.", "outstanding_actions": "",
            "risks": "",
        }
        timed_start = time.perf_counter()
        response = client.post(f"/actions/{target}/update", data=data)
        post_update.elapsed = time.perf_counter() - timed_start
        if response.status_code != 302:
            raise RuntimeError(f"posting an update answered {response.status_code}")

    def sweep(_n: int) -> None:
        with app.app_context():
            run_sweep(TODAY, [plan_id])
            db.session.remove()

    def rollup(_n: int) -> None:
        with app.app_context():
            recalculate(TODAY, [plan_id])
            db.session.commit()
            db.session.remove()

    def csv_export(_n: int) -> None:
        response = clients[Role.BOARD_SECRETARY].get(f"/plans/{plan_id}/export.csv", buffered=False)
        size = sum(len(chunk) for chunk in response.response)
        response.close()
        if response.status_code != 200 or size == 0:
            raise RuntimeError("the CSV export failed")

    def excel_export(_n: int) -> None:
        with app.app_context(), tempfile.TemporaryDirectory() as folder:
            plan = db.session.get(Plan, plan_id)
            board_services.write_export(board_services.parse_request(plan, "xlsx", None), f"{folder}/log.xlsx")
            db.session.remove()

    api_client = app.test_client()
    api_headers = {"Authorization": f"Bearer {api_secret}"}

    def api_overdue(_n: int) -> None:
        url, found = API_OVERDUE_PATH.format(plan_id=plan_id), 0
        while url:
            response = api_client.get(url, headers=api_headers)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            body = response.get_json()
            found += len(body["items"])
            url = body["next"]
        if found == 0:
            raise RuntimeError("the API gave no overdue actions")

    def api_feed(_n: int) -> None:
        response = api_client.get("/api/v1/feeds/actions.csv", headers=api_headers, buffered=False)
        size = sum(len(chunk) for chunk in response.response)
        response.close()
        if response.status_code != 200 or size == 0:
            raise RuntimeError("the actions feed failed")

    with app.app_context():
        counter = Counter(db.engine)
    measures: list[tuple[str, Callable[[int], object], int]] = [
        ("plan dashboard", page(Role.ADMINISTRATOR, f"/plans/{plan_id}"), repeat),
        ("pillar page", page(Role.ADMINISTRATOR, f"/plans/{plan_id}/pillars/1"), repeat),
        (f"pillar page, {pillar_later}", pillar_later_get, repeat),
        ("pillar page, one outcome", page(Role.ADMINISTRATOR, f"/plans/{plan_id}/pillars/1?outcome=1.2"), repeat),
        ("journeys dashboard", page(Role.ADMINISTRATOR, f"/plans/{plan_id}/dashboard"), repeat),
        ("people page", page(Role.ADMINISTRATOR, f"/plans/{plan_id}/people"), repeat),
        ("director home", page(Role.DIRECTOR, "/director"), repeat),
        ("overdue actions, first page", page(Role.ADMINISTRATOR, f"/plans/{plan_id}/actions?overdue=1"), repeat),
        ("My actions (busy lead)", page(Role.DELIVERY_LEAD, "/my-actions"), repeat),
        ("action page", page(Role.ADMINISTRATOR, f"/actions/{action_id}"), repeat),
        ("escalation inbox", page(Role.DIRECTOR, "/escalations/inbox"), repeat),
        (f"escalation inbox, {inbox_later}", inbox_later_get, repeat),
        (f"My actions, {mine_later}", mine_later_get, repeat),
        ("posting an update (POST only)", post_update, min(repeat, len(busy_actions) - 2)),
        ("escalation sweep (one plan)", sweep, heavy_repeat),
        ("full roll-up (one plan)", rollup, heavy_repeat),
        ("action log CSV (HTTP, streamed)", csv_export, heavy_repeat),
        ("action log Excel (file)", excel_export, heavy_repeat),
    ]
    measures += [
        ("all overdue actions, API (200 a page)", api_overdue, heavy_repeat),
        ("actions feed, API (CSV, streamed)", api_feed, heavy_repeat),
    ]
    results = []
    for name, work, times in measures:
        # A warm-up run: a running server has its caches and connections already.
        work(times + 1)
        if work is post_update:
            results.append(_measure_post(name, post_update, times, counter))
        else:
            results.append(_measure(name, work, times, counter))
        print(f"  {json.dumps(results[-1])}", file=sys.stderr, flush=True)
    return {
        "actions": actions,
        "plans": plans,
        "database": "postgresql" if url.startswith("postgresql") else url.split(":", 1)[0],
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "measures": results,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _measure_post(name: str, work, repeat: int, counter: Counter) -> dict:
    """Like _measure, but times the POST alone: the GET of the form is the lead reading it first."""
    times = []
    statements = 0
    for n in range(repeat):
        before = counter.count
        work(n)
        times.append(work.elapsed)
        statements = counter.count - before
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return {
        "measure": name,
        "runs": repeat,
        "median_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "statements": statements,
        "statements_note": "GET of the form and the POST",
        "peak_python_mib": None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, required=True)
    parser.add_argument("--plans", type=int, default=1, help="plans sharing the actions (default 1: the harshest)")
    parser.add_argument("--database", default=os.environ.get("PILLAR_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--repeat", type=int, default=30, help="runs of each page")
    parser.add_argument("--heavy-repeat", type=int, default=5, help="runs of the sweep, roll-up, exports and API reads")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.actions < args.plans:
        parser.exit(2, "--actions must be at least --plans\n")
    report = run(args.database, args.actions, args.plans, args.repeat, args.heavy_repeat)
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{report['actions']:,} actions in {report['plans']} plan(s), {report['database']}, "
          f"{report['cpus']} CPUs, Python {report['python']}")
    print("| Measure | Median (ms) | p95 (ms) | SQL statements | Peak Python memory (MiB) |")
    print("|---|---:|---:|---:|---:|")
    for row in report["measures"]:
        print(f"| {row['measure']} | {row['median_ms']} | {row['p95_ms']} | {row['statements']} | "
              f"{row['peak_python_mib'] if row['peak_python_mib'] is not None else '-'} |")
    print(f"\nPeak resident set of the benchmark process: {report['peak_rss_mib']} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
