"""Reads for the role homes, the dashboard and search. A fixed number of statements per page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.board.compare import Comparison, compare
from app.board.state import PlanState, build_state, snapshot_state
from app.domain.lifecycle import CLOSED_STATES
from app.domain.rag import Direction, Rag, direction_of_travel
from app.domain.working_days import WorkingCalendar
from app.extensions import db
from app.models import Action, BoardMeeting, Person, Pillar, Plan, Requirement, Snapshot, action_leads

DUE_SOON_WORKING_DAYS = 5
SEARCH_LIMIT = 50


# --- Search ------------------------------------------------------------------


def _like_pattern(words: str) -> str:
    """``%words%`` with the wildcards the user typed taken literally."""
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contains(column, pattern: str):
    # ILIKE on PostgreSQL; SQLAlchemy renders lower() LIKE lower() on SQLite.
    return column.ilike(pattern, escape="\\")


@dataclass
class SearchResults:
    query: str
    actions: list[Action] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def search(words: str) -> SearchResults:
    """Actions by reference, title, steps or lead's name; people by name or job title;
    requirements by number or text. Six statements whatever the size of the plans."""
    words = words.strip()
    results = SearchResults(query=words)
    if not words:
        return results
    pattern = _like_pattern(words)
    led_by_match = (
        select(action_leads.c.action_id)
        .join(Person, Person.id == action_leads.c.person_id)
        .where(_contains(Person.name, pattern))
    )
    action_match = or_(
        _contains(Action.reference, pattern),
        _contains(Action.title, pattern),
        _contains(Action.steps, pattern),
        Action.id.in_(led_by_match),
    )
    person_match = or_(_contains(Person.name, pattern), _contains(Person.job_title, pattern))
    requirement_match = or_(_contains(Requirement.number, pattern), _contains(Requirement.text, pattern))

    results.counts = {
        "actions": db.session.scalar(select(func.count()).select_from(Action).where(action_match)) or 0,
        "people": db.session.scalar(select(func.count()).select_from(Person).where(person_match)) or 0,
        "requirements": db.session.scalar(select(func.count()).select_from(Requirement).where(requirement_match))
        or 0,
    }
    results.actions = list(
        db.session.scalars(
            select(Action).where(action_match).order_by(Action.plan_id, Action.position, Action.id)
            .options(selectinload(Action.delivery_leads), selectinload(Action.plan))
            .limit(SEARCH_LIMIT)
        )
    )
    results.people = list(
        db.session.scalars(select(Person).where(person_match).order_by(Person.name, Person.id).limit(SEARCH_LIMIT))
    )
    results.requirements = list(
        db.session.scalars(
            select(Requirement).where(requirement_match).order_by(Requirement.plan_id, Requirement.id)
            .limit(SEARCH_LIMIT)
        )
    )
    return results


# --- Dashboard ---------------------------------------------------------------


@dataclass(frozen=True)
class PillarTravel:
    number: int
    label: str
    accountable_leads: list[str]
    status_rag: str | None
    status_label: str
    reason: str
    overdue: int
    direction: Direction
    previous_label: str | None


@dataclass
class Dashboard:
    plan: Plan
    live: PlanState
    last_board: Snapshot | None
    pillars: list[PillarTravel]
    counts: dict[str, int]
    overdue: int
    due_soon: int
    due_soon_until: date
    changes: Comparison | None


def _label(rag: str | None) -> str:
    return "Not rated" if rag is None else Rag(rag).label


def dashboard(plan: Plan, today: date) -> Dashboard:
    """The plan today against the last board's frozen snapshot."""
    live = build_state(plan, today)
    last_board = db.session.scalar(
        select(Snapshot).where(Snapshot.plan_id == plan.id, Snapshot.as_at <= today)
        .order_by(Snapshot.as_at.desc(), Snapshot.id.desc()).limit(1)
    )
    earlier = snapshot_state(last_board) if last_board is not None else None
    previous = {p.number: p.status.rag for p in earlier.pillars} if earlier else {}
    pillars = [
        PillarTravel(
            number=p.number,
            label=p.label,
            accountable_leads=p.accountable_leads,
            status_rag=p.status.rag,
            status_label=p.status.label,
            reason=p.status.reason,
            overdue=p.overdue,
            direction=(
                direction_of_travel(
                    Rag(previous[p.number]) if previous.get(p.number) else None,
                    Rag(p.status.rag) if p.status.rag else None,
                )
                if p.number in previous
                else Direction.NONE
            ),
            previous_label=_label(previous[p.number]) if p.number in previous else None,
        )
        for p in live.pillars
    ]
    until = WorkingCalendar(plan.region).add_working_days(today, DUE_SOON_WORKING_DAYS)
    due_soon = sum(
        1
        for row in live.actions
        if row.due_date and not row.overdue and row.state not in {s.value for s in CLOSED_STATES}
        and today <= date.fromisoformat(row.due_date) <= until
    )
    counts = {rag.value: live.status.counts.get(rag.value, 0) for rag in Rag}
    return Dashboard(
        plan=plan,
        live=live,
        last_board=last_board,
        pillars=pillars,
        counts=counts,
        overdue=live.overdue,
        due_soon=due_soon,
        due_soon_until=until,
        changes=compare(earlier, live) if earlier is not None else None,
    )


# --- Role homes --------------------------------------------------------------


def pillars_led_by(person_id: int | None) -> list[Pillar]:
    if person_id is None:
        return []
    return list(
        db.session.scalars(
            select(Pillar).where(Pillar.accountable_leads.any(Person.id == person_id))
            .order_by(Pillar.plan_id, Pillar.number).options(selectinload(Pillar.plan))
        )
    )


def next_meetings(today: date) -> dict[int, BoardMeeting]:
    """The next board meeting (today or later) of each plan, by plan id."""
    meetings = db.session.scalars(
        select(BoardMeeting).where(BoardMeeting.meeting_date >= today)
        .order_by(BoardMeeting.meeting_date, BoardMeeting.id)
        .options(selectinload(BoardMeeting.snapshot), selectinload(BoardMeeting.plan))
    ).all()
    found: dict[int, BoardMeeting] = {}
    for meeting in meetings:
        found.setdefault(meeting.plan_id, meeting)
    return found
