"""Benchmark the escalation sweep and the full status recalculation.

For each size: a fresh schema made by the migrations, one plan of N actions
(20% overdue, spread over 1 to 60 working days; 5% due within the reminder
window), ten pillars, a hundred outcomes, one delivery lead per action and two
monthly updates per action (2% Red in both). Then it measures the first
sweep, a repeated sweep on the same day, and the full recalculation: wall
time, SQL statements sent, and peak Python memory (tracemalloc) and the
process's peak resident set.

    PILLAR_BENCH_DATABASE_URL=postgresql+psycopg://pillar:pillar@127.0.0.1:5432/pillar_bench \\
        .venv/bin/python -m bench.sweep 1000 10000 100000

It drops and recreates the ``public`` schema of that database: never point it
at data you want to keep.
"""

from __future__ import annotations

import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import create_engine, event, text

TODAY = date(2026, 11, 23)  # a Monday
NOW = datetime(2026, 11, 22, 12, 0)


def _reset(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _generate(db, size: int) -> None:
    """Fill the plan with COPY: seconds for 100,000 actions."""
    rng = random.Random(size)
    db.session.execute(
        text("INSERT INTO plans (id, title, cadence, region, update_deadline_working_days, rollup_method, "
             "rollup_red_threshold) VALUES (1, 'Benchmark plan', 'monthly', 'england-and-wales', 5, 'threshold', 0.25)")
    )
    db.session.commit()
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()

        def copy(statement: str, rows) -> None:
            with cursor.copy(statement) as writer:
                for row in rows:
                    writer.write_row(row)

        people = 60
        copy("COPY people (id, name, email) FROM STDIN",
             ((n, f"Person {n}", f"person{n}@example.org") for n in range(1, people + 1)))
        copy("COPY pillars (id, plan_id, number, title) FROM STDIN", ((n, 1, n, f"Pillar {n}") for n in range(1, 11)))
        copy("COPY pillar_leads (pillar_id, person_id) FROM STDIN", ((n, n) for n in range(1, 11)))
        copy("COPY outcomes (id, plan_id, pillar_id, reference, statement, position) FROM STDIN",
             ((n, 1, (n - 1) // 10 + 1, f"{(n - 1) // 10 + 1}.{(n - 1) % 10 + 1}", "Outcome", n) for n in range(1, 101)))

        def action_rows():
            for n in range(1, size + 1):
                roll = rng.random()
                if roll < 0.20:
                    due = TODAY - timedelta(days=rng.randint(1, 84))  # up to ~60 working days overdue
                elif roll < 0.25:
                    due = TODAY + timedelta(days=rng.randint(0, 6))  # within the reminder window
                else:
                    due = TODAY + timedelta(days=rng.randint(8, 400))
                outcome = (n - 1) % 100 + 1
                pillar = (outcome - 1) // 10 + 1
                rag = rng.choice(("green", "green", "green", "amber", "red", "not_started"))
                yield (n, 1, pillar, outcome, f"A{n}", "Benchmark action", due, "in_progress", rag, n, 1,
                       NOW, NOW)

        copy("COPY actions (id, plan_id, pillar_id, outcome_id, reference, title, due_date, state, rag, "
             "position, version, created_at, updated_at) FROM STDIN", action_rows())
        copy("COPY action_leads (action_id, person_id) FROM STDIN",
             ((n, 11 + n % (people - 10)) for n in range(1, size + 1)))

        def update_rows():
            for n in range(1, size + 1):
                red = n % 50 == 0
                for period in (date(2026, 10, 1), date(2026, 11, 1)):
                    rag = "red" if red else "green"
                    yield (n, period, rag, rag, "Progress", NOW, NOW, 1)

        copy("COPY updates (action_id, period, proposed_rag, effective_rag, commentary, created_at, updated_at, "
             "version) FROM STDIN", update_rows())
        for table in ("people", "pillars", "outcomes", "actions"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


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
