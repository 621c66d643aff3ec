"""Benchmark the escalation sweep and the full status recalculation.

For each size: a fresh schema made by the migrations and one plan of N actions
from the shared generator (app/demo/generate.py: about 20% overdue by 1 to 60
days, 5% due within a week, eight pillars, forty outcomes, one to three delivery
leads per action, 3 to 12 monthly updates per action, some Red twice running),
without the escalations the generator raises, so that the first sweep raises
them. Then it measures the first sweep, a repeated sweep on the same day, and
the full recalculation: wall time, SQL statements sent, and peak Python memory
(tracemalloc) and the process's peak resident set.

    PILLAR_BENCH_DATABASE_URL=postgresql+psycopg://pillar:pillar@127.0.0.1:5432/pillar_bench \\
        .venv/bin/python -m bench.sweep 1000 10000 100000

It drops and recreates the ``public`` schema of that database: never point it
at data you want to keep.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date

from sqlalchemy import create_engine, delete, event, text

TODAY = date(2026, 11, 23)  # a Monday
PASSWORD = "bench-password-kept-for-load-tests"


def _reset(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _generate(db, size: int) -> None:
    """One plan of ``size`` actions from the shared generator (app/demo/generate.py), written with COPY."""
    from app.demo.generate import generate
    from app.models import Escalation

    generate(plans=1, actions=size, seed=size, password=PASSWORD, today=TODAY)
    # The generator raises each overdue action's escalations, as for a plan swept before; the
    # first sweep measured here is to raise them all itself.
    db.session.execute(delete(Escalation))
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def _measure(db, label: str, work: Callable[[], object]) -> dict:
    statements = 0

    def count(*_args) -> None:
        nonlocal statements
        statements += 1

    event.listen(db.engine, "before_cursor_execute", count)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = work()
    finally:
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        event.remove(db.engine, "before_cursor_execute", count)
    return {
        "step": label,
        "seconds": elapsed,
        "statements": statements,
        "peak_python_mib": peak / 2**20,
        "result": result,
    }


def run(url: str, size: int) -> list[dict]:
    os.environ["PILLAR_INSTANCE_DIR"] = tempfile.mkdtemp(prefix="pillar-bench-")
    _reset(url)
    from flask_migrate import upgrade

    from app import create_app
    from app.escalations.sweep import run_sweep
    from app.extensions import db
    from app.plans.status import recalculate

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "FIXED_TODAY": TODAY.isoformat()})
    import logging

    logging.getLogger("pillar").setLevel(logging.WARNING)
    with app.app_context():
        upgrade()
        _generate(db, size)
        db.session.remove()
        # A running worker has imported the bank holiday tables already.
        from app.domain.working_days import WorkingCalendar

        WorkingCalendar("england-and-wales").add_working_days(TODAY, -60)

        def sweep():
            counts = run_sweep(TODAY)
            return {"raised": counts.raised, "reminders": counts.reminders, "notifications": counts.notifications}

        def recalc():
            result = recalculate(TODAY)
            db.session.commit()
            return result

        results = [
            _measure(db, "first sweep", sweep),
            _measure(db, "repeated sweep", sweep),
            _measure(db, "full recalculation", recalc),
        ]
        db.session.remove()
        db.engine.dispose()
    return results


def main(argv: list[str]) -> int:
    url = os.environ.get("PILLAR_BENCH_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        print("Set PILLAR_BENCH_DATABASE_URL to a scratch PostgreSQL database (it is wiped).", file=sys.stderr)
        return 2
    sizes = [int(arg.replace(",", "").replace("_", "")) for arg in argv] or [1000, 10000]
    print("| Actions | Step | Wall time (s) | SQL statements | Peak Python memory (MiB) | What it did |")
    print("|---:|---|---:|---:|---:|---|")
    for size in sizes:
        for row in run(url, size):
            print(
                f"| {size:,} | {row['step']} | {row['seconds']:.3f} | {row['statements']} | "
                f"{row['peak_python_mib']:.1f} | {row['result']} |",
                flush=True,
            )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak resident set of the whole run: {rss:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
