"""The worker's entry point: ``celery -A workers.celery_app worker`` (and ``beat``).

The one module that builds the Flask app at import time.
"""

from app import create_app
from workers.schedule import BEAT_SCHEDULE

flask_app = create_app()
celery = flask_app.extensions["celery"]
celery.conf.beat_schedule = BEAT_SCHEDULE
celery.conf.include = [
    "workers.board", "workers.escalations", "workers.imports", "workers.notifications", "workers.plans",
    "workers.outbox",
]
