"""The Orpheus JupyterLab extension end to end: real hub, real user server, real Chromium.

One user signs up in the browser (a trial account), then works through the UI
the way a person would: trial banner, the launcher's Claude session dialog with
an uploaded file, the session's terminal, the side panel (rename), a share link
opened with no cookies, a CSV analysed with a progress bar, and a generated
dashboard opened as a Voila app, chat with data and a dashboard changed in
words. The hub's LLM gateway forwards to a local fake of the Anthropic API
(``model.py``): sessions run the real ``claude`` CLI against it, chat runs real
code in a real kernel. Every step saves a screenshot under
``test-artifacts/labextension/``. Run in order, the steps share one page and
each builds on the one before; run alone, a step makes what it needs through
the API first (``prereq.py``).
"""

from __future__ import annotations

import json
import re

import pytest
import requests
from playwright.sync_api import Browser, Locator, expect

from . import prereq
from .lab import CSV, Lab, show_panel
from .model import SESSION_REPLY, Model

pytestmark = [pytest.mark.slow]

PROJECT = prereq.PROJECT
TITLE = prereq.TITLE
ROWS = CSV.count("\n") - 1  # the data rows of sales.csv (the header excluded)
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


def project_in_panel(lab: Lab) -> Locator:
    """The side panel, refreshed, with the journey's project expanded."""
    panel = show_panel(lab.page)
    panel.get_by_role("button", name="Refresh", exact=True).click()
    toggle = panel.locator(f"[data-key='project:{PROJECT}']")
    expect(toggle).to_be_visible()
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    return panel


def test_01_lab_loads_with_the_extension_and_the_trial_banner(lab: Lab) -> None:
    page = lab.page
    banner = page.locator("#orpheus-trial-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(re.compile(r"Orpheus trial: (\d+ h \d+ min|\d+ d \d+ h) left"))
    expect(page.get_by_role("tab", name=re.compile("Orpheus"))).to_have_count(1)
    lab.shot("lab-trial-banner")


def test_02_launcher_creates_a_claude_session_with_an_uploaded_file(lab: Lab) -> None:
    page = lab.page
    page.locator(".jp-LauncherCard[data-category='Orpheus']", has_text="Claude session").click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog.locator(".orpheus-SessionForm")).to_be_visible()
    page.get_by_label("Title").fill(TITLE)
    # A fresh user has no project yet: the form offers a new one.
    page.get_by_label("New project name").fill(PROJECT)
    page.get_by_label("Files to upload into the session folder").set_input_files(str(lab.state["csv"]))
    expect(dialog.locator(".orpheus-SessionForm-files")).to_contain_text("sales.csv")
    lab.shot("session-dialog")
    dialog.get_by_role("button", name="Create the session").click()
    terminal = page.locator(".orpheus-SessionTerminal")
    expect(terminal).to_be_visible()
    screen = terminal.locator(".xterm-accessibility")
    expect(page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=TITLE)).to_be_visible()
    # The real claude CLI starts in the session folder and waits for input ...
    expect(screen).to_contain_text("shortcuts", timeout=120_000)
    terminal.locator(".xterm").click()
    page.keyboard.type("What is in sales.csv?")
    page.keyboard.press("Enter")
    # ... and shows the model's answer, which came through the hub's gateway.
    expect(screen).to_contain_text(SESSION_REPLY, timeout=120_000)
    lab.shot("session-terminal")
    sessions = lab.api("GET", "orpheus/api/sessions").json()["sessions"]
    assert [(s["title"], s["project"], s["status"] != "terminated") for s in sessions] == [(TITLE, PROJECT, True)]
    lab.state["session"] = sessions[0]
    uploaded = lab.api("GET", f"api/contents/{sessions[0]['path']}/sales.csv")
    assert uploaded.status_code == 200
    assert uploaded.json()["content"] == CSV


