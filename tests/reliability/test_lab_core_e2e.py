"""Issue 14 items 3-6 in the Lab, in Chromium against a real hub WITHOUT a model key.

AI off is shown before any input (launcher cards, the new-session dialog); the
new-session dialog takes titles in any script and shows the folder names live;
after a server restart a restored session tab becomes "Session ended" with a
working Resume (never a plain shell); a revoked account gets one dialog with
the hub's reason.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, expect, sync_playwright

from tests.harness.hub import Hub
from tests.labextension.conftest import ARTIFACTS, BUILT, CHROMIUM_ARGS, signed_up_lab, start_lab_hub
from tests.labextension.lab import USER, Lab, show_panel

pytestmark = pytest.mark.slow

CARDS = ".jp-LauncherCard[data-category='Orpheus']"


@pytest.fixture(autouse=True)
def jp_asyncio_loop() -> None:
    """pytest-jupyter's autouse loop fixture would close the loop Playwright's sync API runs."""


@pytest.fixture(autouse=True)
def jp_server_cleanup() -> None:
    """No in-process Jupyter server here."""


@pytest.fixture(scope="module")
def no_key_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """The hub with no model key: the gateway says AI is off."""
    if not (BUILT / "package.json").is_file():
        pytest.fail("the lab extension is not built: run `jlpm build` in labextension_py", pytrace=False)
    data = Path(tmp_path_factory.mktemp("jupyter-data"))
    data.chmod(0o755)
    (data / "labextensions").mkdir()
    (data / "labextensions" / "orpheus-lab").symlink_to(BUILT, target_is_directory=True)
    hub = start_lab_hub(Path(tmp_path_factory.mktemp("core-hub")), data, {"ANTHROPIC_API_KEY": ""})
    try:
        yield hub
    finally:
        hub.stop()


@pytest.fixture(scope="module")
def lab(no_key_hub: Hub, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """The signed-up user's Lab."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser: Browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            with signed_up_lab(no_key_hub, browser, ARTIFACTS, tmp_path_factory.mktemp("files"),
                               prefix="core-") as state:
                yield state
        finally:
            browser.close()


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


def wait_until_stopped(hub: Hub, seconds: float = 120) -> None:
    """Return once the hub has stopped the revoked user's server."""
    deadline = time.monotonic() + seconds
    while hub.api("GET", f"/users/{USER}").json().get("servers"):
        assert time.monotonic() < deadline, "the hub never stopped the revoked user's server"
        time.sleep(0.5)


def test_ai_off_shown_and_titles_in_any_script(lab: Lab) -> None:
    page = lab.page
    llm = lab.api("GET", "orpheus/api/llm").json()
    assert llm["enabled"] is False
    assert llm["message"]
    card = page.locator(CARDS, has_text="Claude session")
    expect(card).to_contain_text("(AI off)")
    expect(page.locator(CARDS, has_text="Chat with data")).to_contain_text("(AI off)")
    card.click()
    dialog = page.locator(".jp-Dialog")
    note = dialog.get_by_role("note", name="AI is off")
    expect(note).to_be_visible()
    expect(note).to_contain_text(llm["message"])
    page.get_by_label("Title").fill("売上 レポート")
    page.get_by_label("New project name").fill("Sales Q3")
    expect(dialog.locator(".orpheus-SlugPreview", has_text="Project folder: sales-q3")).to_be_visible()
    expect(dialog.locator(".orpheus-SlugPreview", has_text="Session folder:")).to_be_visible()
    lab.shot("session-dialog-ai-off")
    dialog.get_by_role("button", name="Create the session").click()
    expect(page.locator(".orpheus-SessionTerminal")).to_be_visible()
    sessions = lab.api("GET", "orpheus/api/sessions").json()["sessions"]
    assert [(s["title"], s["project"]) for s in sessions] == [("売上 レポート", "sales-q3")]
    lab.state["session"] = sessions[0]


def test_restored_session_tab_after_a_restart_offers_resume(lab: Lab) -> None:
    session = lab.state.get("session")
    if session is None:
        pytest.skip("needs the session of the first test")
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
    ended = page.get_by_role("region", name=re.compile("^Session ended"))
    expect(ended).to_be_visible(timeout=60_000)
    lab.shot("session-ended-tab")
    terminals = [t["name"] for t in lab.api("GET", "api/terminals").json()]
    assert name not in terminals  # the plain shell the restore made is gone
    ended.get_by_role("button", name=re.compile("^Resume session")).click()
    expect(page.locator(".orpheus-SessionTerminal")).to_be_visible()
    expect(ended).to_have_count(0)
    resumed = lab.api("GET", f"orpheus/api/sessions/{session['id']}").json()
    assert resumed["terminal"] == name


def test_revoked_account_gets_one_dialog_with_the_reason(lab: Lab) -> None:
    hub = lab.hub
    assert hub.api("POST", f"/orpheus/users/{USER}/revoke").status_code == 200
    page = lab.page
    wait_until_stopped(hub)
    # Any Orpheus request now fails the way a stopped server makes it fail: refresh the side panel.
    show_panel(page).get_by_role("button", name="Refresh").click()
    blocked = page.locator(".jp-Dialog .orpheus-Blocked[data-account-state='revoked']")
    expect(blocked).to_be_visible()
    expect(blocked).to_contain_text("revoked")
    expect(page.locator(".jp-Dialog")).to_have_count(1)
    expect(page.locator(".jp-Dialog").get_by_role("button", name="Log out")).to_be_visible()
    lab.shot("account-revoked-dialog")
    state = requests.get(f"{hub.url}/hub/orpheus/account-state", timeout=30)
    assert state.status_code == 401  # no cookie here: signed out, as the contract says
