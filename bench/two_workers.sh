#!/usr/bin/env bash
# Two Celery workers sharing one Redis queue, and two gunicorn web processes, on loopback:
# sends 10 roll-up tasks and shows which worker ran each. Stops everything at the end.
#
#   bench/two_workers.sh [DATABASE_URL]
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:-postgresql+psycopg://pillar:pillar@127.0.0.1:5432/pillar_bench_scale_load}
free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port); WEB_PORT=$(free_port)
WORKDIR=$(mktemp -d /tmp/pillar-two-XXXXXX)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$WORKDIR/redis.pid" --logfile "$WORKDIR/redis.log"
export DATABASE_URL=$DB PILLAR_INSTANCE_DIR=$WORKDIR/instance \
    RATELIMIT_STORAGE_URI=redis://127.0.0.1:$REDIS_PORT/1 \
    CELERY_BROKER_URL=redis://127.0.0.1:$REDIS_PORT/0 CELERY_RESULT_BACKEND=redis://127.0.0.1:$REDIS_PORT/0
mkdir -p "$PILLAR_INSTANCE_DIR"
.venv/bin/gunicorn --workers 2 --bind "127.0.0.1:$WEB_PORT" --pid "$WORKDIR/gunicorn.pid" \
    --access-logfile /dev/null --error-logfile "$WORKDIR/gunicorn.log" --daemon wsgi:app
for name in one two; do
    .venv/bin/celery -A workers.celery_app worker --concurrency 1 -n "$name@%h" --loglevel INFO \
        --pidfile "$WORKDIR/worker-$name.pid" --logfile "$WORKDIR/worker-$name.log" --detach
done
stop() {
    for pid in "$WORKDIR"/worker-*.pid "$WORKDIR/gunicorn.pid" "$WORKDIR/redis.pid"; do
        [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
    done
}
trap stop EXIT
for _ in $(seq 100); do
    [ "$(.venv/bin/celery -A workers.celery_app inspect ping 2>/dev/null | grep -c pong)" = 2 ] && break; sleep 0.5
done
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$WEB_PORT/health" >/dev/null 2>&1 && break; sleep 0.2; done
echo "web: $(curl -fs -o /dev/null -w '%{http_code}' "http://127.0.0.1:$WEB_PORT/health") from gunicorn with $(pgrep -P "$(cat "$WORKDIR/gunicorn.pid")" | wc -l) web processes"
.venv/bin/python - <<'PY'
from workers.celery_app import celery
results = [celery.send_task("workers.plans.recalculate_all_statuses") for _ in range(10)]
for result in results:
    result.get(timeout=120)
print("10 roll-up tasks done")
PY
for name in one two; do
    echo "worker $name ran $(grep -c 'recalculate_all_statuses.*succeeded' "$WORKDIR/worker-$name.log") of them"
done
