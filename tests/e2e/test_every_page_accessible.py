"""Every page the application serves, signed in as each role, checked with axe-core in Chromium
against WCAG 2.2 AA: with data (the demo plan, a frozen board, an escalation, an import and an
export under way), empty (a plan with nothing in it) and with errors (forms posted wrongly)."""

from __future__ import annotations

import pytest
from flask import current_app
from playwright.sync_api import expect

from app.domain.roles import Role
from tests.e2e import world as seeded
from tests.e2e._browser import axe_violations, describe
from tests.e2e.conftest import sign_in
from tests.views.test_access import BY_TOKEN, GET_ROUTES, POST_ONLY, ROUTES

pytestmark = pytest.mark.browser

# Files and JSON: fetched (they must answer) but not pages axe can check.
NOT_PAGES = {
    "assets.govuk_asset", "static", "pages.health", "evidence.download", "audit.export_csv",
    "board.compare_snapshots_csv", "board.export", "board.export_file", "api.openapi_json",
}
# The API and the calendar feeds answer bearer tokens and secret addresses, not pages: tests/api covers them.
BY_TOKEN_ROUTES = {endpoint for endpoint, (_path, allowed) in ROUTES.items() if allowed == BY_TOKEN}
# Where the access table's path would not show the page in its interesting state.
OVERRIDES = {"imports.run": "/admin/import/{running_token}/run"}
# Reading pages that show every reader the same content: axe checks them fully in the
# administrator's and the viewer's walks; the other roles still visit them (status checked).
SAME_FOR_EVERY_READER = {
    "plans.actions", "plans.requirements", "plans.people", "plans.pillar", "plans.overview",
    "indicators.index", "indicators.indicator", "journeys.dashboard", "board.snapshot",
}
FULL_WALKS = {Role.ADMINISTRATOR.value, Role.VIEWER.value}
EMPTY_STATE = [
    "/plans/{empty_plan}", "/plans/{empty_plan}/dashboard", "/plans/{empty_plan}/actions",
    "/plans/{empty_plan}/people", "/plans/{empty_plan}/requirements", "/plans/{empty_plan}/indicators",
    "/plans/{empty_plan}/board", "/search?q=no+such+words",
]


@pytest.fixture(scope="module")
def site(live_app, _served, tmp_path_factory):
    with live_app.app_context():
        built = seeded.seed(tmp_path_factory.mktemp("world"))
    yield {"url": _served, **built}
    with live_app.app_context():
        from app.extensions import db
        from tests.conftest import _empty_every_table

        _empty_every_table()
        db.session.remove()


@pytest.fixture(scope="module")
def tab(browser):
    """One page for the module: each role signs in on it in turn."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    context.close()


def _paths(ids: dict) -> dict[str, str]:
    return {
        endpoint: OVERRIDES.get(endpoint, template).format(**ids)
        for endpoint, (template, _allowed) in GET_ROUTES.items()
    }


def test_the_walk_visits_every_get_route_the_application_serves(live_app):
    served = {
        rule.endpoint for rule in live_app.url_map.iter_rules() if "GET" in rule.methods
    } - POST_ONLY - BY_TOKEN_ROUTES
    assert served - set(GET_ROUTES) == set(), "add the new GET routes to tests/views/test_access.py ROUTES"


def _check(page, base: str, path: str, failures: dict[str, str], axe: bool = True) -> int:
    response = page.goto(f"{base}{path}")
    status = response.status if response else 0
    violations = axe_violations(page) if axe else []
    if violations:
        failures[path] = describe(violations)
    return status


def _walk(page, site, role: str) -> dict[str, str]:
    failures: dict[str, str] = {}
    base = site["url"]
    page.context.clear_cookies()
    sign_in(page, base, site["emails"][role], seeded.PASSWORD)
    page.wait_for_url(lambda url: "/sign-in" not in url)
    refused_checked = False
    for endpoint, path in sorted(_paths(site["ids"]).items()):
        if endpoint in NOT_PAGES:
            answer = page.request.get(f"{base}{path}")
            assert answer.status in (200, 403), f"{path} answered {answer.status}"
            continue
        if endpoint == "auth.sign_in":
            continue  # signed in it redirects; the anonymous walk checks it
        _allowed = GET_ROUTES[endpoint][1]
        axe = role in FULL_WALKS or endpoint not in SAME_FOR_EVERY_READER
        if refused_checked and not _may(role, _allowed):
            axe = False
        status = _check(page, base, path, failures, axe)
        if status == 403:
            # The refusal page is the same for every route: checked once per role.
            refused_checked = True
        else:
            assert status == 200, f"{path} answered {status} for {role}"
    if role in FULL_WALKS:
        page.goto(f"{base}/indicators/{site['ids']['indicator']}")
        assert page.locator("svg.pillar-chart[role=img]").count() == 1, "the indicator page draws its chart"
    for path in EMPTY_STATE:
        _check(page, base, path.format(**site["ids"]), failures)
    return failures


def _may(role: str, allowed) -> bool:
    return allowed == "public" or Role(role) in allowed


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_every_page_has_no_accessibility_violations_signed_in_as(site, tab, role):
    failures = _walk(tab, site, role)
    assert failures == {}, "\n".join(f"{path}\n{text}" for path, text in failures.items())


def test_public_pages_and_forms_with_errors_have_no_accessibility_violations(site, tab):
    page = tab
    base = site["url"]
    failures: dict[str, str] = {}
    page.context.clear_cookies()
    for path in ("/sign-in", "/accessibility"):
        _check(page, base, path, failures)
    # A wrong password: the error summary links to the field.
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address", exact=True).fill("nobody@example.org")
    page.get_by_label("Password", exact=True).fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    _record(page, "sign-in with errors", failures)

    sign_in(page, base, site["emails"]["administrator"], seeded.PASSWORD)
    page.wait_for_url(lambda url: "/sign-in" not in url)
    ids = site["ids"]
    _check(page, base, "/search?q=+", failures)
    assert page.locator(".govuk-error-summary a[href='#q']").count() == 1

    page.goto(f"{base}/plans/{ids['plan']}/board")
    page.locator("form[action$='/board/meetings'] button.govuk-button").click()
    _record(page, "add a board meeting with errors", failures)

    page.goto(f"{base}/actions/{ids['action']}/update")
    page.locator("main form button.govuk-button").first.click()
    _record(page, "post an update with errors", failures)

    page.goto(f"{base}/indicators/{ids['indicator']}/values")
    page.locator("main form button.govuk-button").first.click()
    _record(page, "enter an indicator value with errors", failures)
    assert failures == {}, "\n".join(f"{path}\n{text}" for path, text in failures.items())


def _record(page, what: str, failures: dict[str, str]) -> None:
    # Waits for the page the form posted to: a click does not wait for the answer.
    expect(page.locator(".govuk-error-summary"), f"{what}: no error summary").to_have_count(1)
    violations = axe_violations(page)
    if violations:
        failures[what] = describe(violations)


def test_the_configured_date_is_the_worlds_today(live_app, site):
    with live_app.app_context():
        assert current_app.config["FIXED_TODAY"] == seeded.TODAY.isoformat()
