"""Fixtures for the escalation tests."""

from tests.ladder import World, world

__all__ = ["World", "world"]
