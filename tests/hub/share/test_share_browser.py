"""Real headless Chromium (Debian's, driven by Playwright) against the real share service."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from tests.browser import ARTIFACTS, launch

from .conftest import ShareEnv
from .content import REPLAY_TEXT, SCRIPT_MARKER
from .test_share_api import create

pytestmark = [pytest.mark.slow]



@pytest.fixture
def browser() -> Iterator[Browser]:
    """Debian's Chromium, per test (Playwright's sync loop must not outlive the test)."""
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


def csp_watch(page: Page) -> list[str]:
    """Collect console errors (CSP violations among them) of a page."""
    errors: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda req: errors.append(f"request failed: {req.url}"))
    return errors


def test_notebook_script_never_runs_on_the_hub_origin(share_env: ShareEnv, browser: Browser) -> None:
    model: dict[str, Any] = create(share_env, "notebook")
    context = browser.new_context()
    page = context.new_page()
    page.goto(model["url"])
    frame = page.frame_locator("iframe.share-frame")
    frame.locator("#marker").wait_for()
    assert SCRIPT_MARKER in frame.locator("#marker").inner_text()
    inner = next(f for f in page.frames if f.url.endswith("/render"))
    # The script may run, but only in an opaque origin: no hub cookies, storage or APIs.
    assert inner.evaluate("self.origin") == "null"
    assert page.evaluate("localStorage.getItem('pwned')") is None
    # Opened directly (top level), the sandbox CSP still applies.
    page.goto(model["url"] + "/render")
    page.locator("#marker").wait_for()
    assert page.evaluate("self.origin") == "null"
    page.goto(share_env.service + "health")
    assert page.evaluate("localStorage.getItem('pwned')") is None
    assert all(c["name"] != "pwned" for c in context.cookies())
    context.close()


def test_session_replay_plays_the_recording(share_env: ShareEnv, browser: Browser) -> None:
    model: dict[str, Any] = create(share_env, "session")
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors = csp_watch(page)
    page.goto(model["url"])
    try:
        page.wait_for_function(
            "text => (document.querySelector('#player') || {}).innerText?.includes(text)",
            arg=REPLAY_TEXT, timeout=30_000)
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "share-session-replay-failed.png"), full_page=True)
        raise AssertionError(f"replay text never shown; console errors: {errors}; "
                             f"player: {page.inner_html('#player')[:2000]}") from None
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "share-session-replay.png"), full_page=True)
    assert "hello.py" in page.inner_text("table.share-files")
    assert not [e for e in errors if "Content Security Policy" in e or "failed" in e], errors
    context.close()


def test_dashboard_charts_render_without_a_kernel(share_env: ShareEnv, browser: Browser) -> None:
    model: dict[str, Any] = create(share_env, "dashboard")
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors = csp_watch(page)
    page.goto(model["url"])
    frame = page.frame_locator("iframe.share-frame")
    frame.locator(".chart .main-svg").first.wait_for(timeout=30_000)
    assert "Sales by region" in frame.locator(".chart").first.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "share-dashboard.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e or "failed" in e], errors
    context.close()


def test_admin_page_lists_everyone_and_revokes_with_xsrf(share_env: ShareEnv, browser: Browser) -> None:
    model: dict[str, Any] = create(share_env, "file", title="Alice's report for the admin page")
    context = browser.new_context()
    page = context.new_page()
    page.goto(share_env.service + "?all=1")  # not signed in: the hub's login form first
    page.fill("#username_input", "admin")
    page.fill("#password_input", "admin-password-for-tests")
    page.click("#login_submit")
    page.wait_for_url("**/services/share/?all=1")
    row = page.locator(f"tr[data-share-id='{model['id']}']")
    assert "alice" in row.inner_text()
    assert "Alice's report for the admin page" in row.inner_text()
    # A cross-site POST without the xsrf token is refused even with the admin's cookie.
    forged = context.request.post(share_env.service + f"mine/{model['id']}/revoke", max_redirects=0)
    assert forged.status == 403
    row.locator("button.share-revoke").click()
    page.wait_for_load_state()
    assert page.locator(f"tr[data-share-id='{model['id']}']").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "share-admin-page.png"), full_page=True)
    context.close()
    assert share_env.as_user(None, "GET", f"s/{model['url'].rsplit('/', 1)[1]}").status_code == 404
