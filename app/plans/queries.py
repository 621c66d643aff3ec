"""Reads for plan pages. Set-based: a fixed number of statements per page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import load_only, selectinload

from app.domain.lifecycle import ActionState
from app.domain.rag import Rag
from app.domain.requirements import RequirementKind
from app.domain.rollup import RollupRule, RollupStatus
from app.extensions import db
from app.ids import parse_id
from app.models import (
    Action,
    Outcome,
    Person,
    Pillar,
    Plan,
    Requirement,
    action_leads,
    pillar_leads,
)
from app.plans.status import DueCounts, current_statuses, due_counts

_COUNT_FIELDS = {rag.value for rag in Rag}


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
    """The plan's and each pillar's status (the stored roll-up when fresh) and live overdue counts."""
    pillars = db.session.scalars(
        select(Pillar).where(Pillar.plan_id == plan.id).order_by(Pillar.number).options(
            selectinload(Pillar.accountable_leads)
        )
    ).all()
    statuses = current_statuses(plan, today, pillar_ids=[pillar.id for pillar in pillars])
    due = due_counts(plan, today)
    summaries = [
        PillarSummary(pillar=pillar, status=statuses.pillars[pillar.id], overdue=due.get(pillar.id, DueCounts()).overdue)
        for pillar in pillars
    ]
    return PlanOverview(
        plan=plan,
        status=statuses.plan,
        pillars=summaries,
        overdue=sum(item.overdue for item in due.values()),
        rule=plan.rollup_rule,
    )


# --- The pillar page ------------------------------------------------------------

#: The outcome filter's value for actions with no outcome.
NO_OUTCOME = "none"


@dataclass(frozen=True)
class OutcomeSummary:
    """A row of the pillar page's outcome table. ``outcome`` is None for the actions with no outcome."""

    outcome: Outcome | None
    status: RollupStatus

    @property
    def key(self) -> str:
        return self.outcome.reference if self.outcome is not None else NO_OUTCOME

    @property
    def actions_heading(self) -> str:
        if self.outcome is None:
            return "Actions with no outcome"
        return f"Actions for outcome {self.outcome.reference}"

    @property
    def heading(self) -> str:
        if self.outcome is None:
            return "Actions with no outcome"
        return f"Outcome {self.outcome.reference}: {self.outcome.statement}"


@dataclass(frozen=True)
class PillarPage:
    status: RollupStatus
    outcomes: list[OutcomeSummary]

    def find(self, key: str) -> OutcomeSummary | None:
        return next((item for item in self.outcomes if item.key == key), None)


def pillar_summary(pillar: Pillar, today: date) -> PillarPage:
    """The pillar's status and its outcomes' statuses: a fixed number of statements."""
    outcomes = db.session.scalars(
        select(Outcome).where(Outcome.pillar_id == pillar.id).order_by(Outcome.position, Outcome.id)
    ).all()
    statuses = current_statuses(
        pillar.plan, today, pillar_ids=[pillar.id], outcome_ids=[o.id for o in outcomes], whole_plan=False,
        with_no_outcome=True,
    )
    rows = [OutcomeSummary(outcome, statuses.outcomes[outcome.id]) for outcome in outcomes]
    if pillar.id in statuses.no_outcome:
        rows.append(OutcomeSummary(None, statuses.no_outcome[pillar.id]))
    return PillarPage(status=statuses.pillars[pillar.id], outcomes=rows)


def group_by_outcome(actions: list[Action], page: PillarPage) -> list[tuple[OutcomeSummary, list[Action]]]:
    """A page of actions in runs of one outcome each, with the outcome's row to head each run."""
    by_id = {item.outcome.id if item.outcome is not None else None: item for item in page.outcomes}
    groups: list[tuple[OutcomeSummary, list[Action]]] = []
    for action in actions:
        if not groups or groups[-1][1][-1].outcome_id != action.outcome_id:
            # An outcome of another pillar (data the page does not expect) is read on its own.
            heading = by_id.get(action.outcome_id) or OutcomeSummary(action.outcome, page.status)
            groups.append((heading, []))
        groups[-1][1].append(action)
    return groups


