"""Reads for plan pages. Set-based: a fixed number of statements per page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import selectinload

from app.domain.lifecycle import ActionState
from app.domain.rag import Rag
from app.domain.requirements import RequirementKind
from app.domain.rollup import ChildStatus, RagCounts, RollupRule, RollupStatus, roll_up, roll_up_counts
from app.extensions import db
from app.ids import parse_id
from app.models import (
    Action,
    Escalation,
    EscalationState,
    Outcome,
    Person,
    Pillar,
    Plan,
    Requirement,
    action_leads,
    pillar_leads,
)

_COUNT_FIELDS = {rag.value for rag in Rag}


def _counts_from_rows(rows, escalated_to_board: int = 0) -> RagCounts:
    values = {name: 0 for name in _COUNT_FIELDS}
    for rag, count in rows:
        if rag in values:
            values[rag] += count
    return RagCounts(**values, escalated_to_board=escalated_to_board)


def _at_board(plan_id: int):
    """Open actions with an escalation at level 3 not yet resolved: they make their pillar Red."""
    return (
        select(Escalation.action_id)
        .join(Action, Action.id == Escalation.action_id)
        .where(
            Escalation.plan_id == plan_id,
            Escalation.level == 3,
            Escalation.state != EscalationState.RESOLVED.value,
            Action.state.not_in([ActionState.COMPLETE.value, ActionState.CANCELLED.value]),
        )
        .distinct()
    )


@dataclass(frozen=True)
class PillarSummary:
    pillar: Pillar
    status: RollupStatus
    overdue: int


@dataclass(frozen=True)
class PlanOverview:
    plan: Plan
    status: RollupStatus
    pillars: list[PillarSummary]
    overdue: int
    rule: RollupRule


def plan_overview(plan: Plan, today: date) -> PlanOverview:
    effective = Action.effective_rag_sql(today).label("effective_rag")
    rows = db.session.execute(
        select(Action.pillar_id, effective, func.count())
        .where(Action.plan_id == plan.id, Action.state != ActionState.CANCELLED.value)
        .group_by(Action.pillar_id, effective)
    ).all()
    overdue_rows = db.session.execute(
        select(Action.pillar_id, func.count())
        .where(Action.plan_id == plan.id, Action.overdue_sql(today))
        .group_by(Action.pillar_id)
    ).all()
    pillars = db.session.scalars(
        select(Pillar).where(Pillar.plan_id == plan.id).order_by(Pillar.number).options(
            selectinload(Pillar.accountable_leads)
        )
    ).all()

    by_pillar: dict[int, list[tuple[str, int]]] = {}
    for pillar_id, rag, count in rows:
        by_pillar.setdefault(pillar_id, []).append((rag, count))
    overdue_by_pillar = dict(overdue_rows)
    at_board = _at_board(plan.id).subquery()
    board_by_pillar = dict(
        db.session.execute(
            select(Action.pillar_id, func.count())
            .join(at_board, at_board.c.action_id == Action.id)
            .group_by(Action.pillar_id)
        ).all()
    )
    rule = plan.rollup_rule
    summaries = [
        PillarSummary(
            pillar=pillar,
            status=roll_up_counts(
                _counts_from_rows(by_pillar.get(pillar.id, []), board_by_pillar.get(pillar.id, 0)), rule
            ),
            overdue=overdue_by_pillar.get(pillar.id, 0),
        )
        for pillar in pillars
    ]
    plan_counts = _counts_from_rows([(rag, count) for _, rag, count in rows], sum(board_by_pillar.values()))
    return PlanOverview(
        plan=plan,
        status=roll_up_counts(plan_counts, rule),
        pillars=summaries,
        overdue=sum(overdue_by_pillar.values()),
        rule=rule,
    )


@dataclass(frozen=True)
class OutcomeView:
    outcome: Outcome
    status: RollupStatus
    actions: list[Action]


def pillar_detail(pillar: Pillar, today: date) -> tuple[RollupStatus, list[OutcomeView]]:
    outcomes = db.session.scalars(
        select(Outcome).where(Outcome.pillar_id == pillar.id).order_by(Outcome.position)
    ).all()
    actions = db.session.scalars(
        select(Action)
        .where(Action.pillar_id == pillar.id)
        .order_by(Action.position)
        .options(selectinload(Action.delivery_leads), selectinload(Action.requirements))
    ).all()
    rule = pillar.plan.rollup_rule
    at_board = set(db.session.scalars(_at_board(pillar.plan_id).where(Action.pillar_id == pillar.id)))
    by_outcome: dict[int | None, list[Action]] = {}
    for action in actions:
        by_outcome.setdefault(action.outcome_id, []).append(action)

    def status_of(items: list[Action]) -> RollupStatus:
        return roll_up(
            (
                ChildStatus(a.effective_rag(today).rag, escalated_to_board=a.id in at_board)
                for a in items
                if a.state != ActionState.CANCELLED.value
            ),
            rule,
        )

    views = [OutcomeView(o, status_of(by_outcome.get(o.id, [])), by_outcome.get(o.id, [])) for o in outcomes]
    if by_outcome.get(None):
        orphan = Outcome(reference="", statement="Actions with no outcome", pillar_id=pillar.id)
        views.append(OutcomeView(orphan, status_of(by_outcome[None]), by_outcome[None]))
    return status_of(list(actions)), views


@dataclass
class ActionFilters:
    """The action list's filters, as they appear in the URL so a view can be shared."""

    pillar: int | None = None
    lead: int | None = None
    rag: str | None = None
    state: str | None = None
    overdue: bool = False
    problems: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> ActionFilters:
        filters = cls()
        for name in ("pillar", "lead"):
            raw = (args.get(name) or "").strip()
            if raw:
                if (number := parse_id(raw)) is not None:
                    setattr(filters, name, number)
                else:
                    filters.problems[name] = f"'{raw}' is not a valid {name}"
        rag = (args.get("rag") or "").strip()
        if rag:
            if rag in _COUNT_FIELDS:
                filters.rag = rag
            else:
                filters.problems["rag"] = f"'{rag}' is not a RAG status"
        state = (args.get("state") or "").strip()
        if state:
            if state in {s.value for s in ActionState}:
                filters.state = state
            else:
                filters.problems["state"] = f"'{state}' is not an action state"
        filters.overdue = (args.get("overdue") or "").strip().lower() in {"1", "yes", "true", "on"}
        return filters

    def as_args(self) -> dict[str, str]:
        args = {}
        if self.pillar is not None:
            args["pillar"] = str(self.pillar)
        if self.lead is not None:
            args["lead"] = str(self.lead)
        if self.rag:
            args["rag"] = self.rag
        if self.state:
            args["state"] = self.state
        if self.overdue:
            args["overdue"] = "yes"
        return args

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def filtered_actions(plan: Plan, filters: ActionFilters, today: date) -> Select:
    query = select(Action).where(Action.plan_id == plan.id)
    if filters.pillar is not None:
        query = query.join(Pillar, Pillar.id == Action.pillar_id).where(Pillar.number == filters.pillar)
    if filters.lead is not None:
        query = query.where(
            exists().where(action_leads.c.action_id == Action.id, action_leads.c.person_id == filters.lead)
        )
    if filters.rag:
        query = query.where(Action.effective_rag_sql(today) == filters.rag)
    if filters.state:
        query = query.where(Action.state == filters.state)
    if filters.overdue:
        query = query.where(Action.overdue_sql(today))
    return query.order_by(Action.due_date.is_(None), Action.due_date, Action.position).options(
        selectinload(Action.delivery_leads), selectinload(Action.pillar)
    )


