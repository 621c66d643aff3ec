"""A small plan for the escalation tests: a director, two delivery leads and dated actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from app.domain.roles import Role
from app.extensions import db
from app.models import Outcome, Person, Pillar, Plan, User
from tests import factories


@dataclass
class World:
    plan: Plan
    pillar: Pillar
    outcome: Outcome
    director: Person
    director_user: User
    lead: Person
    lead_user: User
    other_lead: Person

    def action(self, reference: str, due, **fields):
        leads = fields.pop("leads", [self.lead, self.other_lead])
        # Added after the days these tests sweep on, so it owed no monthly
        # update; the tests of the update triggers give their own date.
        fields.setdefault("created_at", datetime(2027, 6, 1))
        return factories.action(self.outcome, reference, due=due, leads=leads, **fields)


@pytest.fixture
def world(app) -> World:
    director_user = factories.user(Role.DIRECTOR, email="director@example.org", name="Dana Director")
    lead_user = factories.user(Role.DELIVERY_LEAD, email="lead@example.org", name="Lee Lead")
    director = factories.person("Dana Director", user=director_user, email="director@example.org")
    lead = factories.person("Lee Lead", user=lead_user, email="lead@example.org")
    other_lead = factories.person("Olu Other", email="olu@example.org")
    plan = factories.plan()
    pillar = factories.pillar(plan, number=1, leads=[director])
    outcome = factories.outcome(pillar, reference="1.1")
    db.session.commit()
    return World(plan, pillar, outcome, director, director_user, lead, lead_user, other_lead)
