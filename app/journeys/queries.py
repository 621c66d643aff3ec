"""Reads for the role homes, the dashboard and search. A fixed number of statements per page."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from app.board.compare import BECAME_OVERDUE, Change, changes_between
from app.board.state import snapshot_state
from app.domain.lifecycle import ActionState
from app.domain.rag import Direction, Rag, direction_of_travel, effective_rag
from app.domain.working_days import WorkingCalendar
from app.extensions import db
from app.formatting import uk_date
from app.models import Action, BoardMeeting, Outcome, Person, Pillar, Plan, Requirement, Snapshot, action_leads
from app.plans.status import DueCounts, current_statuses, due_counts, snapshot_pillars

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


@dataclass(frozen=True)
class LastBoard:
    snapshot_id: int
    as_at: date


@dataclass
class Dashboard:
    plan: Plan
    as_at: date
    last_board: LastBoard | None
    pillars: list[PillarTravel]
    counts: dict[str, int]
    overdue: int
    due_soon: int
    due_soon_until: date


def _label(rag: str | None) -> str:
    return "Not rated" if rag is None else Rag(rag).label


def last_board(plan: Plan, today: date) -> LastBoard | None:
    """The latest snapshot frozen as at today or earlier, without reading its content."""
    row = db.session.execute(
        select(Snapshot.id, Snapshot.as_at).where(Snapshot.plan_id == plan.id, Snapshot.as_at <= today)
        .order_by(Snapshot.as_at.desc(), Snapshot.id.desc()).limit(1)
    ).first()
    return LastBoard(row.id, row.as_at) if row else None


def dashboard(plan: Plan, today: date) -> Dashboard:
    """The plan today against the last board: statuses from the stored roll-up when it is
    fresh, overdue and due-soon counts live, each pillar's status at the last board from
    the snapshot's kept pillar statuses. A fixed number of statements whatever the size."""
    board = last_board(plan, today)
    previous = snapshot_pillars(board.snapshot_id) if board else {}
    pillar_models = db.session.scalars(
        select(Pillar).where(Pillar.plan_id == plan.id).order_by(Pillar.number)
        .options(selectinload(Pillar.accountable_leads))
    ).all()
    statuses = current_statuses(plan, today, pillar_ids=[p.id for p in pillar_models])
    until = WorkingCalendar(plan.region).add_working_days(today, DUE_SOON_WORKING_DAYS)
    due = due_counts(plan, today, until)
    pillars = []
    for pillar in pillar_models:
        status = statuses.pillars[pillar.id]
        rag = status.rag.value if status.rag else None
        earlier = pillar.number in previous
        pillars.append(PillarTravel(
            number=pillar.number,
            label=pillar.label,
            accountable_leads=[lead.name for lead in pillar.accountable_leads],
            status_rag=rag,
            status_label=status.label,
            reason=status.reason,
            overdue=due.get(pillar.id, DueCounts()).overdue,
            direction=(
                direction_of_travel(Rag(previous[pillar.number]) if previous[pillar.number] else None, status.rag)
                if earlier
                else Direction.NONE
            ),
            previous_label=_label(previous[pillar.number]) if earlier else None,
        ))
    counts = {rag.value: getattr(statuses.plan.counts, rag.value) for rag in Rag}
    return Dashboard(
        plan=plan,
        as_at=today,
        last_board=board,
        pillars=pillars,
        counts=counts,
        overdue=sum(item.overdue for item in due.values()),
        due_soon=sum(item.due_soon for item in due.values()),
        due_soon_until=until,
    )


@dataclass(frozen=True)
class LiveRow:
    """An action as the comparison with the last board reads it."""

    id: int
    reference: str
    title: str
    rag: str
    reason: str
    overdue: bool
    due_date: str | None


def live_rows(plan: Plan, today: date) -> list[LiveRow]:
    """Every action of the plan in the order of the pack, plain columns only, judged today."""
    outcome_order = case((Outcome.id.is_(None), 1_000_000), else_=Outcome.position)
    rows = []
    for action_id, reference, title, state, proposed, due in db.session.execute(
        select(Action.id, Action.reference, Action.title, Action.state, Action.rag, Action.due_date)
        .join(Pillar, Pillar.id == Action.pillar_id)
        .outerjoin(Outcome, Outcome.id == Action.outcome_id)
        .where(Action.plan_id == plan.id)
        .order_by(Pillar.number, outcome_order, Outcome.id, Action.position, Action.reference)
    ):
        lifecycle = ActionState(state)
        effective = effective_rag(Rag(proposed), due if lifecycle.is_open else None, today,
                                  complete=lifecycle.counts_as_complete)
        rows.append(LiveRow(
            id=action_id, reference=reference, title=title, rag=effective.rag.value, reason=effective.reason or "",
            overdue=lifecycle.is_open and due is not None and due < today,
            due_date=due.isoformat() if due else None,
        ))
    return rows


def changes_since_last_board(plan: Plan, today: date) -> tuple[LastBoard | None, list[Change]]:
    """What changed between the last board's snapshot and today: this reads every action of
    the plan and of the snapshot, so it has a page of its own rather than the dashboard."""
    board = last_board(plan, today)
    if board is None:
        return None, []
    snapshot = db.session.get(Snapshot, board.snapshot_id)
    found = changes_between(snapshot_state(snapshot).actions, live_rows(plan, today))
    # The rows keep due dates in ISO form, as files do; on screen they read as UK dates.
    return board, [
        replace(change, before=_uk(change.before), after=_uk(change.after)) if change.kind == BECAME_OVERDUE else change
        for change in found
    ]


def _uk(iso: str) -> str:
    return uk_date(date.fromisoformat(iso)) if iso else "No date"


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
