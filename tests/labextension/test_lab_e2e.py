"""The Orpheus JupyterLab extension end to end: real hub, real user server, real Chromium.

A new user signs up in the browser (a trial account) on a hub whose LLM gateway
forwards to a local fake of the Anthropic API (``model.py``), then works through
the UI the way a person would: trial banner, the launcher's Claude session
dialog with an uploaded file, the real ``claude`` CLI answering in the session's
terminal, a refused session, the side panel (rename), a share link opened with
no cookies, the dark theme, and sharing from the notebook toolbar and the file
browser, revoked in *My shares*. The data half of the journey is in
``test_lab_e2e_data.py``; the same journey on a hub without a model key in
``test_lab_no_key_e2e.py``.

Every step saves a screenshot in ``test-artifacts/labextension/`` (named after
the test and the step). Run in order, the steps share one page and each builds
on the one before; run alone, a step makes what it needs through the API first
(``prereq.py``).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, expect

from . import prereq
from .lab import (
    CSV,
    TAB,
    Lab,
    close_dialog,
    launcher_card,
    open_launcher,
    open_session_tab,
    project_in_panel,
    show_panel,
    show_sidebar,
    wait_for_saved_tab,
)
from .model import SESSION_REPLY

pytestmark = [pytest.mark.slow]

PROJECT = prereq.PROJECT
TITLE = prereq.TITLE
RENAMED = "Sales deep dive"
NOTEBOOK = f"projects/{PROJECT}/findings.ipynb"


def write_notebook(lab: Lab) -> str:
    """Save a one-cell notebook in the project through the contents API; its path."""
    prereq.project(lab)
    notebook = {
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Findings from the toolbar"}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    r = lab.api("PUT", f"api/contents/{NOTEBOOK}", data=json.dumps({"type": "notebook", "content": notebook}))
    assert r.status_code in (200, 201), r.text
    return NOTEBOOK


def sessions(lab: Lab) -> dict[str, dict[str, Any]]:
    """The user's sessions by id, from the server."""
    return {s["id"]: s for s in lab.api("GET", "orpheus/api/sessions").json()["sessions"]}


def test_01_lab_loads_with_the_extension_and_the_trial_banner(lab: Lab) -> None:
    page = lab.page
    banner = page.locator("#orpheus-trial-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(re.compile(r"Orpheus trial: (\d+ h \d+ min|\d+ d \d+ h) left"))
    expect(page.get_by_role("tab", name=re.compile("Orpheus"))).to_have_count(1)
    open_launcher(page)
    expect(launcher_card(page, "Claude session")).not_to_contain_text("AI off")
    lab.shot("lab-trial-banner")


def test_02_launcher_creates_a_claude_session_with_an_uploaded_file(lab: Lab) -> None:
    page = lab.page
    before = sessions(lab)
    open_launcher(page)
    launcher_card(page, "Claude session").click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog.locator(".orpheus-SessionForm")).to_be_visible()
    expect(dialog.get_by_role("note", name="AI is off")).to_have_count(0)
    page.get_by_label("Title").fill(TITLE)
    if lab.api("GET", f"orpheus/api/projects/{PROJECT}").status_code == 200:  # made by an earlier test
        page.get_by_label("Project", exact=True).select_option(value=PROJECT)
    else:  # a fresh user has no project yet: the form offers a new one
        page.get_by_label("Project", exact=True).select_option(label="New project…")
        page.get_by_label("New project name").fill(PROJECT)
        expect(dialog.locator(".orpheus-SlugPreview", has_text=f"Project folder: {PROJECT}")).to_be_visible()
    page.get_by_label("Files to upload into the session folder").set_input_files(str(lab.state["csv"]))
    expect(dialog.locator(".orpheus-SessionForm-files")).to_contain_text("sales.csv")
    lab.shot("session-dialog")
    dialog.get_by_role("button", name="Create the session").click()
    expect(dialog).to_have_count(0)
    terminal = page.locator(".orpheus-SessionTerminal")
    expect(terminal).to_be_visible()
    screen = terminal.locator(".xterm-accessibility")
    expect(page.locator(TAB, has_text=TITLE)).to_be_visible()
    # The real claude CLI starts in the session folder and waits for input ...
    expect(screen).to_contain_text("shortcuts", timeout=120_000)
    terminal.locator(".xterm").click()
    page.keyboard.type("What is in sales.csv?")
    page.keyboard.press("Enter")
    # ... and shows the model's answer, which came through the hub's gateway.
    expect(screen).to_contain_text(SESSION_REPLY, timeout=120_000)
    lab.shot("session-terminal")
    new = [s for i, s in sessions(lab).items() if i not in before]
    assert [(s["title"], s["project"], s["status"] != "terminated") for s in new] == [(TITLE, PROJECT, True)]
    made = new[0]
    uploaded = lab.api("GET", f"api/contents/{made['path']}/sales.csv")
    assert uploaded.status_code == 200
    assert uploaded.json()["content"] == CSV