def test_02b_a_refused_session_shows_the_servers_message_and_keeps_the_form(lab: Lab) -> None:
    page = lab.page
    bad = "../escape"
    before = [s["title"] for s in lab.api("GET", "orpheus/api/sessions").json()["sessions"]]
    answer = lab.api("POST", "orpheus/api/sessions", data={"title": "x", "project": bad})
    assert answer.status_code == 400
    message = answer.json()["message"]
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="Launcher").click()
    page.locator(".jp-LauncherCard[data-category='Orpheus']", has_text="Claude session").click()
    dialog = page.locator(".jp-Dialog")
    try:
        page.get_by_label("Title").fill("refused")
        page.get_by_label("Project", exact=True).select_option(label="New project…")
        page.get_by_label("New project name").fill(bad)
        dialog.get_by_role("button", name="Create the session").click()
        # The 4xx reason, exactly as the server wrote it, in a Lab notification ...
        toast = page.locator(".jp-Notification-Toast-error", has_text=message)
        expect(toast).to_be_visible()
        expect(toast).to_be_in_viewport(ratio=1)
        # ... and the form comes back with what the user typed.
        expect(page.get_by_label("New project name")).to_have_value(bad)
        lab.shot("session-refused-message")
    finally:
        if dialog.count():
            dialog.get_by_role("button", name="Cancel").click()
    sessions = lab.api("GET", "orpheus/api/sessions").json()["sessions"]
    assert [s["title"] for s in sessions] == before  # nothing was created


def test_03_side_panel_lists_the_session_and_renames_it(lab: Lab) -> None:
    session = prereq.session(lab)
    page = lab.page
    panel = project_in_panel(lab)
    row = panel.locator(f"[data-session='{session['id']}']")
    expect(row).to_contain_text(session["title"])
    expect(row.locator(".orpheus-Dot")).to_have_class(re.compile("orpheus-mod-running"))
    row.hover()  # a narrow panel shows a row's buttons on hover (or keyboard focus)
    row.get_by_role("button", name=f"Rename {session['title']}").click()
    field = page.locator(".jp-Dialog input")
    field.fill(RENAMED)
    page.locator(".jp-Dialog").get_by_role("button", name="Rename").click()
    expect(row).to_contain_text(RENAMED)
    expect(page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=RENAMED)).to_be_visible()
    lab.shot("panel-renamed")
    assert lab.api("GET", f"orpheus/api/sessions/{session['id']}").json()["title"] == RENAMED


def test_04_share_the_session_and_open_the_link_without_cookies(lab: Lab, browser: Browser) -> None:
    session = prereq.session(lab)
    title = lab.api("GET", f"orpheus/api/sessions/{session['id']}").json()["title"]
    page = lab.page
    row = project_in_panel(lab).locator(f"[data-session='{session['id']}']")
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
    page.locator(".jp-Dialog").get_by_role("button", name="Done").click()

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


def test_05_upload_and_analyze_a_csv_with_progress(lab: Lab) -> None:
    page = lab.page
    panel = project_in_panel(lab)
    with page.expect_file_chooser() as chooser:
        panel.get_by_role("button", name=f"Upload data files to {PROJECT}").click()
    chooser.value.set_files(str(lab.state["csv"]))
    expect(panel.get_by_role("button", name=re.compile(r"^sales\.csv"))).to_be_visible()
    panel.get_by_role("button", name=f"Analyze the data of {PROJECT}").click()
    progress = panel.locator(f"[data-progress='{PROJECT}']")
    expect(progress).to_contain_text("100 %", timeout=120_000)
    assert progress.locator("progress").get_attribute("value") == "100"
    lab.shot("analysis-progress")
    view = page.locator(".orpheus-AnalysisView")
    expect(view).to_contain_text(f"Analysis of {PROJECT}")
    expect(view).to_contain_text("sales.csv")
    expect(view.locator(".orpheus-Charts li").first).to_be_visible()
    lab.shot("analysis-view")


def test_05b_data_studio_card_creates_a_project_uploads_and_analyzes(lab: Lab) -> None:
    page = lab.page
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="Launcher").click()
    page.locator(".jp-LauncherCard[data-category='Orpheus']", has_text="Data Studio").click()
    dialog = page.locator(".jp-Dialog")
    dialog.locator("input").fill("E2E Studio")
    with page.expect_file_chooser() as chooser:
        dialog.get_by_role("button", name="OK").click()
    chooser.value.set_files(str(lab.state["csv"]))
    progress = page.locator("#orpheus-panel [data-progress='e2e-studio']")
    expect(progress).to_contain_text("100 %", timeout=120_000)
    expect(page.locator(".orpheus-AnalysisView", has_text="Analysis of e2e-studio")).to_be_visible()
    lab.shot("data-studio-card")
    names = [p["name"] for p in lab.api("GET", "orpheus/api/projects").json()["projects"]]
    assert "e2e-studio" in names


