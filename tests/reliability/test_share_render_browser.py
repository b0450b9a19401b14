"""Issue 14 item 1: a shared dashboard (Data Studio's static export, plotly inlined) and a
shared notebook render in real headless Chromium, anonymously, with no CSP violation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from orpheus.datastudio.dashboards.static import render_html
from tests.hub.share.content import tar_bytes
from tests.server_extension.datastudio import datasets
from tests.server_extension.datastudio.specs import EXPECTED_TRACES, trial_spec

from .share_gateway_stack import Stack, stack_fixture

pytestmark = [pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
RAN = "inline-output-script-ran"
NOTEBOOK = {
    "nbformat": 4, "nbformat_minor": 5, "metadata": {"language_info": {"name": "python"}},
    "cells": [{"cell_type": "markdown", "id": "m", "metadata": {}, "source": "# Sums\n\n$x^2$"},
              {"cell_type": "code", "id": "c", "metadata": {}, "execution_count": 1, "source": "show()",
               "outputs": [{"output_type": "display_data", "metadata": {}, "data": {
                   "text/html": f"<div id='out'></div><script>document.getElementById('out')"
                                f".textContent = '{RAN}';</script>", "text/plain": "<x>"}}]}],
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from stack_fixture(Path(tmp_path_factory.mktemp("sharerender")))


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


def watch(page: Page) -> list[str]:
    """Console errors (CSP violations among them), page errors and failed or remote requests."""
    problems: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error" or "Content Security Policy" in msg.text:
            problems.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url}"))
    page.on("request", lambda req: None if req.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else problems.append(f"remote request: {req.url}"))
    return problems


def share(stack: Stack, kind: str, entries: list[tuple[str, bytes]]) -> str:
    data = tar_bytes(entries)
    r = requests.post(stack.share + f"api/shares?kind={kind}&title=Shared+{kind}", data=data, timeout=60,
                      headers={"Authorization": f"token {stack.user('viewer')}",
                               "Content-Type": "application/x-tar"})
    assert r.status_code == 201, r.text
    return str(r.json()["url"])


def test_a_shared_dashboard_draws_every_chart(stack: Stack, browser: Browser, tmp_path: Path) -> None:
    spec = {**trial_spec(), "id": "trial"}
    html = render_html(spec, datasets.clinical_trial(tmp_path))
    url = share(stack, "dashboard", [("dashboard.json", json.dumps(spec).encode()),
                                     ("static.html", html.encode())])
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    problems = watch(page)
    page.goto(url)
    page.frame_locator("iframe.share-frame").locator(".orpheus-plot .main-svg").first.wait_for(timeout=60_000)
    frame = next(f for f in page.frames if f.url.endswith("/render"))
    traces = frame.evaluate("""() => Array.from(document.querySelectorAll('[data-widget]'))
        .filter(cell => cell.querySelector('.orpheus-plot'))
        .map(cell => [cell.dataset.widget, cell.querySelectorAll('.orpheus-plot svg g.trace').length])""")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reliability-share-dashboard.png"), full_page=True)
    assert {w for w, _ in traces} == set(EXPECTED_TRACES)
    assert all(n > 0 for _, n in traces), traces
    assert problems == []


def test_a_shared_notebook_runs_its_outputs_inside_the_sandbox_only(stack: Stack, browser: Browser) -> None:
    url = share(stack, "notebook", [("notebook.ipynb", json.dumps(NOTEBOOK).encode())])
    page = browser.new_context().new_page()
    problems = watch(page)
    page.goto(url)
    out = page.frame_locator("iframe.share-frame").locator("#out")
    out.wait_for(timeout=30_000)
    frame = next(f for f in page.frames if f.url.endswith("/render"))
    frame.wait_for_function(f"() => document.getElementById('out').textContent === '{RAN}'", timeout=30_000)
    assert frame.evaluate("self.origin") == "null"
    page.wait_for_load_state("networkidle")
    assert problems == []


def test_a_notebook_script_cannot_load_scripts_from_elsewhere(stack: Stack, browser: Browser) -> None:
    """Its own scripts run, but even one copying their attributes cannot fetch a remote script."""
    probe = ("<div id='probe'></div><script>var s = document.createElement('script');"
             "s.nonce = document.currentScript.nonce; s.src = 'http://127.0.0.2:9/track.js';"
             "s.onerror = function () { document.getElementById('probe').textContent = 'blocked'; };"
             "document.body.appendChild(s);</script>")
    nb = json.loads(json.dumps(NOTEBOOK))
    nb["cells"][1]["outputs"][0]["data"]["text/html"] += probe
    url = share(stack, "notebook", [("notebook.ipynb", json.dumps(nb).encode())])
    page = browser.new_context().new_page()
    outcome: list[str] = []  # why each attempt on the remote host ended
    page.on("requestfailed", lambda r: outcome.append(str(r.failure)) if "127.0.0.2" in r.url else None)
    page.on("requestfinished", lambda r: outcome.append("loaded") if "127.0.0.2" in r.url else None)
    page.goto(url)
    page.frame_locator("iframe.share-frame").locator("#out").wait_for(timeout=30_000)
    frame = next(f for f in page.frames if f.url.endswith("/render"))
    frame.wait_for_function(f"() => document.getElementById('out').textContent === '{RAN}'", timeout=30_000)
    frame.wait_for_function("() => document.getElementById('probe').textContent === 'blocked'", timeout=30_000)
    assert outcome == ["csp"]  # refused by the page's CSP, never sent
