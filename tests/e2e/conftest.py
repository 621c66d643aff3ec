"""Browser tests: the real app served on loopback, driven by a real Chromium through Playwright.

Fixtures, for any feature's browser tests:
- ``live_app``: a Flask app on its own SQLite file, made by the migrations (session-wide);
  use ``with live_app.app_context():`` to create test data, and commit it.
- ``live_server``: the base URL the app is served at (``http://127.0.0.1:<port>``); every table
  is emptied after each test.
- ``browser``: one headless Chromium for the session (``PILLAR_CHROMIUM``, default /usr/bin/chromium);
  ``page``: a fresh browser context and page per test; ``new_page()`` gives more, for a second user.
A failing test leaves a screenshot of each page it opened in ``test-artefacts/``.
Mark browser tests ``@pytest.mark.browser``.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import _empty_every_table, make_app

ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    return make_app("sqlite", tmp_path_factory.mktemp("live"))


@pytest.fixture(scope="session")
def _served(live_app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


@pytest.fixture
def live_server(live_app, _served) -> Iterator[str]:
    saved = dict(live_app.config)
    yield _served
    live_app.config.clear()
    live_app.config.update(saved)
    with live_app.app_context():
        from app.extensions import db

        _empty_every_table()
        db.session.remove()
    # Every browser test signs in from 127.0.0.1: start each with no failures counted.
    live_app.extensions["sign_in_throttle"].storage.reset()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=os.environ.get("PILLAR_CHROMIUM", "/usr/bin/chromium"),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def new_page(browser: Browser, request) -> Iterator:
    """Opens pages in separate browser contexts (separate cookies: separate users)."""
    contexts = []
    pages: list[Page] = []

    def open_page() -> Page:
        context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
        context.set_default_timeout(15_000)
        contexts.append(context)
        opened = context.new_page()
        pages.append(opened)
        return opened

    request.node._pillar_pages = pages
    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    pages = getattr(item, "_pillar_pages", [])
    if not pages:
        return
    ARTEFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)
    for number, opened in enumerate(pages, start=1):
        try:
            opened.screenshot(path=str(ARTEFACTS / f"{stem}-{number}.png"), full_page=True)
        except Exception as error:  # a crashed page must not hide the test's own failure
            report.sections.append(("screenshot", f"page {number}: no screenshot ({error})"))


def sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/sign-in")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
