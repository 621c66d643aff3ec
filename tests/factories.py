"""Small builders for test data. Each flushes; the test commits when it needs to."""

from __future__ import annotations

import itertools
from datetime import date

from app.auth.services import create_user
from app.domain.roles import Role
from app.extensions import db
from app.models import Action, Outcome, Person, Pillar, Plan, User

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)


def user(role: Role | str = Role.VIEWER, email: str | None = None, name: str | None = None) -> User:
    n = next(_sequence)
    role_value = Role(role).value
    made = create_user(
        email=email or f"{role_value}{n}@example.org",
        name=name or f"{Role(role).label} {n}",
        role=role_value,
        password=PASSWORD,
    )
    db.session.commit()
    return made


def person(name: str | None = None, user: User | None = None, **fields) -> Person:
    made = Person(name=name or f"Person {next(_sequence)}", user=user, **fields)
    db.session.add(made)
    db.session.flush()
    return made


def plan(title: str = "Test improvement plan", **fields) -> Plan:
    made = Plan(title=title, **fields)
    db.session.add(made)
    db.session.flush()
    return made


def pillar(plan: Plan, number: int = 1, title: str | None = None, leads: list[Person] | None = None) -> Pillar:
    made = Pillar(plan=plan, number=number, title=title or f"Pillar {number}", accountable_leads=leads or [])
    db.session.add(made)
    db.session.flush()
    return made


def outcome(pillar: Pillar, reference: str | None = None, statement: str = "Something will be true") -> Outcome:
    made = Outcome(
        plan_id=pillar.plan_id, pillar=pillar, reference=reference or f"{pillar.number}.{next(_sequence)}",
        statement=statement,
    )
    db.session.add(made)
    db.session.flush()
    return made


def action(
    outcome: Outcome,
    reference: str | None = None,
    *,
    due: date | None = None,
    rag: str = "green",
    state: str = "in_progress",
    leads: list[Person] | None = None,
    title: str | None = None,
    **fields,
) -> Action:
    pillar = outcome.pillar
    made = Action(
        plan_id=pillar.plan_id,
        pillar=pillar,
        outcome=outcome,
        reference=reference or f"{outcome.reference}.{next(_sequence)}",
        title=title or "Do something useful",
        due_date=due,
        rag=rag,
        state=state,
        delivery_leads=leads or [],
        **fields,
    )
    db.session.add(made)
    db.session.flush()
    return made
