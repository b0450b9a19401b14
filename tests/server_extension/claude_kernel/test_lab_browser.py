"""JupyterLab in Chromium with a Claude notebook: a question typed in a cell gets its answer
rendered as Markdown, proposed code lands in a new cell below (not run), a second
question carries the first turn, and the proposed cell run in the Claude kernel is
neither executed nor sent. Screenshots go to ``test-artifacts/claude-kernel/``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect, sync_playwright

from tests.browser import ARTIFACTS as SCREENSHOTS
from tests.browser import launch
from tests.fakes.base import Reply
from tests.harness.ports import free_port

from .helpers import GATEWAY_TOKEN, HUB_TOKEN, FakeGateway, notebook

pytestmark = pytest.mark.slow

ARTIFACTS = SCREENSHOTS / "claude-kernel"
LAB_TOKEN = "lab-token-for-the-browser-test"


@pytest.fixture(autouse=True)
def jp_asyncio_loop() -> None:
    """pytest-jupyter's autouse loop fixture would close the loop Playwright's sync API runs."""


@pytest.fixture(autouse=True)
def jp_server_cleanup() -> None:
    """No in-process Jupyter server here."""


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[str, Path, FakeGateway]]:
    """``jupyter lab`` on a free port, its Claude kernels aimed at the fake gateway."""
    root = tmp_path / "root"
    root.mkdir()
    port = free_port()
    with FakeGateway() as gateway:
        env = {**os.environ, "JUPYTERHUB_API_TOKEN": HUB_TOKEN, "JUPYTER_PLATFORM_DIRS": "1"}
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
               "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={LAB_TOKEN}",
               f"--ServerApp.root_dir={root}", f"--ClaudeKernelProvisioner.gateway_url={gateway.gateway}",
               "--ClaudeKernelProvisioner.model=claude-test"]
        log = (tmp_path / "lab.log").open("wb")
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(url, proc, tmp_path / "lab.log")
            yield url, root, gateway
        finally:
            proc.terminate()
            proc.wait(30)
            log.close()


def wait_for(url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float = 90) -> None:
    """Return once the server answers; fail with its log if it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            if requests.get(f"{url}/api/status", params={"token": LAB_TOKEN}, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    pytest.fail(f"jupyter lab did not start:\n{log.read_text()[-3000:]}", pytrace=False)


def ask(page: Page, index: int, text: str) -> None:
    """Type ``text`` into cell ``index`` and run it with Shift-Enter."""
    editor = page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".cm-content")
    editor.click()
    page.keyboard.type(text)
    page.keyboard.press("Shift+Enter")


def cell(page: Page, index: int) -> object:
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def test_claude_notebook_in_jupyterlab(lab: tuple[str, Path, FakeGateway]) -> None:
    url, root, gateway = lab
    side_effect = root / "ran.txt"
    notebook(root / "talk.ipynb", [("q1", "", [])])
    code = f"open({str(side_effect)!r}, 'w').write('ran')"
    gateway.enqueue(Reply(text=f"Arm **B** is larger.\n\n```python\n{code}\n```\n", chunk_delay=0.1),
                    Reply(text="Because of the *6:5* randomisation."))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=60_000)
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(60_000)
        page.goto(f"{url}/lab/tree/talk.ipynb?token={LAB_TOKEN}")
        expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_be_visible()
        expect(page.get_by_text("Claude", exact=True).first).to_be_visible()  # the kernel name
        ask(page, 0, "Which arm is larger?")
        answer = page.locator(".jp-Notebook .jp-Cell").nth(0).locator(".jp-RenderedMarkdown strong")
        expect(answer).to_have_text("B")
        proposal = page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".cm-content")
        expect(proposal).to_contain_text("# Proposed by Claude")
        expect(proposal).to_contain_text(code)
        page.screenshot(path=str(ARTIFACTS / "claude-answer-and-proposed-cell.png"))
        ask(page, 2, "Why?")
        expect(page.locator(".jp-Notebook .jp-Cell").nth(2).locator(".jp-RenderedMarkdown em")).to_have_text("6:5")
        page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".cm-content").click()
        page.keyboard.press("Shift+Enter")  # the proposed cell, run in the Claude kernel
        expect(page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".jp-OutputArea")).to_contain_text(
            "does not run code")
        page.screenshot(path=str(ARTIFACTS / "claude-second-turn.png"))
        browser.close()
    assert not side_effect.exists()
    calls = gateway.message_requests()
    assert len(calls) == 2
    assert all(c.credential() == GATEWAY_TOKEN for c in calls)
    assert calls[1].json["messages"] == [
        {"role": "user", "content": "Which arm is larger?"},
        {"role": "assistant", "content": f"Arm **B** is larger.\n\n```python\n{code}\n```\n"},
        {"role": "user", "content": "Why?"},
    ], json.dumps(calls[1].json["messages"])
