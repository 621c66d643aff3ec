"""An action's lifecycle states."""

from enum import StrEnum


class ActionState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    AWAITING_SIGN_OFF = "awaiting_sign_off"
    COMPLETE = "complete"
    COMPLETE_MONITORING = "complete_monitoring"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def is_open(self) -> bool:
        """Open actions are still owed work: they can become overdue and escalate."""
        return self not in CLOSED_STATES

    @property
    def counts_as_complete(self) -> bool:
        """Only signed-off completion counts as Complete in roll-ups and reports."""
        return self is ActionState.COMPLETE


_LABELS = {
    ActionState.NOT_STARTED: "Not started",
    ActionState.IN_PROGRESS: "In progress",
    ActionState.AWAITING_SIGN_OFF: "Complete – awaiting sign-off",
    ActionState.COMPLETE: "Complete",
    ActionState.COMPLETE_MONITORING: "Complete subject to monitoring",
    ActionState.CANCELLED: "Cancelled",
}

# "Complete subject to monitoring" stays open for its monitoring period.
CLOSED_STATES = frozenset({ActionState.COMPLETE, ActionState.CANCELLED})
