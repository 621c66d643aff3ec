"""The database models. Import from here: ``from app.models import Action``."""

from app.models.api import ApiToken, CalendarFeed
from app.models.audit import AuditChainHead, AuditEvent
from app.models.board import BoardMeeting, ExportJob, Snapshot
from app.models.escalations import (
    Escalation,
    EscalationEvent,
    EscalationState,
    Notification,
    NotificationKind,
    Reminder,
    Resolution,
    StoredStatus,
    SweepRun,
    Trigger,
)
from app.models.evidence import Evidence
from app.models.indicators import (
    Comparator,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    indicator_actions,
    indicator_requirements,
)
from app.models.outbox import OutboxMessage
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
from app.models.rollup import PendingRecalculation, SnapshotPillarStatus
from app.models.updates import Comment, Update, UpdateRevision

__all__ = [
    "Action",
    "Comparator",
    "Indicator",
    "IndicatorTarget",
    "IndicatorValue",
    "indicator_actions",
    "indicator_requirements",
    "Escalation",
    "EscalationEvent",
    "EscalationState",
    "Notification",
    "NotificationKind",
    "Reminder",
    "Resolution",
    "StoredStatus",
    "SweepRun",
    "Trigger",
    "AuditChainHead",
    "AuditEvent",
    "Comment",
    "Evidence",
    "BoardMeeting",
    "ExportJob",
    "Outcome",
    "Person",
    "Pillar",
    "Plan",
    "Requirement",
    "Update",
    "UpdateRevision",
    "Snapshot",
    "User",
    "action_leads",
    "action_requirements",
    "pillar_leads",
    "OutboxMessage",
    "ApiToken",
    "CalendarFeed",
    "PendingRecalculation",
    "SnapshotPillarStatus",
]
