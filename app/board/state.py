"""The state of a plan as the board sees it: built from the live database as at
a date, or read back from a frozen snapshot.

The action log and the pack render from ``PlanState`` alone, so a snapshot's
exports come out the same however the live plan changes afterwards. Every
field is JSON-native (dates as ISO strings) so the state round-trips through
the snapshot's JSON column unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import ARRAY, Integer, any_, bindparam, case, select
from sqlalchemy.orm import selectinload

from app.board import sources
from app.domain.lifecycle import ActionState
from app.domain.rag import Direction, Rag, direction_of_travel, effective_rag
from app.domain.requirements import RequirementKind
from app.domain.rollup import ChildStatus, RollupRule, roll_up
from app.extensions import db
from app.models import Action, Outcome, Person, Pillar, Plan, Requirement, action_leads, action_requirements
from app.models.board import BoardMeeting, Snapshot

#: Bumped when the shape changes, so an old snapshot can still be read.
SCHEMA_VERSION = 1
BATCH_SIZE = 1000


@dataclass
class ActionRow:
    id: int
    reference: str
    pillar_number: int
    pillar_title: str
    outcome_reference: str
    outcome_statement: str
    title: str
    steps: str
    timescale: str
    start_date: str | None
    due_date: str | None
    state: str
    rag: str
    reason: str
    proposed_rag: str
    direction: str
    overdue: bool
    delivery_leads: list[str]
    lead_ids: list[int]
    targets_and_measures: str
    workstream: str
    links: list[str]
    commentary: str = ""
    outstanding: str = ""
    risks: str = ""
    escalated_to_board: bool = False

    @property
    def rag_enum(self) -> Rag:
        return Rag(self.rag)

    @property
    def state_enum(self) -> ActionState:
        return ActionState(self.state)

    @property
    def direction_enum(self) -> Direction:
        return Direction(self.direction)


@dataclass
class StatusRow:
    """A rolled-up status: ``rag`` None is Not rated; ``reason`` says why."""

    rag: str | None
    reason: str
    counts: dict[str, int]

    @property
    def label(self) -> str:
        return "Not rated" if self.rag is None else Rag(self.rag).label

    @property
    def rag_enum(self) -> Rag | None:
        return None if self.rag is None else Rag(self.rag)


@dataclass
class OutcomeRow:
    reference: str
    statement: str
    status: StatusRow


@dataclass
class PillarRow:
    number: int
    title: str
    accountable_leads: list[str]
    status: StatusRow
    direction: str
    previous_rag: str | None
    overdue: int
    outcomes: list[OutcomeRow]

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}"


@dataclass
class PersonRow:
    name: str
    job_title: str
    organisation: str


@dataclass
class RequirementRow:
    number: str
    kind: str
    text: str
    urgency: str
    due_date: str | None
    actions: list[str]


@dataclass
class PlanState:
    schema: int
    plan_id: int
    plan_title: str
    organisation: str
    board_name: str
    meeting_title: str
    as_at: str
    period_start: str | None
    period_end: str
    previous_as_at: str | None
    rollup_rule: str
    status: StatusRow
    overdue: int
    pillars: list[PillarRow]
    actions: list[ActionRow]
    people: list[PersonRow]
    requirements: list[RequirementRow]
    escalated_issues: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)

    @property
    def as_at_date(self) -> date:
        return date.fromisoformat(self.as_at)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> PlanState:
        values = dict(data)
        values["status"] = StatusRow(**data["status"])
        values["pillars"] = [
            PillarRow(
                **{
                    **pillar,
                    "status": StatusRow(**pillar["status"]),
                    "outcomes": [
                        OutcomeRow(**{**o, "status": StatusRow(**o["status"])}) for o in pillar["outcomes"]
                    ],
                }
            )
            for pillar in data["pillars"]
        ]
        values["actions"] = [ActionRow(**row) for row in data["actions"]]
        values["people"] = [PersonRow(**row) for row in data["people"]]
        values["requirements"] = [RequirementRow(**row) for row in data["requirements"]]
        return cls(**values)

    def escalated(self) -> list[sources.EscalatedIssue]:
        return [sources.EscalatedIssue(**issue) for issue in self.escalated_issues]

    def target_rows(self) -> list[sources.TargetRow]:
        return [sources.TargetRow(**row) for row in self.targets]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


_ORPHAN_POSITION = 1_000_000


def _ordered_actions(plan: Plan, batch_size: int):
    """The plan's actions as plain column tuples in the order of the pack
    (pillar, outcome, position), a batch at a time from a streamed cursor."""
    outcome_order = case((Outcome.id.is_(None), _ORPHAN_POSITION), else_=Outcome.position)
    return db.session.execute(
        select(
            Action.id, Action.pillar_id, Action.outcome_id, Action.reference, Action.title, Action.steps,
            Action.timescale, Action.start_date, Action.due_date, Action.state, Action.rag,
            Action.targets_and_measures, Action.workstream,
        )
        .join(Pillar, Pillar.id == Action.pillar_id)
        .outerjoin(Outcome, Outcome.id == Action.outcome_id)
        .where(Action.plan_id == plan.id)
        .order_by(Pillar.number, outcome_order, Outcome.id, Action.position, Action.reference),
        execution_options={"yield_per": batch_size},
    ).partitions()


def iter_action_rows(
    plan: Plan,
    as_at: date,
    escalated_ids: frozenset[int] = frozenset(),
    batch_size: int = BATCH_SIZE,
) -> Iterator[ActionRow]:
    """The plan's actions as log rows, in pack order, read in batches.

    A fixed number of queries per batch and only one batch in memory, so
    a streamed CSV of any size uses the same memory.
    """
    pillars = {p.id: p for p in db.session.scalars(select(Pillar).where(Pillar.plan_id == plan.id))}
    outcomes = {o.id: o for o in db.session.scalars(select(Outcome).where(Outcome.plan_id == plan.id))}
    for batch in _ordered_actions(plan, batch_size):
        yield from _rows_for_batch(plan, as_at, batch, pillars, outcomes, escalated_ids)


def _among(column, ids: list[int]):
    """``column IN ids``; on PostgreSQL as one array parameter, which the driver
    sends far faster than a thousand separate ones."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    return column.in_(ids)


