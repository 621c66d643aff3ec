"""The database models. Import from here: ``from app.models import Action``."""

from app.models.board import BoardMeeting, ExportJob, Snapshot
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
    "BoardMeeting",
    "ExportJob",
    "Outcome",
    "Person",
    "Pillar",
    "Plan",
    "Requirement",
    "Snapshot",
    "User",
    "action_leads",
    "action_requirements",
    "pillar_leads",
]
