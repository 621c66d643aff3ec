"""Sections of the pack and the log that other features fill in.

Each provider takes the plan and the as-at date and returns plain values
(dataclasses of str/int/None), never ORM objects, so the snapshot can hold
them as JSON and the pack renders them without a database. Until the feature
that owns a section is merged, its provider returns an empty result and the
pack says so ("There are no escalated issues in this period.") or leaves the
cells empty.

Contract for every provider:
- read with a fixed number of queries (set-based), whatever the plan's size;
- return only what was true on or before ``as_at``;
- strings are plain text (no HTML); dates are ISO strings ("2026-11-23") or None.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from app.domain.lifecycle import CLOSED_STATES
from app.domain.periods import period_start
from app.extensions import db
from app.models import Action, Plan, Update


@dataclass(frozen=True)
class ReportingPeriod:
    """The days a board meeting reports on: ``start`` to ``end`` inclusive."""

    start: date
    end: date


@dataclass(frozen=True)
class Commentary:
    """The latest update of an action in the period (filled by the updates feature).

    ``proposed_rag`` is an ``app.domain.rag.Rag`` value or None; ``direction``
    an ``app.domain.rag.Direction`` value (this period's RAG against the last).
    """

    commentary: str = ""
    outstanding: str = ""
    risks: str = ""
    proposed_rag: str | None = None
    direction: str = "none"


@dataclass(frozen=True)
class EscalatedIssue:
    """A level 3 (board) escalation open on ``as_at`` (filled by the workers feature)."""

    action_id: int
    reference: str
    action_title: str
    level: int
    reason: str
    raised_on: str | None = None
    director: str = ""
    director_response: str = ""
    revised_due_date: str | None = None


@dataclass(frozen=True)
class TargetRow:
    """An Improvement Notice target with its latest value (filled by the kpi feature).

    ``status`` is an ``app.domain.kpi`` status label ("OK", "Warning", "Alert",
    "Data only", "Unknown").
    """

    target: str
    status: str = "Unknown"
    value: str = ""
    value_as_at: str | None = None
    direction: str = ""
    previous_value: str = ""
    commentary: str = ""
    actions: str = ""
    additional_information: str = ""


@dataclass(frozen=True)
class OutstandingUpdate:
    """An open action whose leads have not yet posted this period's update."""

    action_id: int
    reference: str
    action_title: str
    lead_names: tuple[str, ...] = ()
    lead_emails: tuple[str, ...] = ()


def period_commentary(
    plan: Plan, as_at: date, action_ids: Collection[int] | None = None
) -> dict[int, Commentary]:
    """Each action's latest update posted on or before ``as_at``, by action id.

    ``action_ids`` limits the answer to those actions (the CSV export asks in
    batches so its memory stays flat). Filled by the updates feature; until
    then no action has commentary.
    """
    return {}


def escalated_issues(plan: Plan, as_at: date) -> list[EscalatedIssue]:
    """Level 3 escalations open on ``as_at``, ordered by action reference.

    Filled by the workers (escalation) feature; until then there are none.
    """
    return []


def improvement_notice_targets(plan: Plan, as_at: date) -> list[TargetRow]:
    """The Improvement Notice targets with their latest values as at ``as_at``.

    Filled by the kpi feature (its ``improvement_notice_targets``); until then none.
    """
    return []


def outstanding_updates(plan: Plan, period: ReportingPeriod) -> list[OutstandingUpdate]:
    """Open actions with no update posted for ``period``, ordered by reference.

    An update counts when its reporting period overlaps the board's period.
    Two statements: the actions, then their leads.
    """
    first_period = period_start(period.start, plan.cadence)
    posted = exists().where(
        Update.action_id == Action.id, Update.period >= first_period, Update.period <= period.end
    )
    actions = db.session.scalars(
        select(Action)
        .where(Action.plan_id == plan.id, Action.state.not_in([s.value for s in CLOSED_STATES]), ~posted)
        .options(selectinload(Action.delivery_leads))
    ).all()
    return [
        OutstandingUpdate(
            action_id=action.id,
            reference=action.reference,
            action_title=action.title,
            lead_names=tuple(person.name for person in action.delivery_leads),
            lead_emails=tuple(person.email for person in action.delivery_leads if person.email),
        )
        for action in sorted(actions, key=lambda a: _reference_key(a.reference))
    ]


def _reference_key(reference: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in reference.split("."))


def send_update_reminders(plan: Plan, period: ReportingPeriod, action_ids: Collection[int]) -> int:
    """Remind the delivery leads of exactly these actions; return how many leads are reminded.

    Filled by the workers (notifications) feature. It may record what it sends
    (flush, never commit: the view commits once after this returns) and must
    enqueue its emails only after that commit. Until then nobody is reminded.
    """
    return 0