def _rows_for_batch(plan, as_at, actions, pillars, outcomes, escalated_ids) -> list[ActionRow]:
    # Plain column tuples, not entities: the session keeps no reference to them.
    batch = [action.id for action in actions]
    leads: dict[int, list[tuple[str, int]]] = {}
    for action_id, person_id, name in db.session.execute(
        select(action_leads.c.action_id, Person.id, Person.name)
        .join(Person, Person.id == action_leads.c.person_id)
        .where(_among(action_leads.c.action_id, batch))
        .order_by(Person.name, Person.id)
    ):
        leads.setdefault(action_id, []).append((name, person_id))
    links: dict[int, list[str]] = {}
    for action_id, number in db.session.execute(
        select(action_requirements.c.action_id, Requirement.number)
        .join(Requirement, Requirement.id == action_requirements.c.requirement_id)
        .where(_among(action_requirements.c.action_id, batch))
        .order_by(Requirement.id)
    ):
        links.setdefault(action_id, []).append(number)
    commentary = sources.period_commentary(plan, as_at, batch)

    rows = []
    for action in actions:
        action_id = action.id
        pillar = pillars[action.pillar_id]
        outcome = outcomes.get(action.outcome_id) if action.outcome_id else None
        effective = _effective_rag(action.state, action.rag, action.due_date, as_at)
        note = commentary.get(action_id, sources.Commentary())
        lead_pairs = leads.get(action_id, [])
        rows.append(
            ActionRow(
                id=action.id,
                reference=action.reference,
                pillar_number=pillar.number,
                pillar_title=pillar.title,
                outcome_reference=outcome.reference if outcome else "",
                outcome_statement=outcome.statement if outcome else "",
                title=action.title,
                steps=action.steps or "",
                timescale=action.timescale or "",
                start_date=_iso(action.start_date),
                due_date=_iso(action.due_date),
                state=action.state,
                rag=effective.rag.value,
                reason=effective.reason or "",
                proposed_rag=note.proposed_rag or action.rag,
                direction=note.direction,
                overdue=_STATES[action.state].is_open and action.due_date is not None
                and action.due_date < as_at,
                delivery_leads=[name for name, _ in lead_pairs],
                lead_ids=[person_id for _, person_id in lead_pairs],
                targets_and_measures=action.targets_and_measures or "",
                workstream=action.workstream or "",
                links=links.get(action_id, []),
                commentary=note.commentary,
                outstanding=note.outstanding,
                risks=note.risks,
                escalated_to_board=action_id in escalated_ids,
            )
        )
    return rows


