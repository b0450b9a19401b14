"""Issue 14 items 4-6 in the Lab, in Chromium against a real hub WITHOUT a model key.

The new-session dialog takes titles in any script and shows the folder names
live; after a server restart a restored session tab becomes "Session ended"
with a working Resume (never a plain shell); a revoked account gets one dialog
with the hub's reason. Each test runs on its own (the revoked one with its own
user). AI off in the Lab is ``tests/labextension/test_lab_no_key_e2e.py``.
Screenshots: ``test-artifacts/labextension/`` (``core-`` prefix).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, expect, sync_playwright

from tests.browser import launch
from tests.harness.hub import Hub
from tests.labextension.conftest import link_build, signed_up_lab, start_lab_hub
from tests.labextension.lab import (
    TAB,
    USER,
    Lab,
    launcher_card,
    open_launcher,
    project_in_panel,
    show_panel,
    wait_for_saved_tab,
)

pytestmark = pytest.mark.slow

REVOKED_USER = "vega"


@pytest.fixture(autouse=True)
def jp_asyncio_loop() -> None:
    """pytest-jupyter's autouse loop fixture would close the loop Playwright's sync API runs."""


@pytest.fixture(autouse=True)
def jp_server_cleanup() -> None:
    """No in-process Jupyter server here."""


@pytest.fixture(scope="module")
def no_key_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """The hub with no model key: the gateway says AI is off."""
    data = link_build(Path(tmp_path_factory.mktemp("jupyter-data")))
    hub = start_lab_hub(Path(tmp_path_factory.mktemp("core-hub")), data, {"ANTHROPIC_API_KEY": ""})
    try:
        yield hub
    finally:
        hub.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    with sync_playwright() as p:
        b = launch(p)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def lab(no_key_hub: Hub, browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """The signed-up user's Lab."""
    with signed_up_lab(no_key_hub, browser, tmp_path_factory.mktemp("files"), prefix="core-") as state:
        yield state


def wait_until_stopped(hub: Hub, user: str, seconds: float = 120) -> None:
    """Return once the hub has stopped the revoked user's server."""
    deadline = time.monotonic() + seconds
    while hub.api("GET", f"/users/{user}").json().get("servers"):
        assert time.monotonic() < deadline, "the hub never stopped the revoked user's server"
        time.sleep(0.5)


def test_titles_in_any_script_with_live_folder_names(lab: Lab) -> None:
    page = lab.page
    before = {s["id"] for s in lab.api("GET", "orpheus/api/sessions").json()["sessions"]}
    open_launcher(page)
    launcher_card(page, "Claude session").click()
    dialog = page.locator(".jp-Dialog")
    page.get_by_label("Title").fill("売上 レポート")
    page.get_by_label("Project", exact=True).select_option(label="New project…")
    page.get_by_label("New project name").fill("Sales Q3")
    expect(dialog.locator(".orpheus-SlugPreview", has_text="Project folder: sales-q3")).to_be_visible()
    expect(dialog.locator(".orpheus-SlugPreview", has_text="Session folder:")).to_be_visible()
    lab.shot("session-dialog-titles")
    dialog.get_by_role("button", name="Create the session").click()
    expect(dialog).to_have_count(0)
    expect(page.locator(TAB, has_text="売上 レポート")).to_be_visible()
    made = [s for s in lab.api("GET", "orpheus/api/sessions").json()["sessions"] if s["id"] not in before]
    assert [(s["title"], s["project"]) for s in made] == [("売上 レポート", "sales-q3")]
    projects = {p["name"]: p.get("title") for p in lab.api("GET", "orpheus/api/projects").json()["projects"]}
    assert projects["sales-q3"] == "Sales Q3"


def open_new_session(lab: Lab, title: str) -> dict[str, Any]:
    """A session made through the API, its terminal opened from the side panel."""
    if lab.api("GET", "orpheus/api/projects/restore-check").status_code == 404:
        r = lab.api("POST", "orpheus/api/projects", json={"name": "restore-check"})
        assert r.status_code == 201, r.text
    r = lab.api("POST", "orpheus/api/sessions", json={"title": title, "project": "restore-check"})
    assert r.status_code == 201, r.text
    session = dict(r.json())
    row = project_in_panel(lab.page, "restore-check").locator(f"[data-session='{session['id']}']")
    row.locator(".orpheus-Row-main").click()
    expect(lab.page.locator(f".orpheus-SessionTerminal[data-orpheus-session='{session['id']}']")).to_be_visible()
    return session


def test_restored_session_tab_after_a_restart_offers_resume(lab: Lab) -> None:
    session = open_new_session(lab, "Restore me")
    hub = lab.hub
    name = f"orpheus_{session['id']}"
    wait_for_saved_tab(lab, name)  # the Lab saves its workspace a moment after a change
    hub.stop_server(USER)
    assert hub.api("POST", f"/users/{USER}/server").status_code in (201, 202)
    deadline = time.monotonic() + 120
    while lab.api("GET", "api/status").status_code != 200:
        assert time.monotonic() < deadline, "the user server did not come back"
        time.sleep(0.5)
    page = lab.page
    page.reload()
    tab = page.locator(TAB, has_text="Restore me")  # other sessions' tabs may be restored too
    expect(tab).to_be_visible(timeout=60_000)
    tab.click()
    ended = page.get_by_role("region", name="Session ended: Restore me")
    expect(ended).to_be_visible(timeout=60_000)
    lab.shot("session-ended-tab")
    terminals = [t["name"] for t in lab.api("GET", "api/terminals").json()]
    assert name not in terminals  # the plain shell the restore made is gone
    ended.get_by_role("button", name=re.compile("^Resume session")).click()
    expect(page.locator(f".orpheus-SessionTerminal[data-orpheus-session='{session['id']}']")).to_be_visible()
    expect(ended).to_have_count(0)
    resumed = lab.api("GET", f"orpheus/api/sessions/{session['id']}").json()
    assert resumed["terminal"] == name


def test_revoked_account_gets_one_dialog_with_the_reason(
    no_key_hub: Hub, browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    files = tmp_path_factory.mktemp("revoked-files")
    with signed_up_lab(no_key_hub, browser, files, user=REVOKED_USER, prefix="core-") as lab:
        hub = lab.hub
        page = lab.page
        refresh = show_panel(page).get_by_role("button", name="Refresh")
        assert hub.api("POST", f"/orpheus/users/{REVOKED_USER}/revoke").status_code == 200
        wait_until_stopped(hub, REVOKED_USER)
        # Any Orpheus request now fails the way a stopped server makes it fail: refresh the side panel
        # (a DOM click: the Lab's own polling may have opened the dialog over the panel already).
        refresh.dispatch_event("click")
        blocked = page.locator(".jp-Dialog .orpheus-Blocked[data-account-state='revoked']")
        expect(blocked).to_be_visible()
        expect(blocked).to_contain_text("revoked")
        expect(page.locator(".jp-Dialog")).to_have_count(1)
        expect(page.locator(".jp-Dialog").get_by_role("button", name="Log out")).to_be_visible()
        lab.shot("account-revoked-dialog")
    state = requests.get(f"{hub.url}/hub/orpheus/account-state", timeout=30)
    assert state.status_code == 401  # no cookie here: signed out, as the contract says
