"""The paginated pages on their later pages, with their filters and the GOV.UK pagination
showing, pass axe-core in Chromium; and without JavaScript the filters and the page links
still take a reader through the list."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.auth.services import create_user
from app.board import services as board_services
from app.demo.loader import load_demo
from app.domain.lifecycle import CLOSED_STATES
from app.domain.roles import Role
from app.escalations.sweep import run_sweep
from app.extensions import db
from app.models import Action, Person, User, action_leads
from tests.e2e._browser import axe_violations, describe
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "demo password 123"
TODAY = date(2026, 11, 23)
LISTS = ("PILLAR_ACTIONS_PER_PAGE", "MY_ACTIONS_PER_PAGE", "ESCALATIONS_PER_PAGE", "PEOPLE_PER_PAGE",
         "CHANGES_PER_PAGE")


@pytest.fixture
def site(live_app, live_server):
    """The demo plan swept on 23 November, with a board frozen on 26 October, and every list two rows a page."""
    with live_app.app_context():
        live_app.config["FIXED_TODAY"] = "2026-10-26"
        plan = load_demo(PASSWORD, today=TODAY).plan
        admin = create_user(email="ada.administrator@example.org", name="Ada Administrator",
                            role=Role.ADMINISTRATOR.value, password=PASSWORD)
        secretary = db.session.scalar(select(User).where(User.role == Role.BOARD_SECRETARY.value))
        october = board_services.add_board_meeting(plan=plan, meeting_date=date(2026, 10, 26), title="October board")
        board_services.freeze_snapshot(plan=plan, meeting=october, actor=secretary)
        live_app.config["FIXED_TODAY"] = TODAY.isoformat()
        db.session.commit()
        run_sweep(TODAY, [plan.id])
        lead = db.session.scalar(
            select(User.email).join(Person, Person.user_id == User.id)
            .join(action_leads, action_leads.c.person_id == Person.id)
            .join(Action, Action.id == action_leads.c.action_id)
            .where(User.role == Role.DELIVERY_LEAD.value, Action.state.not_in([s.value for s in CLOSED_STATES]))
            .group_by(User.email).order_by(func.count().desc(), User.email).limit(1)
        )
        ids = {"url": live_server, "plan": plan.id, "admin": admin.email, "lead": lead}
        db.session.remove()
    for name in LISTS:
        live_app.config[name] = 2
    return ids


def _checked(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    expect(page.locator("nav.govuk-pagination")).to_have_count(1)
    violations = axe_violations(page)
    assert violations == [], f"{url}\n{describe(violations)}"


def test_later_pages_of_each_list_with_their_filters_have_no_accessibility_violations(site, new_page):
    base, plan = site["url"], site["plan"]
    admin = new_page()
    sign_in(admin, base, site["admin"], PASSWORD)
    for path in (
        f"/plans/{plan}/pillars/1?page=2",
        f"/plans/{plan}/pillars/2?outcome=2.1&page=2",
        f"/plans/{plan}/people?page=2",
        f"/plans/{plan}/dashboard/changes?page=2",
        "/escalations/inbox?page=2",
    ):
        _checked(admin, f"{base}{path}")
    lead = new_page()
    sign_in(lead, base, site["lead"], PASSWORD)
    _checked(lead, f"{base}/my-actions?page=2")


def test_without_javascript_a_reader_filters_and_pages_through_the_lists(site, browser):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", java_script_enabled=False)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        base = site["url"]
        sign_in(page, base, site["admin"], PASSWORD)
        page.goto(f"{base}/plans/{site['plan']}/pillars/2")
        page.get_by_label("Outcome", exact=True).select_option("2.1")
        page.get_by_role("button", name="Show actions").click()
        expect(page.get_by_role("heading", name="Actions for outcome 2.1")).to_be_visible()
        page.locator(".govuk-pagination__next a").click()
        assert "outcome=2.1" in page.url and "page=2" in page.url
        expect(page.get_by_role("heading", name="Actions for outcome 2.1")).to_be_visible()

        context.clear_cookies()
        sign_in(page, base, site["lead"], PASSWORD)
        page.goto(f"{base}/my-actions")
        page.get_by_label("Overdue only").check()
        page.get_by_role("button", name="Apply filter").click()
        assert "overdue=yes" in page.url
        expect(page.get_by_label("Overdue only")).to_be_checked()
    finally:
        context.close()
