"""Benchmark: export the action log (Excel, CSV) and the board pack (PDF) of large plans.

Usage (needs a scratch PostgreSQL database it may empty):

    runuser -u postgres -- createdb -O pillar pillar_bench_board
    BENCH_DATABASE_URL=postgresql+psycopg://pillar:pillar@127.0.0.1:5432/pillar_bench_board \
        .venv/bin/python bench/export.py --sizes 2500,10000

Each size is one plan from the shared generator (app/demo/generate.py), all in
one database. Each export runs in a forked child process so its wall time and peak memory
(the rise in resident memory above the child's start, from /proc) are its own.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TODAY = date(2026, 11, 23)
PASSWORD = "bench-password-kept-for-load-tests"


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
    """A plan of ``size`` actions from the shared generator (app/demo/generate.py), written with COPY."""
    from app.demo.generate import generate
    from app.extensions import db

    made = generate(plans=1, actions=size, seed=size, password=PASSWORD, today=TODAY)
    db.session.commit()
    return made.plan_ids[0]


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
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "FIXED_TODAY": TODAY.isoformat()})
    with app.app_context():
        upgrade()
        log_sizes = [int(size) for size in args.sizes.split(",") if size]
        pdf_sizes = [int(size) for size in args.pdf_sizes.split(",") if size]
        plans = {size: make_plan(size) for size in sorted(set(log_sizes) | set(pdf_sizes))}
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()

    print(f"{'Actions':>8}  {'Format':<6} {'Seconds':>8}  {'Peak MiB':>8}  {'File KiB':>9}", flush=True)
    jobs = [(size, fmt) for size in log_sizes for fmt in ("xlsx", "csv")] + [(size, "pdf") for size in pdf_sizes]
    for size, fmt in jobs:
        elapsed, peak_kib, file_bytes = run(app, plans[size], fmt)
        print(f"{size:>8}  {fmt:<6} {elapsed:>8.2f}  {peak_kib / 1024:>8.1f}  {file_bytes / 1024:>9.0f}", flush=True)


if __name__ == "__main__":
    main()
