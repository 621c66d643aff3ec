#!/usr/bin/env bash
# Load test on loopback: Redis, gunicorn (2 web processes) and locust, all stopped at the end.
#
#   bench/load.sh USERS SPAWN_RATE DURATION [DATABASE_URL]
#   e.g. bench/load.sh 50 10 60s
#
# DURATION is the measured window, which starts once every simulated user has
# signed in (the statistics are reset then: Argon2id sign-ins are not in the
# figures). The whole run is bounded by DURATION plus LOAD_SIGN_IN_SECONDS
# (default 120) for the ramp and the sign-ins, and the window by
# LOAD_MAX_REQUESTS measured requests (default 50,000).
#
# The database must hold a plan made by bench/run.py (same password). The run
# raises SIGN_IN_LIMIT_PER_ADDRESS, since every simulated user signs in from
# 127.0.0.1; each user has an account of its own, so the per-account limit stays.
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=${1:-50}; RATE=${2:-10}; DURATION=${3:-60s}
DB=${4:-postgresql+psycopg://pillar:pillar@127.0.0.1:5432/pillar_bench_scale}
MEASURE=$(.venv/bin/python -c 'import sys; from locust.util.timespan import parse_timespan; print(parse_timespan(sys.argv[1]))' \
    "$DURATION" 2>/dev/null) || { echo "DURATION '$DURATION' is not a time span: give one like 60s, 5m or 1h30m" >&2; exit 2; }
LIMIT=$((MEASURE + ${LOAD_SIGN_IN_SECONDS:-120}))
free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port); WEB_PORT=$(free_port)
WORKDIR=$(mktemp -d /tmp/pillar-load-XXXXXX)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$WORKDIR/redis.pid" --logfile "$WORKDIR/redis.log"
export DATABASE_URL=$DB PILLAR_INSTANCE_DIR=$WORKDIR/instance \
    RATELIMIT_STORAGE_URI=redis://127.0.0.1:$REDIS_PORT/1 \
    CELERY_BROKER_URL=redis://127.0.0.1:$REDIS_PORT/0 CELERY_RESULT_BACKEND=redis://127.0.0.1:$REDIS_PORT/0 \
    SIGN_IN_LIMIT_PER_ADDRESS="10000 per 15 minutes"
mkdir -p "$PILLAR_INSTANCE_DIR"
.venv/bin/gunicorn --workers "${WEB_WORKERS:-2}" --bind "127.0.0.1:$WEB_PORT" --pid "$WORKDIR/gunicorn.pid" \
    --access-logfile /dev/null --error-logfile "$WORKDIR/gunicorn.log" --daemon wsgi:app
stop() {
    kill "$(cat "$WORKDIR/gunicorn.pid")" 2>/dev/null || true
    kill "$(cat "$WORKDIR/redis.pid")" 2>/dev/null || true
}
trap stop EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$WEB_PORT/health" >/dev/null 2>&1 && break; sleep 0.2; done
LOAD_DATABASE_URL=$DB LOAD_MEASURE_SECONDS=$MEASURE .venv/bin/locust -f bench/locustfile.py --headless \
    -u "$USERS" -r "$RATE" -t "${LIMIT}s" \
    --host "http://127.0.0.1:$WEB_PORT" --only-summary --stop-timeout 5 2>&1 | grep -v '"level"'