# Dictionary look-ups: calling the enum per row is the slow part of a large export.
_STATES = {state.value: state for state in ActionState}
_RAGS = {rag.value: rag for rag in Rag}


def _effective_rag(state: str, rag: str, due_date: date | None, as_at: date):
    """``Action.effective_rag`` for a row read as plain columns."""
    lifecycle = _STATES[state]
    proposed = _RAGS[rag]
    if proposed is Rag.COMPLETE and not lifecycle.counts_as_complete:
        proposed = Rag.GREEN
    return effective_rag(
        proposed, due_date if lifecycle.is_open else None, as_at, complete=lifecycle.counts_as_complete
    )


def _status(children: Iterable[ActionRow], rule: RollupRule) -> StatusRow:
    rolled = roll_up(
        (
            ChildStatus(row.rag_enum, escalated_to_board=row.escalated_to_board)
            for row in children
            if row.state != ActionState.CANCELLED.value
        ),
        rule,
    )
    counts = {name: getattr(rolled.counts, name) for name in
              ("red", "amber", "green", "complete", "not_started", "escalated_to_board")}
    return StatusRow(rag=rolled.rag.value if rolled.rag else None, reason=rolled.reason, counts=counts)


def previous_snapshot(plan_id: int, as_at: date) -> Snapshot | None:
    """The latest snapshot frozen as at a date before ``as_at``: the last board."""
    return db.session.scalar(
        select(Snapshot)
        .where(Snapshot.plan_id == plan_id, Snapshot.as_at < as_at)
        .order_by(Snapshot.as_at.desc(), Snapshot.id.desc())
        .limit(1)
    )


