from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from app.domain.requirements import RequirementKind
from app.extensions import db
from app.models import Action, Plan, Requirement
from tests import factories


@dataclass
class BoardWorld:
    plan: Plan
    actions: dict[str, Action]


@pytest.fixture
def board_world(app) -> BoardWorld:
    """A small plan: two pillars, three outcomes, five actions in a known order."""
    plan = factories.plan("Children's services improvement plan", board_name="Improvement Board",
                          organisation="Example Council", start_date=date(2026, 9, 1))
    director = factories.person("Dana Director", job_title="Director of Children's Services", organisation="Council")
    lead_a = factories.person("Ann Garratt", job_title="Head of Safeguarding", organisation="Council")
    lead_b = factories.person("Lynn Chesterton", job_title="Service Manager", organisation="Police")
    safeguarding = factories.pillar(plan, 1, "Safeguarding", leads=[director])
    workforce = factories.pillar(plan, 2, "Workforce")
    first = factories.outcome(safeguarding, "1.1", "Referrals are handled on time")
    second = factories.outcome(safeguarding, "1.2", "Plans are reviewed")
    third = factories.outcome(workforce, "2.1", "Caseloads are manageable")
    actions = {
        "1.1.1": factories.action(first, "1.1.1", title="Audit referrals", due=date(2026, 10, 31), rag="green",
                                  leads=[lead_a, lead_b], steps="Sample 50 cases\nReport to the board",
                                  timescale="End October 2026", start_date=date(2026, 9, 1),
                                  targets_and_measures="70% within timescale", workstream="Front door"),
        "1.1.2": factories.action(first, "1.1.2", title="=HYPERLINK(\"http://evil\")", due=date(2027, 3, 31),
                                  rag="amber", leads=[lead_a], targets_and_measures="-1 backlog\n@everyone"),
        "1.2.1": factories.action(second, "1.2.1", title="Review every plan", due=date(2026, 11, 30),
                                  rag="green", state="complete", leads=[lead_b]),
        "2.1.1": factories.action(third, "2.1.1", title="Recruit social workers", due=date(2027, 1, 31),
                                  rag="not_started", state="not_started", leads=[lead_a],
                                  timescale="+ Ongoing"),
        "1.1.3": factories.action(first, "1.1.3", title="Train the front door team", due=None, rag="red",
                                  leads=[lead_b]),
    }
    requirement = Requirement(plan=plan, kind=RequirementKind.IMPROVEMENT_NOTICE.value, number="IN 1",
                              text="Improve the front door")
    unanswered = Requirement(plan=plan, kind=RequirementKind.OFSTED_RECOMMENDATION.value, number="OR 3",
                             text="Reduce caseloads")
    db.session.add_all([requirement, unanswered])
    actions["1.1.1"].requirements.append(requirement)
    db.session.commit()
    return BoardWorld(plan, actions)
