"""The e2e's browser state: the signed-up user's page, API access, screenshots and UI helpers."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import BrowserContext, ConsoleMessage, Frame, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser import ARTIFACTS as SCREENSHOTS
from tests.harness.hub import Hub

USER = "lyra"
PASSWORD = "lyre-strings-and-7-moons"
CSV = "month,region,units,revenue\n" + "".join(
    f"2026-{m:02d}-01,{r},{10 * m + i},{(10 * m + i) * 12.5}\n"
    for m in range(1, 13)
    for i, r in enumerate(["north", "south", "east"])
)
#: Every browser test's screenshots, named ``<test>--<step>.png`` (stable across runs).
ARTIFACTS = SCREENSHOTS / "labextension"
#: The screenshots saved in this pytest run (the conftest prints the folder at the end).
SAVED: list[Path] = []
TAB = ".lm-DockPanel-tabBar .lm-TabBar-tab"
# Up to 20 s for the page to reach a state (not 5): the machine running these is often
# shared, and a terminal or a kernel can take that long to start there. Never a timing check.
expect.set_options(timeout=20_000)


def screenshot(page: Page, step: str, prefix: str = "", full_page: bool = False) -> Path:
    """Save a screenshot of ``step`` as ``ARTIFACTS/<prefix><test name>--<step>.png``."""
    current = os.environ.get("PYTEST_CURRENT_TEST", "no-test").split("::")[-1].split(" ")[0]
    test = re.sub(r"[^\w.-]+", "_", current)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{prefix}{test}--{step}.png"
    page.screenshot(path=str(path), timeout=60_000, full_page=full_page)
    SAVED.append(path)
    return path


def watch_console(page: Page) -> list[str]:
    """Console errors (CSP violations among them), page errors and failed requests of ``page``."""
    problems: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error" or "Content Security Policy" in msg.text:
            problems.append(f"console {msg.type}: {msg.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url} ({req.failure})"))
    return problems


TRACES_JS = """() => Object.fromEntries(Array.from(document.querySelectorAll('[data-widget]'))
  .filter(cell => cell.querySelector('.orpheus-plot'))
  .map(cell => [cell.dataset.widget, cell.querySelectorAll('.orpheus-plot svg g.trace').length]))"""


def drawn_traces(frame: Frame, charts: set[str], timeout: float = 120_000) -> dict[str, int]:
    """Chart widget id -> plotly SVG traces drawn, once every chart in ``charts`` drew one
    (or, when some never do within ``timeout`` ms, as they are then: the caller's check fails)."""
    wanted = sorted(charts)
    script = f"""() => {{ const drawn = ({TRACES_JS})();
        return {wanted!r}.every(id => (drawn[id] || 0) > 0); }}"""
    try:
        frame.wait_for_function(script, timeout=timeout)
    except PlaywrightTimeout:
        pass
    return dict(frame.evaluate(TRACES_JS))


@dataclass
class Lab:
    """The signed-up user's browser page and API access to their server."""

    hub: Hub
    context: BrowserContext
    page: Page
    base: str
    token: str
    prefix: str = ""
    state: dict[str, Any] = field(default_factory=dict)

    def api(self, method: str, path: str, **kw: Any) -> requests.Response:
        """Call the user's server with their token (to check what the UI did)."""
        headers = {"Authorization": f"token {self.token}"}
        return requests.request(method, self.base + path, headers=headers, timeout=60, **kw)

    def shot(self, step: str, page: Page | None = None) -> Path:
        """Save a screenshot of the step (see :func:`screenshot`)."""
        return screenshot(page or self.page, step, self.prefix)


def show_sidebar(page: Page, tab: str, content: str) -> Locator:
    """Open the left sidebar whose tab's name has ``tab`` (clicking an open one would close it;
    Lab may still be restoring the sidebar it had open)."""
    box = page.locator(content)
    for _ in range(3):
        if box.is_visible():
            break
        page.get_by_role("tab", name=re.compile(tab)).click()
        try:
            expect(box).to_be_visible(timeout=3000)
        except AssertionError:
            continue
    expect(box).to_be_visible()
    return box


def show_panel(page: Page) -> Locator:
    """Open the Orpheus side panel."""
    return show_sidebar(page, "Orpheus", "#orpheus-panel")


def project_in_panel(page: Page, project: str) -> Locator:
    """The side panel, refreshed, with ``project`` expanded."""
    panel = show_panel(page)
    panel.get_by_role("button", name="Refresh", exact=True).click()
    toggle = panel.locator(f"[data-key='project:{project}']")
    expect(toggle).to_be_visible()
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    return panel


def close_dialog(page: Page, button: str) -> None:
    """Press ``button`` in the open dialog and wait until no dialog is left over the page."""
    page.locator(".jp-Dialog").get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".jp-Dialog")).to_have_count(0)


def dismiss_dialogs(page: Page) -> None:
    """Close whatever dialog a failed step left open (Escape), so it fails alone."""
    dialogs = page.locator(".jp-Dialog")
    for _ in range(3):
        if not dialogs.count():
            return
        page.keyboard.press("Escape")
        try:
            expect(dialogs).to_have_count(0, timeout=5000)
        except AssertionError:
            continue


def open_launcher(page: Page) -> None:
    """Open a new Launcher in front (the + of the main area's tab bar)."""
    page.locator("#jupyterlab-splash").wait_for(state="detached")  # the app has started
    expect(page.locator(".jp-Dialog")).to_have_count(0)
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-addButton:visible").first.click()
    expect(page.locator(".jp-Launcher:visible")).to_have_count(1)


def launcher_card(page: Page, text: str) -> Locator:
    """The Orpheus card of the visible launcher whose text has ``text``."""
    return page.locator(".jp-Launcher:visible .jp-LauncherCard[data-category='Orpheus']", has_text=text)


def open_session_tab(page: Page, project: str, session: dict[str, Any], title: str) -> Locator:
    """The session's terminal tab in front, opened from its side-panel row when it is not open yet."""
    tab = page.locator(TAB, has_text=title)
    if tab.count():
        tab.click()
    else:
        row = project_in_panel(page, project).locator(f"[data-session='{session['id']}']")
        row.locator(".orpheus-Row-main").click()
    expect(tab).to_be_visible()
    expect(page.locator(f".orpheus-SessionTerminal[data-orpheus-session='{session['id']}']")).to_be_visible()
    return tab


def wait_for_saved_tab(lab: Lab, name: str, seconds: float = 60) -> None:
    """Return once the saved workspace lists the session terminal's tab."""
    deadline = time.monotonic() + seconds
    while True:
        values = lab.api("GET", "lab/api/workspaces").json()["workspaces"]["values"]
        saved = [v["data"].get("orpheus-lab:session-tabs", {}).get("tabs", []) for v in values]
        if any(name in tabs for tabs in saved):
            return
        assert time.monotonic() < deadline, f"the workspace never listed {name}: {saved}"
        time.sleep(0.5)