def test_06_generate_a_dashboard_and_open_it_as_voila(lab: Lab) -> None:
    prereq.analysed(lab)
    panel = project_in_panel(lab)
    panel.get_by_role("button", name=f"Generate a dashboard for {PROJECT}").click()
    row = panel.locator("[data-dashboard]").first
    expect(row).to_be_visible(timeout=120_000)
    lab.shot("dashboard-generated")
    with lab.context.expect_page(timeout=60_000) as opened:
        row.locator(".orpheus-Row-main").click()
    voila = opened.value
    console: list[str] = []
    voila.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    assert "/voila/render/" in voila.url
    try:
        voila.locator(".js-plotly-plot").first.wait_for(timeout=240_000)
    except Exception:
        text = voila.evaluate("document.body ? document.body.innerText.slice(0, 2000) : ''")
        raise AssertionError(
            f"no plotly figure at {voila.url}; page text:\n{text}\nconsole:\n" + "\n".join(console[-30:])
        ) from None
    assert voila.locator(".js-plotly-plot").count() >= 1
    lab.shot("voila-dashboard", voila)
    voila.close()


def test_07_dark_theme(lab: Lab) -> None:
    session = prereq.session(lab)
    title = lab.api("GET", f"orpheus/api/sessions/{session['id']}").json()["title"]
    tab = lab.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=title)
    if not tab.count():  # run alone: open the session's terminal first, so there is a tab to restore
        row = project_in_panel(lab).locator(f"[data-session='{session['id']}']")
        row.locator(".orpheus-Row-main").click()
        expect(tab).to_be_visible()
    r = lab.api(
        "PUT",
        "lab/api/settings/@jupyterlab/apputils-extension:themes",
        data=json.dumps({"raw": json.dumps({"theme": "JupyterLab Dark"})}),
    )
    assert r.status_code in (200, 204), r.text
    page = lab.page
    page.reload()
    page.locator("#jupyterlab-splash").wait_for(state="detached")  # layout restored
    expect(page.locator("body")).to_have_attribute("data-jp-theme-light", "false")
    panel = show_panel(page)
    expect(panel.get_by_role("button", name=re.compile(PROJECT))).to_be_visible()
    # The restored terminal tab is named after its session again.
    expect(page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=title)).to_be_visible()
    lab.shot("dark-theme-panel")


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
    page.locator(".jp-Dialog").get_by_role("button", name="Done").click()
    kinds = {(s["kind"], s["target"]) for s in lab.api("GET", "orpheus/api/shares").json()["shares"]}
    assert ("notebook", path) in kinds


def test_09_revoke_from_my_shares(lab: Lab) -> None:
    if "notebook_url" not in lab.state:  # run alone: share the notebook through the API
        prereq.notebook_share(lab, write_notebook(lab))
    page = lab.page
    assert requests.get(lab.state["notebook_url"], timeout=30).status_code == 200
    show_panel(page).get_by_role("button", name="My shares").click()
    dialog = page.locator(".jp-Dialog")
    dialog.get_by_role("button", name="Revoke the link to findings.ipynb").click()
    expect(dialog.locator(".orpheus-SharesList")).not_to_contain_text("findings.ipynb")
    for other in lab.api("GET", "orpheus/api/shares").json()["shares"]:  # the other links stay listed
        expect(dialog.locator(".orpheus-SharesList")).to_contain_text(other["title"])
    lab.shot("my-shares-revoked")
    dialog.get_by_role("button", name="Close").click()
    assert requests.get(lab.state["notebook_url"], timeout=30).status_code == 404


def test_10_share_a_file_from_the_file_browser_menu(lab: Lab) -> None:
    prereq.project(lab)
    page = lab.page
    page.get_by_role("tab", name=re.compile("File Browser")).click()
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
    page.locator(".jp-Dialog").get_by_role("button", name="Done").click()
    shares = lab.api("GET", "orpheus/api/shares").json()["shares"]
    assert ("file", f"projects/{PROJECT}/data/sales.csv") in {(s["kind"], s["target"]) for s in shares}


