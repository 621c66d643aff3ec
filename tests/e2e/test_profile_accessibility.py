"""The profile page (tokens and calendar addresses) and the API documentation pass axe-core in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.auth.services import create_user
from app.extensions import db
from tests.e2e._browser import axe_violations, describe
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture
def site(live_app, live_server):
    with live_app.app_context():
        create_user(email="lead@example.org", name="Lynn Chesterton", role="delivery_lead", password=PASSWORD)
        db.session.commit()
        db.session.remove()
    return {"url": live_server}


def test_the_profile_page_with_a_new_token_and_calendar_addresses_has_no_accessibility_violations(site, page):
    sign_in(page, site["url"], "lead@example.org", PASSWORD)
    page.goto(f"{site['url']}/profile")
    page.click("button:has-text('Create token')")
    expect(page.locator(".govuk-error-summary")).to_have_count(1)
    assert axe_violations(page) == [], describe(axe_violations(page))
    page.fill("#name", "Power BI report")
    page.click("button:has-text('Create token')")
    expect(page.locator("#new-token")).to_have_text(re.compile(r"^\s*pillar_"))
    page.click("button:has-text('Make calendar addresses')")
    expect(page.locator("#calendar-person")).to_have_count(1)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    page.goto(f"{site['url']}/api/v1/docs")
    violations = axe_violations(page)
    assert violations == [], describe(violations)
