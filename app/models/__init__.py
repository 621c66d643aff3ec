"""The database models. Import from here: ``from app.models import Action``."""

from app.models.escalations import (
    Escalation,
    EscalationEvent,
    EscalationState,
    Notification,
    NotificationKind,
    Resolution,
    StoredStatus,
    SweepRun,
    Trigger,
)
from app.models.people import Person, User
from app.models.plan import (
    Action,
    Outcome,
    Pillar,
    Plan,
    Requirement,
    action_leads,
    action_requirements,
    pillar_leads,
)

__all__ = [
    "Action",
    "Escalation",
    "EscalationEvent",
    "EscalationState",
    "Notification",
    "NotificationKind",
    "Resolution",
    "StoredStatus",
    "SweepRun",
    "Trigger",
    "Outcome",
    "Person",
    "Pillar",
    "Plan",
    "Requirement",
    "User",
    "action_leads",
    "action_requirements",
    "pillar_leads",
]