def test_11_render_the_starter_video_from_the_panel(lab: Lab) -> None:
    prereq.project(lab)
    r = lab.api("POST", f"orpheus/api/projects/{PROJECT}/video", data="{}")
    assert r.status_code in (200, 201), r.text
    page = lab.page
    panel = project_in_panel(lab)
    quality = panel.get_by_role("combobox", name="Render quality of scene starter")
    try:
        expect(quality).to_be_visible(timeout=30_000)
    except AssertionError:
        lab.shot("video-debug")
        raise AssertionError(panel.inner_text()) from None
    quality.select_option("low")
    panel.get_by_role("button", name="Render scene starter").click()
    progress = panel.locator(f"[data-render='{PROJECT}/starter']")
    expect(progress.get_by_role("status")).to_contain_text(
        re.compile(r"100 % Rendered starter-.*\.mp4"), timeout=180_000
    )
    video = page.locator(".orpheus-Video video")
    expect(video).to_be_visible()
    page.wait_for_function("() => document.querySelector('.orpheus-Video video')?.readyState >= 1", timeout=60_000)
    lab.shot("video-rendered")
    files = [v["file"] for v in lab.api("GET", f"orpheus/api/projects/{PROJECT}/video/renders").json()]
    assert any(f.startswith("starter-") for f in files), files
    expect(panel.get_by_role("button", name=re.compile(r"^starter-.*\.mp4"))).to_be_visible(timeout=30_000)


def test_12_chat_with_data_answers_from_code_run_in_a_kernel(lab: Lab, model: Model) -> None:
    prereq.project(lab)
    assert lab.api("GET", "orpheus/api/llm").json()["enabled"] is True
    page = lab.page
    panel = project_in_panel(lab)
    panel.get_by_role("button", name=f"Chat with the data of {PROJECT}").click()
    chat = page.locator(".orpheus-Chat")
    expect(chat).to_be_visible()
    expect(chat.get_by_role("button", name="Export as notebook")).to_be_disabled()
    box = chat.get_by_role("textbox", name=f"Ask a question about the data of {PROJECT}")
    box.fill("How many rows are there?")
    box.press("Enter")
    expect(chat.locator(".orpheus-Chat-turn.orpheus-mod-user")).to_contain_text("How many rows are there?")
    answer = chat.locator(".orpheus-Chat-turn.orpheus-mod-assistant").last
    # The fake model answers with the number the kernel printed: right only if the code ran on the file.
    expect(answer).to_contain_text(f"The sales file has {ROWS} rows.", timeout=120_000)
    expect(answer).to_contain_text("pd.read_csv")  # the code it ran, shown in the transcript
    expect(chat.get_by_role("button", name="Export as notebook")).to_be_enabled()
    sent = model.chat_requests()
    assert len(sent) >= 2
    assert "How many rows are there?" in json.dumps(sent[0]["messages"])
    lab.shot("chat-answer")


def test_13_change_a_dashboard_in_words(lab: Lab, model: Model) -> None:
    board = prereq.dashboard(lab)
    spec = lab.api("GET", f"orpheus/api/projects/{PROJECT}/dashboards/{board['id']}").json()["spec"]
    chart = next(w for w in spec["widgets"] if w.get("type") == "chart")
    kind = "bar" if chart.get("kind") != "bar" else "line"
    model.edit = {"widget_id": chart["id"], "changes": {"kind": kind}}
    panel = project_in_panel(lab)
    row = panel.locator(f"[data-dashboard='{board['id']}']")
    title = row.locator(".orpheus-Row-label").inner_text()
    row.get_by_role("button", name=f"Change {title} in words").click()
    box = row.get_by_role("textbox", name=f"Describe a change to {title}")
    expect(box).to_be_focused()
    box.fill(f"Make the first chart a {kind} chart")
    box.press("Enter")
    edit = row.locator(".orpheus-Edit")
    expect(edit.get_by_role("log", name="Edit progress")).to_be_visible()
    expect(edit.locator(".orpheus-Edit-text").first).to_contain_text("Changed as asked.", timeout=120_000)
    expect(edit.locator("[role=alert]")).to_have_count(0)
    after = lab.api("GET", f"orpheus/api/projects/{PROJECT}/dashboards/{board['id']}").json()["spec"]
    assert next(w for w in after["widgets"] if w["id"] == chart["id"])["kind"] == kind
    assert after["version"] == spec["version"] + 1
    lab.shot("dashboard-edit")
