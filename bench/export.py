"""Benchmark: export the action log (Excel, CSV) and the board pack (PDF) of large plans.

Usage (needs a scratch PostgreSQL database it may empty):

    runuser -u postgres -- createdb -O pillar pillar_bench_board
    BENCH_DATABASE_URL=postgresql+psycopg://pillar:pillar@127.0.0.1:5432/pillar_bench_board \
        .venv/bin/python bench/export.py --sizes 2500,10000

Each export runs in a forked child process so its wall time and peak memory
(the rise in resident memory above the child's start, from /proc) are its own.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _measure(app, plan_id: int, fmt: str, out: str, queue) -> None:
    from app.board import services
    from app.extensions import db
    from app.models import Plan

    with app.app_context():
        db.engine.dispose(close=False)  # the parent's connections are not ours
        plan = db.session.get(Plan, plan_id)
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak to the current size
        start_rss = _status_kib("VmRSS")
        started = time.perf_counter()
        services.write_export(services.parse_request(plan, fmt, None), out)
        elapsed = time.perf_counter() - started
        peak = _status_kib("VmHWM") - start_rss
    queue.put((elapsed, peak, os.path.getsize(out)))


def run(app, plan_id: int, fmt: str) -> tuple[float, int, int]:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    with tempfile.TemporaryDirectory() as folder:
        child = context.Process(target=_measure, args=(app, plan_id, fmt, f"{folder}/out.{fmt}", queue))
        child.start()
        result = queue.get()
        child.join()
    return result


def make_plan(size: int) -> int:
    """A plan of ``size`` actions in 10 pillars of 10 outcomes, written in bulk."""
    from sqlalchemy import insert

    from app.extensions import db
    from app.models import Action, Outcome, Person, Pillar, Plan, action_leads

    plan = Plan(title=f"Benchmark plan of {size} actions", board_name="Improvement Board", start_date=date(2026, 4, 1))
    db.session.add(plan)
    db.session.flush()
    people = [Person(name=f"Lead {n:02d}", job_title="Head of Service", organisation="Council") for n in range(40)]
    db.session.add_all(people)
    pillars = [Pillar(plan_id=plan.id, number=n, title=f"Pillar {n}") for n in range(1, 11)]
    db.session.add_all(pillars)
    db.session.flush()
    outcomes = [
        Outcome(plan_id=plan.id, pillar_id=p.id, reference=f"{p.number}.{k}", statement=f"Outcome {p.number}.{k}",
                position=k)
        for p in pillars for k in range(1, 11)
    ]
    db.session.add_all(outcomes)
    db.session.flush()
    rags = ["green", "amber", "red", "not_started", "green"]
    rows = []
    for n in range(size):
        outcome = outcomes[n % len(outcomes)]
        pillar = pillars[(n % len(outcomes)) // 10]
        rows.append({
            "plan_id": plan.id, "pillar_id": pillar.id, "outcome_id": outcome.id,
            "reference": f"{outcome.reference}.{n // len(outcomes) + 1}",
            "title": f"Action {n}: improve the quality of practice in the service",
            "steps": "Audit a sample of cases\nReport findings to the board\nAgree the next steps",
            "timescale": "End March 2027", "due_date": date(2026, 6, 1) + timedelta(days=n % 400),
            "state": "complete" if n % 11 == 0 else "in_progress", "rag": rags[n % 5],
            "targets_and_measures": "80% of cases audited as good or better", "workstream": "Practice",
            "position": n, "version": 1,
        })
    db.session.execute(insert(Action), rows)
    ids = db.session.scalars(
        __import__("sqlalchemy").select(Action.id).where(Action.plan_id == plan.id).order_by(Action.id)
    ).all()
    db.session.execute(
        insert(action_leads), [{"action_id": a, "person_id": people[i % 40].id} for i, a in enumerate(ids)]
    )
    db.session.commit()
    return plan.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2500,10000,40000", help="plan sizes for the action log (xlsx, csv)")
    parser.add_argument("--pdf-sizes", default="1000,2500,10000", help="plan sizes for the PDF pack")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        sys.exit("Set BENCH_DATABASE_URL to a scratch PostgreSQL database (it will be emptied).")

    os.environ.setdefault("PILLAR_INSTANCE_DIR", tempfile.mkdtemp(prefix="pillar-bench-"))
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, text

    from app import create_app
    from app.extensions import db

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "FIXED_TODAY": "2026-11-23"})
    with app.app_context():
        upgrade()
        log_sizes = [int(size) for size in args.sizes.split(",") if size]
        pdf_sizes = [int(size) for size in args.pdf_sizes.split(",") if size]
        plans = {size: make_plan(size) for size in sorted(set(log_sizes) | set(pdf_sizes))}
        db.session.remove()
        db.engine.dispose()

    print(f"{'Actions':>8}  {'Format':<6} {'Seconds':>8}  {'Peak MiB':>8}  {'File KiB':>9}", flush=True)
    jobs = [(size, fmt) for size in log_sizes for fmt in ("xlsx", "csv")] + [(size, "pdf") for size in pdf_sizes]
    for size, fmt in jobs:
        elapsed, peak_kib, file_bytes = run(app, plans[size], fmt)
        print(f"{size:>8}  {fmt:<6} {elapsed:>8.2f}  {peak_kib / 1024:>8.1f}  {file_bytes / 1024:>9.0f}", flush=True)


if __name__ == "__main__":
    main()
