"""Writing a plan reading to the database, all of it or none of it.

Re-importing updates the plan in place: the plan is found by title (or id),
pillars by number, outcomes and actions by reference, people by name
(ignoring case). A column the file does not have leaves that field as it is,
so a narrow tracker never wipes what Pillar already knows. Actions the file
does not mention are left alone and listed in the summary.

Requirements named in links ("IN 10", "OR 5") are matched by number; those
the plan does not have yet are created with the kind their prefix says
(IN: Improvement Notice, OR: Ofsted recommendation, others: other) and no
text, and the summary lists them so someone can add their wording.

This service flushes; the caller commits once, or rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.domain.errors import ValidationFailed
from app.domain.lifecycle import ActionState
from app.domain.rag import Rag
from app.domain.requirements import RequirementKind
from app.extensions import db
from app.imports.headers import Field
from app.imports.interpret import PlanReading
from app.models import Action, Outcome, Person, Pillar, Plan, Requirement
from app.plans.status import request_plan_recalculation

__all__ = ["ImportSummary", "apply_reading", "known_people", "plan_title_for"]

PROGRESS_EVERY = 100

_KIND_BY_PREFIX = {
    "IN": RequirementKind.IMPROVEMENT_NOTICE,
    "OR": RequirementKind.OFSTED_RECOMMENDATION,
}


@dataclass
class ImportSummary:
    plan_id: int
    plan_title: str
    plan_created: bool
    pillars_created: int = 0
    outcomes_created: int = 0
    actions_created: int = 0
    actions_updated: int = 0
    people_created: list[str] = field(default_factory=list)
    requirements_created: list[str] = field(default_factory=list)
    actions_not_in_file: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = "Created" if self.plan_created else "Updated"
        lines = [
            f"{verb} plan {self.plan_id}: {self.plan_title}",
            f"Actions: {self.actions_created} added, {self.actions_updated} updated; "
            f"{self.pillars_created} pillars and {self.outcomes_created} outcomes added",
        ]
        if self.people_created:
            lines.append(f"People added ({len(self.people_created)}): {', '.join(self.people_created)}")
        if self.requirements_created:
            lines.append(
                f"Requirements added without their wording ({len(self.requirements_created)}): "
                f"{', '.join(self.requirements_created)}"
            )
        if self.actions_not_in_file:
            lines.append(f"Not in the file, left as they are: {', '.join(self.actions_not_in_file)}")
        return lines


def known_people() -> frozenset[str]:
    """Every person's name, so lead cells split at names Pillar already knows."""
    return frozenset(db.session.scalars(select(Person.name)))


def plan_title_for(reading: PlanReading, plan_title: str | None = None) -> str:
    title = (plan_title or reading.title or PurePath(reading.table.source).stem).strip()
    return title[:300]


