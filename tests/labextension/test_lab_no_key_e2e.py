"""The new user's journey on a hub WITHOUT a model key (issue 14 item 3), in real Chromium.

AI is shown as off before the user types anything: the launcher cards, the
new-session dialog (the session still starts, its terminal says no model is
configured), the chat panel and "change in words" (their input replaced by the
server's message). What needs no model still works: the data is analysed and a
dashboard generated from the side panel. Screenshots: ``test-artifacts/labextension/``
(``no-key-`` prefix).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from . import prereq
from .lab import TAB, Lab, launcher_card, open_launcher, project_in_panel

pytestmark = [pytest.mark.slow]

PROJECT = prereq.PROJECT
#: The banner's last line in a Claude session terminal with no model behind it (sessions/model_access.py).
BANNER_TAIL = "Claude starts anyway, but it cannot answer until a model is configured."


def ai_off(lab: Lab) -> str:
    """The server's reason why AI is off (``GET /orpheus/api/llm``); fails when AI is on."""
    llm = lab.api("GET", "orpheus/api/llm").json()
    assert llm["enabled"] is False, llm
    assert llm["message"], llm
    return str(llm["message"])


def test_launcher_cards_say_ai_is_off(off_lab: Lab) -> None:
    message = ai_off(off_lab)
    page = off_lab.page
    open_launcher(page)
    for name in ("Claude session", "Chat with data"):
        card = launcher_card(page, name)
        expect(card).to_contain_text(f"{name} (AI off)")
        expect(card).to_have_attribute("title", re.compile(re.escape(message)))
    expect(launcher_card(page, "Data Studio")).not_to_contain_text("AI off")  # needs no model
    off_lab.shot("launcher-ai-off")


def test_session_dialog_says_ai_is_off_and_the_session_starts_with_a_banner(off_lab: Lab) -> None:
    message = ai_off(off_lab)
    page = off_lab.page
    before = {s["id"] for s in off_lab.api("GET", "orpheus/api/sessions").json()["sessions"]}
    open_launcher(page)
    launcher_card(page, "Claude session").click()
    dialog = page.locator(".jp-Dialog")
    note = dialog.get_by_role("note", name="AI is off")
    expect(note).to_be_visible()
    expect(note).to_contain_text(message)
    page.get_by_label("Title").fill("Look without a model")
    if off_lab.api("GET", f"orpheus/api/projects/{PROJECT}").status_code == 200:
        page.get_by_label("Project", exact=True).select_option(value=PROJECT)
    else:
        page.get_by_label("Project", exact=True).select_option(label="New project…")
        page.get_by_label("New project name").fill(PROJECT)
    off_lab.shot("session-dialog-ai-off")
    dialog.get_by_role("button", name="Create the session").click()
    expect(dialog).to_have_count(0)
    made = [s for s in off_lab.api("GET", "orpheus/api/sessions").json()["sessions"] if s["id"] not in before]
    assert [(s["title"], s["project"]) for s in made] == [("Look without a model", PROJECT)]
    terminal = page.locator(f".orpheus-SessionTerminal[data-orpheus-session='{made[0]['id']}']")
    expect(terminal).to_be_visible()
    expect(page.locator(TAB, has_text="Look without a model")).to_be_visible()
    # The terminal says, before Claude starts, that no model is configured and what that means.
    expect(terminal.locator(".xterm-accessibility")).to_contain_text(BANNER_TAIL, timeout=60_000)
    off_lab.shot("session-terminal-no-model-banner")


def test_chat_input_is_replaced_by_the_servers_message(off_lab: Lab) -> None:
    message = ai_off(off_lab)
    prereq.project(off_lab)
    page = off_lab.page
    panel = project_in_panel(page, PROJECT)
    panel.get_by_role("button", name=f"Chat with the data of {PROJECT}").click()
    chat = page.locator(".orpheus-Chat")
    expect(chat.get_by_role("note", name="AI is off")).to_have_text(message)
    expect(chat.get_by_role("textbox")).to_have_count(0)  # nothing to type into, so nothing fails later
    expect(chat.get_by_role("button", name="Send")).to_have_count(0)
    off_lab.shot("chat-ai-off")


def generate_from_the_panel(lab: Lab) -> dict[str, Any]:
    """Analyse the project's data and generate a dashboard with the side panel's buttons."""
    prereq.project(lab)
    page = lab.page
    panel = project_in_panel(page, PROJECT)
    panel.get_by_role("button", name=f"Analyze the data of {PROJECT}", exact=True).click()
    expect(panel.locator(f"[data-progress='{PROJECT}']")).to_contain_text("100 %", timeout=120_000)
    before = {r.get_attribute("data-dashboard") for r in panel.locator("[data-dashboard]").all()}
    panel.get_by_role("button", name=f"Generate a dashboard for {PROJECT}").click()
    expect(panel.locator("[data-dashboard]")).to_have_count(len(before) + 1, timeout=120_000)
    listing = lab.api("GET", f"orpheus/api/projects/{PROJECT}/dashboards").json()
    boards = listing["dashboards"] if isinstance(listing, dict) else listing
    return dict(next(b for b in boards if b["id"] not in before))


def test_data_works_and_change_in_words_is_replaced_by_the_servers_message(off_lab: Lab) -> None:
    message = ai_off(off_lab)
    board = generate_from_the_panel(off_lab)  # analysis and dashboards need no model
    page = off_lab.page
    row = project_in_panel(page, PROJECT).locator(f"[data-dashboard='{board['id']}']")
    title = row.locator(".orpheus-Row-label").inner_text()
    row.hover()
    row.get_by_role("button", name=f"Change {title} in words").click()
    edit = row.locator(".orpheus-Edit")
    expect(edit.get_by_role("note")).to_have_text(message)
    expect(edit.get_by_role("textbox")).to_have_count(0)
    expect(edit.get_by_role("button", name="Apply")).to_have_count(0)
    off_lab.shot("change-in-words-ai-off")
