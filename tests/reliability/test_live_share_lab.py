"""The Lab's share dialog offers a live link for a running session (Chromium, real hub with
this checkout's Lab build): the link it shows opens, anonymously, the live view."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.browser import launch
from tests.harness.hub import Hub
from tests.labextension.conftest import link_build, signed_up_lab, start_lab_hub
from tests.labextension.lab import Lab, project_in_panel

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def jp_asyncio_loop() -> None:
    """pytest-jupyter's autouse loop fixture would close the loop Playwright's sync API runs."""


@pytest.fixture(autouse=True)
def jp_server_cleanup() -> None:
    """No in-process Jupyter server here."""


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    data = link_build(Path(tmp_path_factory.mktemp("jupyter-data")))
    running = start_lab_hub(Path(tmp_path_factory.mktemp("live-lab-hub")), data, {"ANTHROPIC_API_KEY": ""})
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = launch(p)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def lab(hub: Hub, browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    with signed_up_lab(hub, browser, tmp_path_factory.mktemp("files"), prefix="live-") as state:
        yield state


def test_share_dialog_makes_a_live_link_for_a_running_session(lab: Lab, browser: Browser) -> None:
    r = lab.api("POST", "orpheus/api/projects", json={"name": "live-demo"})
    assert r.status_code == 201, r.text
    r = lab.api("POST", "orpheus/api/sessions", json={"title": "Watch this", "project": "live-demo"})
    assert r.status_code == 201, r.text
    session = r.json()
    page = lab.page
    row = project_in_panel(page, "live-demo").locator(f"[data-session='{session['id']}']")
    row.get_by_role("button", name="Share Watch this").click()
    dialog = page.locator(".jp-Dialog")
    what = dialog.get_by_label("Viewers see")
    expect(what).to_have_value("snapshot")
    what.select_option(label="Live (viewers watch as it happens)")
    lab.shot("share-dialog-live")
    dialog.get_by_role("button", name="Create a public link").click()
    url_box = page.locator(".orpheus-ShareResult-url")
    expect(url_box).to_be_visible()
    link = url_box.input_value()
    shares = lab.api("GET", "orpheus/api/shares").json()["shares"]
    assert [(s["kind"], s["target"]) for s in shares] == [("live", session["id"])]
    lab.shot("share-dialog-live-link")
    viewer = browser.new_context()  # no cookies: anonymous
    view = viewer.new_page()
    view.goto(link)
    expect(view.locator(".share-live")).to_be_visible()
    expect(view.locator("#player")).to_be_visible()
    viewer.close()
    page.locator(".jp-Dialog").get_by_role("button", name="Done").click()
    expect(page.locator(".jp-Dialog")).to_have_count(0)
