"""The action list's lead filter offers the people who lead actions of that plan, read in one query."""

from __future__ import annotations

from app.extensions import db
from app.plans.queries import lead_choices
from tests import factories
from tests.scale.test_query_counts import counting


def test_lead_choices_are_the_leads_of_this_plans_actions_only_in_one_statement(app):
    ours, theirs = factories.plan(title="Ours"), factories.plan(title="Theirs")
    amy, ben, director = factories.person("Amy Lead"), factories.person("Ben Lead"), factories.person("Dee Director")
    our_outcome = factories.outcome(factories.pillar(ours, leads=[director]))
    their_outcome = factories.outcome(factories.pillar(theirs))
    for _ in range(3):
        factories.action(our_outcome, leads=[amy])
    factories.action(their_outcome, leads=[ben, director])
    db.session.commit()
    expected = [(amy.id, "Amy Lead")]
    db.session.refresh(ours)
    with counting() as statements:
        choices = lead_choices(ours)
    assert choices == expected
    assert len(statements) == 1
