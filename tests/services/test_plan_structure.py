"""The model's constraints, and the clear messages the services give for them."""

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from app.domain.errors import ValidationFailed
from app.extensions import db
from app.models import Action, Pillar
from app.plans.services import add_action
from tests import factories


@pytest.fixture
def structure(app):
    plan = factories.plan()
    pillar = factories.pillar(plan, 1)
    outcome = factories.outcome(pillar, "1.1")
    return plan, pillar, outcome


def test_a_duplicate_reference_is_refused_with_a_clear_message(structure):
    plan, pillar, outcome = structure
    add_action(plan=plan, pillar=pillar, outcome=outcome, reference="1.1.1", title="First")
    with pytest.raises(ValidationFailed) as failure:
        add_action(plan=plan, pillar=pillar, outcome=outcome, reference=" 1.1.1 ", title="Second")
    assert failure.value.problems == {"reference": "Reference 1.1.1 is already used by another action in this plan"}


def test_the_same_reference_is_fine_in_another_plan(structure):
    plan, pillar, outcome = structure
    add_action(plan=plan, pillar=pillar, outcome=outcome, reference="1.1.1", title="First")
    other = factories.plan("Another plan")
    other_pillar = factories.pillar(other, 1)
    made = add_action(plan=other, pillar=other_pillar, reference="1.1.1", title="Elsewhere")
    assert made.id is not None


def test_every_problem_is_reported_at_once(structure):
    plan, pillar, outcome = structure
    with pytest.raises(ValidationFailed) as failure:
        add_action(plan=plan, pillar=pillar, outcome=outcome, reference="", title=" ", rag="purple", state="done")
    assert set(failure.value.problems) == {"reference", "title", "rag", "state"}


def test_the_database_itself_refuses_a_duplicate_reference(structure):
    plan, pillar, outcome = structure
    db.session.add_all(
        [
            Action(plan_id=plan.id, pillar=pillar, outcome=outcome, reference="9.9.9", title="A"),
            Action(plan_id=plan.id, pillar=pillar, outcome=outcome, reference="9.9.9", title="B"),
        ]
    )
    with pytest.raises(IntegrityError, match="uq_actions_plan_reference|UNIQUE constraint failed: actions.plan_id"):
        db.session.flush()
    db.session.rollback()


def test_the_database_refuses_two_pillars_with_one_number_in_a_plan(structure):
    plan, _, _ = structure
    db.session.add(Pillar(plan_id=plan.id, number=1, title="Again"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_deleting_a_plan_removes_its_whole_hierarchy(structure):
    plan, pillar, outcome = structure
    factories.action(outcome, "1.1.1", due=date(2026, 12, 1))
    db.session.commit()
    db.session.delete(plan)
    db.session.commit()
    assert db.session.query(Action).count() == 0
