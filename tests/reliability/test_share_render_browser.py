"""Issue 14 item 1: a shared dashboard (Data Studio's static export, plotly inlined) and a
shared notebook render in real headless Chromium, anonymously, with no CSP violation.

Each test runs alone. The dashboard made from the Lab's own side panel is checked the
same way in ``tests/labextension/test_lab_e2e_data.py``; screenshots go to
``test-artifacts/labextension/``."""

from __future__ import annotations

import json
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, sync_playwright

from orpheus.datastudio.dashboards.static import render_html
from tests.browser import launch
from tests.hub.share.content import tar_bytes
from tests.labextension.lab import drawn_traces, screenshot, watch_console
from tests.server_extension.datastudio import datasets
from tests.server_extension.datastudio.specs import EXPECTED_TRACES, trial_spec

from .share_gateway_stack import Stack, stack_fixture

pytestmark = [pytest.mark.slow]

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
        b = launch(p)
        yield b
        b.close()


def watch(page: Page) -> list[str]:
    """Console errors (CSP violations among them), page errors, failed requests, and any
    request leaving the machine (a CDN the CSP would block)."""
    problems = watch_console(page)
    page.on("request", lambda req: None if req.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else problems.append(f"remote request: {req.url}"))
    return problems


def share(stack: Stack, kind: str, entries: list[tarfile.TarInfo | tuple[str, bytes]]) -> str:
    """The public URL of a new share of ``kind`` holding ``entries``."""
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
    page.frame_locator("iframe.share-frame").locator(".orpheus-plot").first.wait_for(timeout=60_000)
    frame = next(f for f in page.frames if f.url.endswith("/render"))
    traces = drawn_traces(frame, set(EXPECTED_TRACES))
    screenshot(page, "shared-dashboard", full_page=True)
    assert set(traces) == set(EXPECTED_TRACES)
    assert {w: n for w, n in traces.items() if n == 0} == {}, traces  # every chart drew a trace
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
