"""Loads the demo plan kept in ``app/demo/data/demo_plan.json``.

Loading is idempotent: a plan with the same title and organisation already
present is left as it is, and sign-in accounts are created only when missing.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from app import clock
from app.auth.services import create_user, find_user_by_email
from app.demo.updates import load_demo_updates
from app.domain.lifecycle import ActionState
from app.domain.rag import Rag
from app.domain.requirements import RequirementKind
from app.domain.roles import Role
from app.extensions import db
from app.models import Action, Outcome, Person, Pillar, Plan, Requirement

DEMO_FILE = Path(__file__).parent / "data" / "demo_plan.json"


@dataclass(frozen=True)
class SignIn:
    role: Role
    name: str
    email: str
    password: str


@dataclass(frozen=True)
class DemoResult:
    plan: Plan
    created: bool
    sign_ins: list[SignIn]


def demo_password(instance_dir: str) -> str:
    """One random password per installation, kept so it can be printed on every start."""
    path = Path(instance_dir) / "demo_password"
    if not path.exists():
        words = secrets.token_urlsafe(9)
        path.write_text(f"pillar-{words}")
        path.chmod(0o600)
    return path.read_text().strip()


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def load_demo(password: str, data_file: Path = DEMO_FILE, today: date | None = None) -> DemoResult:
    data = json.loads(data_file.read_text(encoding="utf-8"))
    plan_data = data["plan"]
    plan = db.session.scalar(
        select(Plan).where(Plan.title == plan_data["title"], Plan.organisation == plan_data.get("organisation"))
    )
    created = plan is None
    people_by_key: dict[str, Person] = {}
    if created:
        plan = _create_plan(data, people_by_key)
    sign_ins = _ensure_sign_ins(data["people"], password, plan)
    db.session.flush()
    load_demo_updates(plan, today or clock.today())
    return DemoResult(plan=plan, created=created, sign_ins=sign_ins)


def _create_plan(data: dict, people_by_key: dict[str, Person]) -> Plan:
    plan_data = data["plan"]
    plan = Plan(
        title=plan_data["title"],
        organisation=plan_data.get("organisation"),
        board_name=plan_data.get("board"),
        description=plan_data.get("description"),
        start_date=_date(plan_data.get("start_date")),
        review_date=_date(plan_data.get("review_date")),
        cadence=plan_data.get("cadence", "monthly"),
    )
    db.session.add(plan)
    db.session.flush()
    for entry in data["people"]:
        person = Person(
            name=entry["name"],
            job_title=entry.get("job_title"),
            organisation=entry.get("organisation"),
            email=entry.get("email"),
        )
        db.session.add(person)
        people_by_key[entry["key"]] = person
    requirements: dict[str, Requirement] = {}
    for entry in data["requirements"]:
        requirement = Requirement(
            plan=plan,
            kind=RequirementKind(entry["kind"]).value,
            number=entry["number"],
            text=entry["text"],
            urgency=entry.get("urgency"),
            due_date=_date(entry.get("due_date")),
        )
        db.session.add(requirement)
        requirements[entry["number"]] = requirement
    position = 0
    for pillar_entry in data["pillars"]:
        pillar = Pillar(
            plan=plan,
            number=pillar_entry["number"],
            title=pillar_entry["title"],
            key_objectives=pillar_entry.get("key_objectives"),
            accountable_leads=[people_by_key[key] for key in pillar_entry.get("accountable_leads", [])],
        )
        db.session.add(pillar)
        for outcome_position, outcome_entry in enumerate(pillar_entry["outcomes"]):
            outcome = Outcome(
                plan_id=plan.id,
                pillar=pillar,
                reference=outcome_entry["reference"],
                statement=outcome_entry["statement"],
                position=outcome_position,
            )
            db.session.add(outcome)
            for action_entry in outcome_entry["actions"]:
                position += 1
                action = Action(
                    plan=plan,
                    pillar=pillar,
                    outcome=outcome,
                    reference=action_entry["reference"],
                    title=action_entry["title"],
                    steps=action_entry.get("steps"),
                    timescale=action_entry.get("timescale"),
                    start_date=_date(action_entry.get("start_date")),
                    due_date=_date(action_entry.get("due_date")),
                    state=ActionState(action_entry.get("state", "not_started")).value,
                    rag=Rag(action_entry.get("rag", "not_started")).value,
                    targets_and_measures=action_entry.get("targets_and_measures"),
                    workstream=action_entry.get("workstream"),
                    position=position,
                    delivery_leads=[people_by_key[key] for key in action_entry.get("delivery_leads", [])],
                    requirements=[requirements[number] for number in action_entry.get("requirements", [])],
                )
                db.session.add(action)
    db.session.flush()
    return plan


def _ensure_sign_ins(people: list[dict], password: str, plan: Plan) -> list[SignIn]:
    sign_ins = []
    for entry in people:
        if not entry.get("role") or not entry.get("email"):
            continue
        user = find_user_by_email(entry["email"])
        if user is None:
            user = create_user(email=entry["email"], name=entry["name"], role=entry["role"], password=password)
            person = db.session.scalar(select(Person).where(Person.email == entry["email"]))
            if person is not None and person.user_id is None:
                person.user = user
        sign_ins.append(SignIn(role=Role(entry["role"]), name=entry["name"], email=entry["email"], password=password))
    return sign_ins