def pillar_actions(pillar: Pillar, page: PillarPage, chosen: OutcomeSummary | None):
    """The pillar's actions outcome by outcome (in the outcomes' order, then those with no
    outcome), each outcome's by position; only ``chosen``'s when given. For ``paginate_by``.

    Two statements a page whatever the pillar's size: the actions counted by outcome (from
    the (pillar, outcome, position) index alone), then the page's rows, read as a slice of
    each outcome it spans through that index, rather than sorting the whole pillar.
    """
    counted = select(Action.outcome_id, func.count()).where(Action.pillar_id == pillar.id)
    if chosen is not None:
        counted = counted.where(
            Action.outcome_id.is_(None) if chosen.outcome is None else Action.outcome_id == chosen.outcome.id
        )
    counts = dict(db.session.execute(counted.group_by(Action.outcome_id)).all())
    known = [item.outcome.id for item in page.outcomes if item.outcome is not None]
    # Actions pointing at another pillar's outcome (not expected) come after this pillar's own.
    order = [key for key in known if key in counts] + sorted(k for k in counts if k is not None and k not in known)
    if None in counts:
        order.append(None)
    total = sum(counts.values())

    def fetch(offset: int, limit: int) -> tuple[list[Action], int]:
        slices, start = [], 0
        for key in order:
            first, last = max(offset, start), min(offset + limit, start + counts[key])
            if first < last:
                slices.append((key, first - start, last - first))
            start += counts[key]
        if not slices:
            return [], total
        parts = []
        for seq, (key, skip, take) in enumerate(slices):
            inner = (
                select(Action.id.label("id"), literal(seq).label("seq"), Action.position.label("position"))
                .where(Action.pillar_id == pillar.id,
                       Action.outcome_id.is_(None) if key is None else Action.outcome_id == key)
                .order_by(Action.position, Action.id)
                .offset(skip)
                .limit(take)
                .subquery()
            )
            parts.append(select(inner.c.id, inner.c.seq, inner.c.position))
        wanted = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
        actions = db.session.scalars(
            select(Action)
            .join(wanted, wanted.c.id == Action.id)
            .order_by(wanted.c.seq, wanted.c.position, Action.id)
            .options(
                # What the table shows, not the long texts of each action.
                load_only(Action.reference, Action.title, Action.timescale, Action.due_date, Action.state,
                          Action.rag, Action.outcome_id, Action.version),
                selectinload(Action.delivery_leads).load_only(Person.name),
            )
        ).all()
        return list(actions), total

    return fetch


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


def _named_in(plan: Plan):
    """People the plan names: delivery leads of its actions or accountable leads of its pillars.

    Each person is probed through the leads' person index for a first row in this plan.
    (Written as ``EXISTS ... OR EXISTS ...``, PostgreSQL hashes every lead of the plan's
    every action instead: ten times slower at 10,000 actions, and growing with the plan.)
    """
    leads_action = (
        select(action_leads.c.action_id)
        .join(Action, Action.id == action_leads.c.action_id)
        .where(action_leads.c.person_id == Person.id, Action.plan_id == plan.id)
        .limit(1)
        .correlate(Person)
        .scalar_subquery()
    )
    leads_pillar = (
        select(pillar_leads.c.pillar_id)
        .join(Pillar, Pillar.id == pillar_leads.c.pillar_id)
        .where(pillar_leads.c.person_id == Person.id, Pillar.plan_id == plan.id)
        .limit(1)
        .correlate(Person)
        .scalar_subquery()
    )
    return or_(leads_action.is_not(None), leads_pillar.is_not(None))


def plan_people(plan: Plan) -> list[Person]:
    """The people a plan names, by name (for the pack's appendix and the API)."""
    return list(db.session.scalars(select(Person).where(_named_in(plan)).order_by(Person.name, Person.id)).all())


def plan_people_query(plan: Plan) -> Select:
    """``plan_people`` as a query, for the people page to read a page at a time."""
    return select(Person).where(_named_in(plan)).order_by(Person.name, Person.id)


@dataclass(frozen=True)
class PersonLeads:
    """What one person leads in one plan."""

    person: Person
    pillars: list[int]
    actions: int
    overdue: int


def people_leads(plan: Plan, people: list[Person], today: date) -> list[PersonLeads]:
    """For a page of people: the pillars each is accountable for and how many of the plan's
    actions each leads and how many of those are overdue. Two grouped statements."""
    ids = [person.id for person in people]
    if not ids:
        return []
    counted = {
        person_id: (int(total), int(late or 0))
        for person_id, total, late in db.session.execute(
            select(
                action_leads.c.person_id,
                func.count(),
                func.sum(case((Action.overdue_sql(today), 1), else_=0)),
            )
            .join(Action, Action.id == action_leads.c.action_id)
            .where(action_leads.c.person_id.in_(ids), Action.plan_id == plan.id)
            .group_by(action_leads.c.person_id)
        )
    }
    pillars: dict[int, list[int]] = {}
    for person_id, number in db.session.execute(
        select(pillar_leads.c.person_id, Pillar.number)
        .join(Pillar, Pillar.id == pillar_leads.c.pillar_id)
        .where(pillar_leads.c.person_id.in_(ids), Pillar.plan_id == plan.id)
        .order_by(Pillar.number)
    ):
        pillars.setdefault(person_id, []).append(number)
    return [
        PersonLeads(person, pillars.get(person.id, []), *counted.get(person.id, (0, 0)))
        for person in people
    ]


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
