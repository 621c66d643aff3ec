"""Each role's main journey end to end in Chromium, one of them by keyboard alone at phone width;
the print stylesheet; the idle warning; and the README's screenshots, taken here, not drawn."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import world as seeded
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# Every run takes the screenshots; PILLAR_UPDATE_SCREENSHOTS=1 writes them over the README's.
SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("PILLAR_UPDATE_SCREENSHOTS") == "1"
    else ROOT / "test-artefacts" / "screenshots"
)
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def site(live_app, live_server, tmp_path):
    with live_app.app_context():
        built = seeded.seed(tmp_path)
    return {"url": live_server, **built}


def _signed_in(page: Page, site, role: str) -> Page:
    sign_in(page, site["url"], site["emails"][role], seeded.PASSWORD)
    page.wait_for_url(lambda url: "/sign-in" not in url)
    return page


def _tab_to(page: Page, pattern: str, limit: int = 250) -> None:
    """Press Tab until the focused element's accessible text matches: how a keyboard user gets there."""
    wanted = re.compile(pattern)
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate(
            "() => { const e = document.activeElement; if (!e) return '';"
            " const label = e.labels && e.labels.length ? e.labels[0].innerText : '';"
            " return (e.innerText || e.value || '') + ' ' + label + ' ' + (e.getAttribute('aria-label') || ''); }"
        )
        if wanted.search(text):
            return
    raise AssertionError(f"no focusable element matching {pattern!r} within {limit} presses of Tab")


def test_a_delivery_lead_on_a_phone_posts_an_update_with_the_keyboard_alone(site, new_page):
    page = new_page()
    page.set_viewport_size(PHONE)
    _signed_in(page, site, "delivery_lead")
    expect(page.get_by_role("heading", name="My actions")).to_be_visible()

    _tab_to(page, r"^Post update")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Post the update"))).to_be_visible()
    _tab_to(page, r"Green")
    page.keyboard.press("Space")
    _tab_to(page, r"Commentary on key activity")
    page.keyboard.type("Caseload audit finished; all teams under 20 cases.")
    _tab_to(page, r"^Post update")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Caseload audit finished; all teams under 20 cases.").first).to_be_visible()


def test_a_lead_who_posts_nothing_gets_an_error_summary_that_links_to_the_field(site, new_page):
    page = _signed_in(new_page(), site, "delivery_lead")
    page.goto(f"{site['url']}/actions/{site['ids']['action']}/update")
    page.get_by_role("button", name="Post update").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    first = summary.get_by_role("link").first
    target = first.get_attribute("href")
    assert target and target.startswith("#")
    first.press("Enter")
    assert page.evaluate("() => '#' + document.activeElement.id") == target or page.url.endswith(target)


def test_a_director_acknowledges_an_escalation_and_agrees_a_revised_date(site, new_page):
    page = _signed_in(new_page(), site, "director")
    expect(page.get_by_role("heading", name="Your escalations and pillars")).to_be_visible()
    expect(page.locator("#your-pillars")).to_be_visible()
    page.locator("main table").first.get_by_role("link").first.click()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".govuk-notification-banner").first).to_be_visible()

    revise = page.locator("form[action*='decision=revise'], form[action$='/revise']").first
    revise.get_by_label("Day").fill("18")
    revise.get_by_label("Month").fill("3")
    revise.get_by_label("Year").fill("2027")
    revise.get_by_label("Reason for the revised date").fill("Agency cover starts on 1 December.")
    revise.get_by_role("button", name="Agree revised date").click()
    expect(page.get_by_text("18 March 2027").first).to_be_visible()


