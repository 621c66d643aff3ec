"""The indicator pages and their chart pass axe-core in a real Chromium, with no violations."""

from __future__ import annotations

import pytest

from app.demo.loader import load_demo
from app.extensions import db
from app.models import Indicator
from tests.conftest import make_app
from tests.e2e._browser import axe_violations, chromium, describe, live_server

pytestmark = pytest.mark.browser

PASSWORD = "demo password 123"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A live server over SQLite holding the demo plan and its indicators."""
    app = make_app("sqlite", tmp_path_factory.mktemp("axe"))
    with app.app_context():
        result = load_demo(PASSWORD)
        db.session.commit()
        ids = {code: id_ for code, id_ in db.session.execute(db.select(Indicator.code, Indicator.id))}
        admin = next(s.email for s in result.sign_ins if s.role.value == "administrator")
        plan_id = result.plan.id
        db.session.remove()
    with live_server(app) as base_url, chromium() as browser:
        yield {"url": base_url, "browser": browser, "ids": ids, "admin": admin, "plan": plan_id}


@pytest.fixture
def signed_in(site):
    context = site["browser"].new_context()
    page = context.new_page()
    page.goto(f"{site['url']}/sign-in")
    page.fill("#email", site["admin"])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)
    yield page
    context.close()


@pytest.mark.parametrize("code", ["NI 59", "RE-REF", "CASELOAD"])
def test_an_indicator_page_and_its_chart_have_no_accessibility_violations(site, signed_in, code):
    page = signed_in
    page.goto(f"{site['url']}/indicators/{site['ids'][code]}")
    assert page.locator("svg.pillar-chart[role=img]").count() == 1

    violations = axe_violations(page)

    assert violations == [], describe(violations)


@pytest.mark.parametrize(
    "path",
    ["/plans/{plan}/indicators", "/plans/{plan}", "/plans/{plan}/indicators/import"],
    ids=["indicator list", "plan overview", "import"],
)
def test_the_indicator_list_overview_and_import_pages_have_no_accessibility_violations(site, signed_in, path):
    page = signed_in
    page.goto(site["url"] + path.format(plan=site["plan"]))

    violations = axe_violations(page)

    assert violations == [], describe(violations)


def test_the_value_form_with_errors_has_no_accessibility_violations(site, signed_in):
    page = signed_in
    page.goto(f"{site['url']}/indicators/{site['ids']['NI 59']}/values")
    page.fill("#value", "sixty")
    page.get_by_role("button", name="Save value").click()
    page.locator(".govuk-error-summary").wait_for()
    assert "The value “sixty” is not a number" in page.locator(".govuk-error-message").first.inner_text()

    violations = axe_violations(page)

    assert violations == [], describe(violations)