def test_02b_a_refused_session_shows_the_servers_message_and_keeps_the_form(lab: Lab) -> None:
    prereq.project(lab, data=False)
    page = lab.page
    bad = "Q3\u0007review"  # a title may be in any script, but never hold control characters
    before = sessions(lab)
    answer = lab.api("POST", "orpheus/api/sessions", json={"title": bad, "project": PROJECT})
    assert answer.status_code == 400, answer.text
    message = answer.json()["message"]
    assert "control characters" in message
    open_launcher(page)
    launcher_card(page, "Claude session").click()
    dialog = page.locator(".jp-Dialog")
    page.get_by_label("Title").fill(bad)
    page.get_by_label("Project", exact=True).select_option(value=PROJECT)
    dialog.get_by_role("button", name="Create the session").click()
    # The 4xx reason, exactly as the server wrote it, inside the dialog, which stays open ...
    expect(dialog.get_by_role("alert", name="Why the session was not created")).to_have_text(message)
    # ... with what the user typed and picked.
    expect(page.get_by_label("Title")).to_have_value(bad)
    expect(page.get_by_label("Project", exact=True)).to_have_value(PROJECT)
    lab.shot("session-refused-message")
    close_dialog(page, "Cancel")
    assert sessions(lab).keys() == before.keys()  # nothing was created


def test_03_side_panel_lists_the_session_and_renames_it(lab: Lab) -> None:
    session = prereq.session(lab)
    title = lab.api("GET", f"orpheus/api/sessions/{session['id']}").json()["title"]
    page = lab.page
    open_session_tab(page, PROJECT, session, title)
    row = project_in_panel(page, PROJECT).locator(f"[data-session='{session['id']}']")
    expect(row).to_contain_text(title)
    expect(row.locator(".orpheus-Dot")).to_have_class(re.compile("orpheus-mod-running"))
    row.hover()  # a narrow panel shows a row's buttons on hover (or keyboard focus)
    row.get_by_role("button", name=f"Rename {title}").click()
    page.locator(".jp-Dialog input").fill(RENAMED)
    close_dialog(page, "Rename")
    expect(row).to_contain_text(RENAMED)
    expect(page.locator(TAB, has_text=RENAMED)).to_be_visible()  # the open terminal's tab follows
    lab.shot("panel-renamed")
    assert lab.api("GET", f"orpheus/api/sessions/{session['id']}").json()["title"] == RENAMED


def test_04_share_the_session_and_open_the_link_without_cookies(lab: Lab, browser: Browser) -> None:
    session = prereq.session(lab)
    title = lab.api("GET", f"orpheus/api/sessions/{session['id']}").json()["title"]
    page = lab.page
    row = project_in_panel(page, PROJECT).locator(f"[data-session='{session['id']}']")
    row.hover()
    row.get_by_role("button", name=f"Share {title}").click()
    dialog = page.locator(".jp-Dialog")
    dialog.get_by_label("Link expires after").select_option(label="1 day")
    dialog.get_by_role("button", name="Create a public link").click()
    url_box = page.locator(".orpheus-ShareResult-url")
    expect(url_box).to_have_value(re.compile(r"^http.*/services/share/"), timeout=60_000)
    url = url_box.input_value()
    expect(page.locator(".orpheus-SharesList")).to_contain_text(title)
    lab.shot("share-link")
    close_dialog(page, "Done")

    stranger = browser.new_context()
    try:
        public = stranger.new_page()
        response = public.goto(url)
        assert response is not None
        assert response.status == 200
        assert not [c for c in stranger.cookies() if "jupyterhub" in c["name"]]
        expect(public.locator("body")).to_contain_text(title)
        lab.shot("share-public-view", public)
    finally:
        stranger.close()