def build_state(plan: Plan, as_at: date, meeting: BoardMeeting | None = None) -> PlanState:
    """The plan as at ``as_at``: statuses and overdue judged on that date."""
    rule = plan.rollup_rule
    issues = sources.escalated_issues(plan, as_at)
    escalated_ids = frozenset(issue.action_id for issue in issues)
    actions = list(iter_action_rows(plan, as_at, escalated_ids))

    previous = previous_snapshot(plan.id, as_at)
    previous_rags: dict[int, str | None] = {}
    if previous is not None:
        previous_rags = {p["number"]: p["status"]["rag"] for p in previous.content["pillars"]}

    pillar_models = db.session.scalars(
        select(Pillar).where(Pillar.plan_id == plan.id).order_by(Pillar.number).options(
            selectinload(Pillar.accountable_leads)
        )
    ).all()
    outcome_models = db.session.scalars(
        select(Outcome).where(Outcome.plan_id == plan.id).order_by(Outcome.position, Outcome.id)
    ).all()
    by_pillar: dict[int, list[ActionRow]] = {}
    by_outcome: dict[tuple[int, str], list[ActionRow]] = {}
    for row in actions:
        by_pillar.setdefault(row.pillar_number, []).append(row)
        by_outcome.setdefault((row.pillar_number, row.outcome_reference), []).append(row)

    pillars = []
    for pillar in pillar_models:
        children = by_pillar.get(pillar.number, [])
        status = _status(children, rule)
        outcomes = [
            OutcomeRow(o.reference, o.statement, _status(by_outcome.get((pillar.number, o.reference), []), rule))
            for o in outcome_models
            if o.pillar_id == pillar.id
        ]
        if by_outcome.get((pillar.number, "")):
            outcomes.append(OutcomeRow("", "Actions with no outcome", _status(by_outcome[(pillar.number, "")], rule)))
        previous_rag = previous_rags.get(pillar.number)
        pillars.append(
            PillarRow(
                number=pillar.number,
                title=pillar.title,
                accountable_leads=[p.name for p in pillar.accountable_leads],
                status=status,
                direction=_pillar_direction(previous is not None, previous_rag, status.rag).value,
                previous_rag=previous_rag,
                overdue=sum(1 for row in children if row.overdue),
                outcomes=outcomes,
            )
        )

    period_start = _period_start(plan, as_at, previous)
    return PlanState(
        schema=SCHEMA_VERSION,
        plan_id=plan.id,
        plan_title=plan.title,
        organisation=plan.organisation or "",
        board_name=plan.board_name or "",
        meeting_title=meeting.title if meeting else "",
        as_at=as_at.isoformat(),
        period_start=_iso(period_start),
        period_end=as_at.isoformat(),
        previous_as_at=_iso(previous.as_at) if previous else None,
        rollup_rule=rule.describe(),
        status=_status(actions, rule),
        overdue=sum(1 for row in actions if row.overdue),
        pillars=pillars,
        actions=actions,
        people=_people(plan),
        requirements=_requirements(plan),
        escalated_issues=[asdict(issue) for issue in issues],
        targets=[asdict(row) for row in sources.improvement_notice_targets(plan, as_at)],
    )


def _pillar_direction(had_previous: bool, previous: str | None, current: str | None) -> Direction:
    if not had_previous:
        return Direction.NONE
    return direction_of_travel(Rag(previous) if previous else None, Rag(current) if current else None)


def _period_start(plan: Plan, as_at: date, previous: Snapshot | None) -> date | None:
    """The period a pack covers: the day after the last board, or the plan's start."""
    from datetime import timedelta

    if previous is not None:
        return previous.as_at + timedelta(days=1)
    return plan.start_date


def _people(plan: Plan) -> list[PersonRow]:
    from app.plans.queries import plan_people

    return [PersonRow(p.name, p.job_title or "", p.organisation or "") for p in plan_people(plan)]


_KIND_ORDER = case(
    (Requirement.kind == RequirementKind.IMPROVEMENT_NOTICE.value, 0),
    (Requirement.kind == RequirementKind.OFSTED_RECOMMENDATION.value, 1),
    else_=2,
)


def _requirements(plan: Plan) -> list[RequirementRow]:
    requirements = db.session.scalars(
        select(Requirement)
        .where(Requirement.plan_id == plan.id)
        .order_by(_KIND_ORDER, Requirement.id)
        .options(selectinload(Requirement.actions))
    ).all()
    return [
        RequirementRow(
            number=r.number,
            kind=r.kind_enum.label,
            text=r.text,
            urgency=r.urgency or "",
            due_date=_iso(r.due_date),
            actions=sorted((a.reference for a in r.actions), key=_reference_key),
        )
        for r in requirements
    ]


_reference_key = sources.reference_sort_key


def snapshot_state(snapshot: Snapshot) -> PlanState:
    return PlanState.from_json(snapshot.content)


__all__ = [
    "ActionRow",
    "PlanState",
    "build_state",
    "iter_action_rows",
    "snapshot_state",
]
