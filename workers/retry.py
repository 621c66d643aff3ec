"""What a task retries on: the database or the broker briefly away."""

from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy.exc import InterfaceError, OperationalError

TRANSIENT = (OperationalError, InterfaceError, BrokerError, ConnectionError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": True, "retry_backoff_max": 300, "max_retries": 8}
