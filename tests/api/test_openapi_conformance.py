"""Schemathesis drives every operation in the OpenAPI description with generated requests:
no server errors, and every answer matches what the description promises."""

from __future__ import annotations

import contextvars
from datetime import date

import schemathesis
from hypothesis import HealthCheck, given, settings

from app.api.tokens import create_token
from app.domain.roles import Role
from app.extensions import db
from tests import factories

EXAMPLES_PER_OPERATION = 25


def test_every_operation_answers_generated_requests_as_its_description_says(app):
    app.config["FIXED_TODAY"] = "2026-11-20"
    lead_user = factories.user(Role.DELIVERY_LEAD)
    lead = factories.person("Lynn Chesterton", user=lead_user)
    plan = factories.plan()
    outcome = factories.outcome(factories.pillar(plan, number=1), "1.1")
    for n in range(3):
        factories.action(outcome, f"1.1.{n + 1}", due=date(2026, 10 + n, 2), leads=[lead])
    _, secret = create_token(lead_user, "conformance")
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            # Each request in a context of its own, as a real server would run it.
            contextvars.Context().run(case.call_and_validate, headers=headers)

        check()