def apply_reading(
    reading: PlanReading,
    *,
    plan_title: str | None = None,
    plan_id: int | None = None,
    strict: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Create or update the plan the reading describes. Refuses a reading with errors.

    ``progress`` is told how many actions are done, every hundred or so.
    """
    if not reading.can_import(strict):
        problems = reading.errors or reading.warnings
        raise ValidationFailed({"file": f"{len(problems)} problems stop the import; the first: {problems[0]}"})
    plan, created = _plan(reading, plan_title, plan_id)
    summary = ImportSummary(plan.id, plan.title, created)
    people = _people(reading, summary)
    pillars = _pillars(reading, plan, people, summary)
    outcomes = _outcomes(reading, plan, pillars, summary)
    requirements = _requirements(reading, plan, summary)
    _actions(reading, plan, pillars, outcomes, people, requirements, summary, progress)
    db.session.flush()
    request_plan_recalculation([plan.id])  # the plan's statuses, once this import commits
    return summary


def _plan(reading: PlanReading, plan_title: str | None, plan_id: int | None) -> tuple[Plan, bool]:
    if plan_id is not None:
        plan = db.session.get(Plan, plan_id)
        if plan is None:
            raise ValidationFailed({"plan": f"There is no plan {plan_id}: see the ids with flask --app wsgi plan list"})
        return plan, False
    title = plan_title_for(reading, plan_title)
    matches = db.session.scalars(select(Plan).where(func.lower(Plan.title) == title.lower())).all()
    if len(matches) > 1:
        raise ValidationFailed(
            {"plan": f"{len(matches)} plans are called '{title}': give another title, or choose the plan by its id (--plan-id)"}
        )
    if matches:
        return matches[0], False
    plan = Plan(title=title)
    db.session.add(plan)
    db.session.flush()
    return plan, True


def _people(reading: PlanReading, summary: ImportSummary) -> dict[str, Person]:
    names = reading.people
    # lower() on both sides, as the database lowers; casefold() would not match it.
    lowered = sorted({name.lower() for name in names})
    found: dict[str, Person] = {}
    if lowered:
        for person in db.session.scalars(select(Person).where(func.lower(Person.name).in_(lowered)).order_by(Person.id)):
            found.setdefault(person.name.casefold(), person)
    for name in names:
        if name.casefold() not in found:
            person = Person(name=name[:200])
            db.session.add(person)
            found[name.casefold()] = person
            summary.people_created.append(name)
    return found


def _pillars(reading: PlanReading, plan: Plan, people: dict[str, Person], summary: ImportSummary) -> dict[int, Pillar]:
    existing = {
        pillar.number: pillar
        for pillar in db.session.scalars(
            select(Pillar).where(Pillar.plan_id == plan.id).options(selectinload(Pillar.accountable_leads))
        )
    }
    for number, read in sorted(reading.pillars.items()):
        pillar = existing.get(number)
        if pillar is None:
            pillar = Pillar(plan=plan, number=number, title=read.title[:300], accountable_leads=[])
            db.session.add(pillar)
            existing[number] = pillar
            summary.pillars_created += 1
        elif read.named:
            pillar.title = read.title[:300]
        if read.key_objectives:
            pillar.key_objectives = read.key_objectives
        if read.leads:
            pillar.accountable_leads = [people[name.casefold()] for name in read.leads]
    return existing


def _outcomes(
    reading: PlanReading, plan: Plan, pillars: dict[int, Pillar], summary: ImportSummary
) -> dict[str, Outcome]:
    existing = {outcome.reference: outcome for outcome in db.session.scalars(select(Outcome).where(Outcome.plan_id == plan.id))}
    for position, read in enumerate(reading.outcomes.values()):
        outcome = existing.get(read.reference)
        if outcome is None:
            outcome = Outcome(plan_id=plan.id, reference=read.reference, statement=read.statement)
            db.session.add(outcome)
            existing[read.reference] = outcome
            summary.outcomes_created += 1
        elif read.named:
            outcome.statement = read.statement
        outcome.pillar = pillars[read.pillar]
        outcome.position = position
    return existing


def _requirements(reading: PlanReading, plan: Plan, summary: ImportSummary) -> dict[str, Requirement]:
    existing = {r.number: r for r in db.session.scalars(select(Requirement).where(Requirement.plan_id == plan.id))}
    for number in reading.requirements:
        if number in existing:
            continue
        kind = _KIND_BY_PREFIX.get(number.split()[0], RequirementKind.OTHER)
        requirement = Requirement(plan_id=plan.id, kind=kind.value, number=number, text="")
        db.session.add(requirement)
        existing[number] = requirement
        summary.requirements_created.append(number)
    return existing


def _actions(
    reading: PlanReading,
    plan: Plan,
    pillars: dict[int, Pillar],
    outcomes: dict[str, Outcome],
    people: dict[str, Person],
    requirements: dict[str, Requirement],
    summary: ImportSummary,
    progress: Callable[[int], None] | None,
) -> None:
    mapping = reading.mapping
    has = {f for f in Field if mapping is not None and mapping.column(f) is not None}
    existing = {
        action.reference: action
        for action in db.session.scalars(
            select(Action)
            .where(Action.plan_id == plan.id)
            .options(selectinload(Action.delivery_leads), selectinload(Action.requirements))
        )
    }
    unreadable_rag_rows = {issue.row for issue in reading.issues if issue.field == "rag"}
    in_file = set()
    for position, read in enumerate(reading.actions):
        if progress is not None and position and position % PROGRESS_EVERY == 0:
            db.session.flush()
            progress(position)
        in_file.add(read.reference)
        action = existing.get(read.reference)
        creating = action is None
        if creating:
            action = Action(plan_id=plan.id, reference=read.reference, delivery_leads=[], requirements=[])
            db.session.add(action)
            summary.actions_created += 1
        else:
            summary.actions_updated += 1
        action.pillar = pillars[read.pillar]
        action.outcome = outcomes[read.outcome] if read.outcome else None
        action.title = read.title
        action.position = position
        if creating or Field.STEPS in has or Field.TITLE in has:
            action.steps = read.steps
        if creating or Field.TIMESCALE in has:
            action.timescale = read.timescale.text if read.timescale else None
        if creating or {Field.TIMESCALE, Field.START_DATE} & has:
            action.start_date = read.start_date
        if creating or {Field.TIMESCALE, Field.DUE_DATE} & has:
            action.due_date = read.due_date
        if read.rag is not None:
            action.rag = read.rag.value
        elif creating or (Field.RAG in has and read.row not in unreadable_rag_rows):
            action.rag = Rag.NOT_STARTED.value
        if creating or read.state is not None:
            action.state = read.derived_state.value
        elif action.state is None:
            action.state = ActionState.NOT_STARTED.value
        if creating or Field.LEADS in has:
            action.delivery_leads = [people[name.casefold()] for name in read.leads]
        if creating or {Field.MEASURES, Field.BASELINE} & has:
            action.targets_and_measures = read.measures
        if creating or Field.WORKSTREAM in has:
            action.workstream = read.workstream
        if creating or Field.LINKS in has or read.links:
            action.requirements = [requirements[number] for number in read.links]
    summary.actions_not_in_file = sorted(set(existing) - in_file, key=_reference_key)


def _reference_key(reference: str) -> tuple[int, ...]:
    return tuple(int(part) for part in reference.split(".") if part.isdigit())
