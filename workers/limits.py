"""How long each kind of task may run before the worker stops it.

The soft limit raises inside the task, so its transaction rolls back; the hard
limit kills the pool process. Redis hands an unacknowledged task to another
worker after the visibility timeout (``CELERY_VISIBILITY_TIMEOUT``, two hours),
so every hard limit here must stay below it, or a task still running would be
started a second time; tests/workers/test_celery_settings.py checks that.
"""

# Whole-database work: the sweep and its digests, the nightly roll-up, exports and imports.
LONG = {"soft_time_limit": 25 * 60, "time_limit": 30 * 60}
# Work about a handful of rows: one change's roll-up, one reminder round, one outbox flush.
SHORT = {"soft_time_limit": 4 * 60, "time_limit": 5 * 60}
