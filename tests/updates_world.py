"""A small plan with a director, two delivery leads and one action, for update and evidence tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.roles import Role
from app.extensions import db
from app.models import Action, User
from tests import factories


@dataclass
class World:
    plan_id: int
    action_id: int
    lead: User
    second_lead: User
    other_lead: User
    director: User
    other_director: User
    admin: User
    viewer: User

    @property
    def action(self) -> Action:
        return db.session.get(Action, self.action_id)


def build(due: date = date(2027, 3, 31), state: str = "in_progress", rag: str = "amber") -> World:
    lead = factories.user(Role.DELIVERY_LEAD, name="Priya Shah")
    second_lead = factories.user(Role.DELIVERY_LEAD, name="Tom Okafor")
    other_lead = factories.user(Role.DELIVERY_LEAD, name="Someone Else")
    director = factories.user(Role.DIRECTOR, name="Dana Reid")
    other_director = factories.user(Role.DIRECTOR, name="Other Director")
    admin = factories.user(Role.ADMINISTRATOR, name="Ada Admin")
    viewer = factories.user(Role.VIEWER, name="Vic Viewer")
    plan = factories.plan()
    pillar = factories.pillar(plan, 1, leads=[factories.person("Dana Reid", user=director)])
    factories.person("Other Director", user=other_director)
    factories.person("Someone Else", user=other_lead)
    outcome = factories.outcome(pillar, "1.1")
    action = factories.action(
        outcome, "1.1.1", due=due, state=state, rag=rag,
        leads=[factories.person("Priya Shah", user=lead), factories.person("Tom Okafor", user=second_lead)],
        title="Reduce caseloads to a maximum of 20 per case holder",
    )
    db.session.commit()
    return World(plan.id, action.id, lead, second_lead, other_lead, director, other_director, admin, viewer)