def test_07_dark_theme(lab: Lab) -> None:
    session = prereq.session(lab)
    title = lab.api("GET", f"orpheus/api/sessions/{session['id']}").json()["title"]
    page = lab.page
    open_session_tab(page, PROJECT, session, title)  # a terminal tab for the reload to restore
    wait_for_saved_tab(lab, f"orpheus_{session['id']}")  # ... once the Lab saved it in its workspace
    theme = "lab/api/settings/@jupyterlab/apputils-extension:themes"
    r = lab.api("PUT", theme, data=json.dumps({"raw": json.dumps({"theme": "JupyterLab Dark"})}))
    assert r.status_code in (200, 204), r.text
    try:
        page.reload()
        page.locator("#jupyterlab-splash").wait_for(state="detached")  # layout restored
        expect(page.locator("body")).to_have_attribute("data-jp-theme-light", "false")
        panel = show_panel(page)
        expect(panel.get_by_role("button", name=re.compile(PROJECT))).to_be_visible()
        # The restored terminal tab is named after its session again.
        expect(page.locator(TAB, has_text=title)).to_be_visible()
        lab.shot("dark-theme-panel")
    finally:  # the next steps (and their screenshots) are in the default theme again
        r = lab.api("PUT", theme, data=json.dumps({"raw": json.dumps({})}))
        assert r.status_code in (200, 204), r.text
        page.reload()
        expect(page.locator("body")).to_have_attribute("data-jp-theme-light", "true")


def test_08_share_a_notebook_from_its_toolbar(lab: Lab) -> None:
    path = write_notebook(lab)
    page = lab.page
    page.goto(f"{lab.base}lab/tree/{path}")
    panel = page.locator(".jp-NotebookPanel", has_text="Findings from the toolbar")
    expect(panel).to_be_visible()
    panel.locator(".jp-Toolbar").get_by_role("button", name="Share", exact=True).click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text(path)
    dialog.get_by_role("button", name="Create a public link").click()
    url_box = page.locator(".orpheus-ShareResult-url")
    expect(url_box).to_have_value(re.compile(r"/services/share/"), timeout=60_000)
    lab.state["notebook_url"] = url_box.input_value()
    lab.shot("share-notebook-toolbar")
    close_dialog(page, "Done")
    kinds = {(s["kind"], s["target"]) for s in lab.api("GET", "orpheus/api/shares").json()["shares"]}
    assert ("notebook", path) in kinds


def test_09_revoke_from_my_shares(lab: Lab) -> None:
    url = prereq.notebook_share(lab, write_notebook(lab))
    page = lab.page
    assert requests.get(url, timeout=30).status_code == 200
    show_panel(page).get_by_role("button", name="My shares").click()
    dialog = page.locator(".jp-Dialog")
    dialog.get_by_role("button", name="Revoke the link to findings.ipynb").click()
    expect(dialog.locator(".orpheus-SharesList")).not_to_contain_text("findings.ipynb")
    for other in lab.api("GET", "orpheus/api/shares").json()["shares"]:  # the other links stay listed
        expect(dialog.locator(".orpheus-SharesList")).to_contain_text(other["title"])
    lab.shot("my-shares-revoked")
    close_dialog(page, "Close")
    lab.state.pop("notebook_url", None)
    assert requests.get(url, timeout=30).status_code == 404


def test_10_share_a_file_from_the_file_browser_menu(lab: Lab) -> None:
    prereq.project(lab)
    page = lab.page
    show_sidebar(page, "File Browser", "#filebrowser")
    listing = page.locator(".jp-DirListing-content")
    page.locator(".jp-BreadCrumbs-home").click()  # from the root, wherever the browser was
    expect(listing.locator(".jp-DirListing-item", has_text="projects")).to_be_visible()
    for folder in ("projects", PROJECT, "data"):
        listing.locator(".jp-DirListing-item", has_text=folder).first.dblclick()
        expect(page.locator(".jp-BreadCrumbs")).to_contain_text(folder)
    listing.locator(".jp-DirListing-item", has_text="sales.csv").click(button="right")
    page.get_by_role("menuitem", name=re.compile("Share with a Public Link")).click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text("Share file")
    dialog.get_by_role("button", name="Create a public link").click()
    expect(page.locator(".orpheus-ShareResult-url")).to_have_value(re.compile(r"/services/share/"), timeout=60_000)
    lab.shot("share-file-context-menu")
    close_dialog(page, "Done")
    shares = lab.api("GET", "orpheus/api/shares").json()["shares"]
    assert ("file", f"projects/{PROJECT}/data/sales.csv") in {(s["kind"], s["target"]) for s in shares}
