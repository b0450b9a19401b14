"""A live share in real headless Chromium: an anonymous visitor opens the link and sees what
the owner types after the page opened, with no CSP violation; when the session ends the
page shows the recording."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.browser import ARTIFACTS, launch
from tests.hub.share.test_share_browser import csp_watch

from .live_share_helpers import Session, Terminal, shell_session
from .share_gateway_stack import Stack, stack_fixture

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from stack_fixture(Path(tmp_path_factory.mktemp("livebrowser")))


def type_in(session: Session, text: str, until: str) -> None:
    async def run() -> None:
        term = await Terminal.open(session)
        await term.type(text)
        await term.read_until(until)
        term.conn.close()

    # Playwright's sync API holds this thread's event loop: the terminal talks from another.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()


def shows(page: Page, text: str) -> None:
    page.wait_for_function("t => (document.querySelector('#player') || {}).innerText?.includes(t)",
                           arg=text, timeout=30_000)


def test_anonymous_viewer_watches_live_then_sees_the_recording(stack: Stack) -> None:
    session = shell_session(stack, "livebrowser", title="watch me")
    link = str(session.share_live()["url"])
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 1200, "height": 800})  # no cookies: anonymous
        page = context.new_page()
        errors = csp_watch(page)
        page.goto(link)
        page.locator(".share-live").wait_for()
        page.wait_for_function("() => !!document.querySelector('#player .ap-term, #player pre, #player canvas')",
                               timeout=30_000)
        page.wait_for_timeout(500)  # the player's socket is open before anything is typed
        type_in(session, "echo typed-after-$((6*7))-open\r", "typed-after-42-open")
        try:
            shows(page, "typed-after-42-open")
        finally:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "share-live-session.png"), full_page=True)
        assert "typed-after-$((6*7))-open" in page.locator("#player").inner_text()  # the typed line
        # The viewer's keys go nowhere: the page has no input path and the terminal stays as is.
        page.locator("#player").click()
        page.keyboard.type("pwned\n")
        type_in(session, "echo $((6*7))CHECK\r", "42CHECK")
        shows(page, "42CHECK")
        assert "pwned" not in page.locator("#player").inner_text()
        # The session ends: the page reloads and shows the replay of the recording.
        type_in(session, "exit\r", "exit")
        page.locator("text=Terminal replay").wait_for(timeout=30_000)
        shows(page, "typed-after-42-open")
        page.screenshot(path=str(ARTIFACTS / "share-live-ended.png"), full_page=True)
        assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
        context.close()
        browser.close()