def test_the_board_secretary_sees_who_owes_an_update_freezes_the_plan_and_downloads_the_log(site, new_page):
    page = _signed_in(new_page(), site, "board_secretary")
    expect(page.get_by_role("heading", name="Updates owed and the next board")).to_be_visible()
    expect(page.get_by_text(re.compile(r"still owes? an update"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Meeting page")).click()
    page.get_by_role("button", name=re.compile("Freeze the plan")).click()
    expect(page.get_by_text(re.compile("The plan is frozen as at"))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Action log (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")
    assert "Reference" in Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()[0]


def test_a_board_member_reads_the_dashboard_and_what_changed_since_the_last_board(site, new_page):
    page = _signed_in(new_page(), site, "viewer")
    # Two plans here, so the board member chooses one first; with one plan they land on its dashboard.
    page.get_by_role("link", name=re.compile("Peterborough|Improvement")).first.click()
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Plan dashboard")).to_be_visible()
    expect(page.locator("#rag-counts")).to_contain_text("Overdue")
    expect(page.locator("#pillar-travel")).to_contain_text("was ")
    expect(page.get_by_role("heading", name="What changed since the last board")).to_be_visible()
    page.get_by_role("link", name="Compare two board snapshots").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ompar")


def test_search_finds_an_action_by_its_leads_name_from_the_navigation(site, new_page):
    page = _signed_in(new_page(), site, "viewer")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Search").click()
    page.get_by_label("Search actions, people and requirements").fill("Whitfield")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#action-results li").first).to_contain_text("Led by")
    expect(page.locator("#people-results")).to_contain_text("Claire Whitfield")


@pytest.mark.parametrize("path", ["/plans/{plan}", "/plans/{plan}/pillars/{number}", "/actions/{action}"])
def test_printed_plan_pillar_and_action_pages_hide_the_navigation_and_keep_the_content(site, new_page, path):
    page = _signed_in(new_page(), site, "viewer")
    page.goto(site["url"] + path.format(**site["ids"]))
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main menu")).to_be_hidden()
    expect(page.locator(".govuk-footer")).to_be_hidden()
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main table, main dl").first).to_be_visible()


def test_the_idle_warning_keeps_the_session_alive_without_losing_what_was_typed(site, live_app, new_page):
    live_app.config["SESSION_IDLE_MINUTES"] = 5  # the warning is due at once
    page = _signed_in(new_page(), site, "delivery_lead")
    page.goto(f"{site['url']}/actions/{site['ids']['action']}/update")
    commentary = page.get_by_label("Commentary on key activity in the period")
    commentary.fill("Half-written text that must survive")
    warning = page.locator(".pillar-idle-warning")
    expect(warning).to_contain_text("You will be signed out in 5 minutes")
    url = page.url
    with page.expect_response(lambda r: r.url.endswith("/session/keep-alive")) as answer:
        warning.get_by_role("button", name="Stay signed in").click()
    assert answer.value.status == 200
    assert page.url == url
    expect(commentary).to_have_value("Half-written text that must survive")


def test_text_typed_when_the_session_ended_is_put_back_after_signing_in_again(site, live_app, new_page):
    from app.extensions import db
    from app.models import User

    page = _signed_in(new_page(), site, "delivery_lead")
    form_url = f"{site['url']}/actions/{site['ids']['action']}/update"
    page.goto(form_url)
    commentary = page.get_by_label("Commentary on key activity in the period")
    commentary.fill("Three weeks of work that must not be lost")
    with live_app.app_context():
        lead = db.session.scalar(db.select(User).where(User.email == site["emails"]["delivery_lead"]))
        lead.session_version += 1  # as signing out in another tab, or an administrator, would
        db.session.commit()

    page.locator("main form button.govuk-button").first.click()
    page.wait_for_url(re.compile(r"/sign-in\?next="))
    page.get_by_label("Email address", exact=True).fill(site["emails"]["delivery_lead"])
    page.get_by_label("Password", exact=True).fill(seeded.PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(form_url)
    expect(page.locator(".pillar-draft-restored")).to_contain_text("What you typed has been put back")
    expect(page.get_by_label("Commentary on key activity in the period")).to_have_value(
        "Three weeks of work that must not be lost"
    )
    # The draft bridged the sign-in only: coming back another way starts afresh.
    page.goto(f"{site['url']}/my-actions")
    page.goto(form_url)
    expect(page.get_by_label("Commentary on key activity in the period")).to_have_value("")
    expect(page.locator(".pillar-draft-restored")).to_have_count(0)


def test_the_readme_screenshots_are_taken_from_the_running_app(site, new_page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ids = site["ids"]
    shots = {
        "viewer": [("dashboard", f"/plans/{ids['plan']}/dashboard"), ("plan-overview", f"/plans/{ids['plan']}"),
                   ("indicator", f"/indicators/{ids['indicator']}")],
        "delivery_lead": [("my-actions", "/my-actions"), ("action", f"/actions/{ids['action']}")],
        "director": [("director-home", "/director")],
        "board_secretary": [("board-meeting", f"/plans/{ids['plan']}/board/meetings/{ids['october']}")],
    }
    for role, pages in shots.items():
        page = new_page()
        page.set_viewport_size({"width": 1280, "height": 900})
        _signed_in(page, site, role)
        for name, path in pages:
            response = page.goto(site["url"] + path)
            assert response and response.status == 200, path
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
            assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000
