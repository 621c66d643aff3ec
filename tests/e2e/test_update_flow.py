"""A delivery lead's month, in a real browser: sign in, post the update with evidence, see the history;
a second lead's stale save is refused without losing a word."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.updates import services
from tests import samples, updates_world
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def world(live_app, live_server, tmp_path):
    live_app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    with live_app.app_context():
        built = updates_world.build()
        # Last month's update, so this month's rating has a direction of travel.
        services.post_update(
            built.action, built.lead,
            services.UpdateInput(proposed_rag="amber", commentary="October: audit planned."),
            expected_version=0, today=date(2026, 10, 20),
        )
        db.session.commit()
        # Plain values: the rows belong to a session that ends with this block.
        return SimpleNamespace(action_id=built.action_id, lead_email=built.lead.email,
                               second_lead_email=built.second_lead.email)


def test_a_lead_posts_an_update_with_a_pdf_and_a_second_leads_stale_save_keeps_their_text(
    live_server, world, new_page, tmp_path
):
    lead = new_page()
    sign_in(lead, live_server, world.lead_email, PASSWORD)
    expect(lead.get_by_role("heading", name="My actions")).to_be_visible()
    row = lead.get_by_role("row").filter(has_text="1.1.1")
    expect(row).to_contain_text("Owed")

    # Tom opens the same form now, before Priya posts: his form is based on no update yet.
    second = new_page()
    sign_in(second, live_server, world.second_lead_email, PASSWORD)
    second.goto(f"{live_server}/actions/{world.action_id}/update")

    row.get_by_role("link", name="Post update").click()
    expect(lead.get_by_role("heading", name="Post the update for November 2026")).to_be_visible()
    lead.get_by_label("Red", exact=True).check()
    lead.get_by_label("Commentary on key activity in the period").fill("Audit found 6 teams over 20 cases.")
    lead.get_by_label("Outstanding actions required").fill("Move 2 agency workers to the east team.")
    lead.get_by_label("Risks, issues and mitigating action").fill("Sickness in the east team; cover agreed.")
    pdf = tmp_path / "caseload audit.pdf"
    pdf.write_bytes(samples.PDF)
    lead.get_by_label("Evidence file (optional)").set_input_files(str(pdf))
    lead.get_by_role("button", name="Post update").click()

    expect(lead.get_by_text("Your update for November 2026 has been posted.")).to_be_visible()
    summary_rag = lead.locator(".govuk-summary-list__row", has_text="RAG").first
    expect(summary_rag).to_contain_text("Red")
    november = lead.locator(".pillar-update").first
    expect(november).to_contain_text("November 2026")
    expect(november).to_contain_text("Worse")
    expect(november).to_contain_text("Audit found 6 teams over 20 cases.")
    expect(november.get_by_role("link", name="caseload_audit.pdf")).to_be_visible()
    history = lead.locator("#audit ~ table")
    expect(history).to_contain_text("Priya Shah")
    expect(history.get_by_role("row").filter(has_text="Action changed: rag")).to_contain_text("Amber")

    second.get_by_label("Amber", exact=True).check()
    second.get_by_label("Commentary on key activity in the period").fill("Tom's own notes on November, at length.")
    second.get_by_role("button", name="Post update").click()

    expect(second.get_by_text("Someone else saved this period's update while you were writing yours").first).to_be_visible()
    expect(second.get_by_label("Commentary on key activity in the period")).to_have_value(
        "Tom's own notes on November, at length."
    )
    expect(second.get_by_label("Amber", exact=True)).to_be_checked()
    expect(second.locator(".pillar-conflict")).to_contain_text("Priya Shah saved this update")
    expect(second.get_by_text("Audit found 6 teams over 20 cases.")).to_be_visible()

    lead.reload()
    expect(lead.locator(".pillar-update").first).to_contain_text("Audit found 6 teams over 20 cases.")