def plan_people(plan: Plan) -> list[Person]:
    """The people a plan names: delivery leads of its actions and leads of its pillars."""
    leads_action = exists().where(
        action_leads.c.person_id == Person.id,
        action_leads.c.action_id == Action.id,
        Action.plan_id == plan.id,
    )
    leads_pillar = exists().where(
        pillar_leads.c.person_id == Person.id,
        pillar_leads.c.pillar_id == Pillar.id,
        Pillar.plan_id == plan.id,
    )
    return list(
        db.session.scalars(
            select(Person)
            .where(or_(leads_action, leads_pillar))
            .order_by(Person.name)
            .options(selectinload(Person.led_actions), selectinload(Person.led_pillars), selectinload(Person.user))
        ).all()
    )


_KIND_ORDER = case(
    (Requirement.kind == RequirementKind.IMPROVEMENT_NOTICE.value, 0),
    (Requirement.kind == RequirementKind.OFSTED_RECOMMENDATION.value, 1),
    else_=2,
)


def plan_requirements(plan: Plan) -> list[Requirement]:
    return list(
        db.session.scalars(
            select(Requirement)
            .where(Requirement.plan_id == plan.id)
            .order_by(_KIND_ORDER, Requirement.id)
            .options(selectinload(Requirement.actions))
        ).all()
    )


def lead_choices(plan: Plan) -> list[tuple[int, str]]:
    """The delivery leads of the plan's actions, for the filter: one query, without loading their actions."""
    leads_action = exists().where(
        action_leads.c.person_id == Person.id,
        action_leads.c.action_id == Action.id,
        Action.plan_id == plan.id,
    )
    return [tuple(row) for row in db.session.execute(
        select(Person.id, Person.name).where(leads_action).order_by(Person.name, Person.id)
    ).all()]
