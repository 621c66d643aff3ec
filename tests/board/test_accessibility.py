"""The board pages in a real browser, checked with axe against WCAG 2.2 AA."""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from app.board import services
from app.domain.roles import Role
from app.extensions import db
from tests import factories

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def live_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_the_board_pages_pass_axe_for_wcag_2_2_aa(live_url, board_world):
    secretary = factories.user(Role.BOARD_SECRETARY)
    plan = board_world.plan
    first = services.add_board_meeting(plan=plan, meeting_date=date(2026, 10, 26), title="October board")
    services.freeze_snapshot(plan=plan, meeting=first, actor=secretary)
    second = services.add_board_meeting(plan=plan, meeting_date=date(2026, 11, 23), title="November board")
    db.session.commit()
    earlier = first.snapshot.id
    pages = [
        f"/plans/{plan.id}/board",
        f"/plans/{plan.id}/board/meetings/{second.id}",
        f"/plans/{plan.id}/snapshots/{earlier}",
        f"/plans/{plan.id}/snapshots/compare?from={earlier}&to={earlier}",
        f"/plans/{plan.id}/snapshots/compare?from={earlier}",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("PILLAR_CHROMIUM", "/usr/bin/chromium"))
        try:
            page = browser.new_page()
            page.goto(f"{live_url}/sign-in")
            page.fill("#email", secretary.email)
            page.fill("#password", factories.PASSWORD)
            page.click("button[type=submit], input[type=submit]")
            page.wait_for_url(lambda url: "/sign-in" not in url)
            for path in pages:
                page.goto(f"{live_url}{path}")
                assert "/sign-in" not in page.url, "the secretary is signed in"
                page.evaluate(AXE.read_text())  # not subject to the page CSP
                violations = page.evaluate(
                    "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
                    ".violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))",
                    RULES,
                )
                assert violations == [], path
        finally:
            browser.close()
