"""A real hub (share service, LLM gateway to a fake model) whose sessions run the real ``claude``, and Chromium."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, sync_playwright

from tests.browser import launch
from tests.fakes.anthropic import FakeAnthropic
from tests.harness.hub import Hub, make_hub
from tests.harness.ports import free_port

from .lab import ARTIFACTS, CSV, PASSWORD, SAVED, USER, Lab, dismiss_dialogs
from .model import Model

REPO = Path(__file__).resolve().parents[2]
BUILT = REPO / "labextension_py" / "orpheus_lab" / "labextension"
CLAUDE = REPO / "node_modules" / ".bin" / "claude"
OPERATOR_KEY = "sk-ant-e2e-operator-key"
E2E_TRIAL_TOKENS = 20_000_000


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say where the browser tests' step screenshots are."""
    if SAVED:
        terminalreporter.write_line(f"Orpheus e2e: {len(SAVED)} step screenshots saved in {ARTIFACTS}/")


@pytest.fixture(autouse=True)
def no_dialog_left(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test on a shared page, close a dialog it left open (a failure must not cascade)."""
    yield
    for name in ("lab", "off_lab"):
        if name in request.fixturenames:
            dismiss_dialogs(request.getfixturevalue(name).page)


@pytest.fixture(autouse=True)
def jp_asyncio_loop() -> None:
    """pytest-jupyter's autouse loop fixture would close the loop Playwright's sync API runs."""


@pytest.fixture(autouse=True)
def jp_server_cleanup() -> None:
    """No in-process Jupyter server here (the hub runs the user's), so nothing to clean up."""


def wait_for_share_service(hub: Hub, seconds: float = 60) -> None:
    """Return once the hub's share service answers its health check; fail saying so if never."""
    deadline = time.monotonic() + seconds
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            r = requests.get(f"{hub.url}/services/share/health", timeout=2)
        except requests.ConnectionError as e:
            last = f"connection error: {e}"
        else:
            if r.status_code == 200:
                return
            last = f"HTTP {r.status_code}"
        time.sleep(0.2)
    pytest.fail(f"the share service never became healthy within {seconds:.0f} s (last: {last}); "
                f"the hub log is {hub.log_path}", pytrace=False)


def link_build(folder: Path) -> Path:
    """``folder`` made a Jupyter data folder whose ``labextensions/orpheus-lab`` is this checkout's build.

    Put first on ``JUPYTER_PATH``, it wins over a copy installed in the venv, so the
    browser runs the front end as built from these sources. Without a build the tests
    would exercise whatever copy happens to be installed: they fail instead.
    """
    if not (BUILT / "package.json").is_file():
        pytest.fail(f"the lab extension is not built ({BUILT / 'package.json'} is missing): "
                    "run `make install` (or `jlpm build` in labextension_py) first", pytrace=False)
    folder.chmod(0o755)  # bound read-only into each user's sandbox, readable by their uid
    (folder / "labextensions").mkdir()
    (folder / "labextensions" / "orpheus-lab").symlink_to(BUILT, target_is_directory=True)
    return folder


@pytest.fixture(scope="package")
def built_extension(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Jupyter data folder holding this checkout's build (see :func:`link_build`)."""
    return link_build(Path(tmp_path_factory.mktemp("jupyter-data")))


@pytest.fixture(scope="package")
def model() -> Iterator[Model]:
    """The fake Anthropic upstream the hub's gateway forwards to, with the e2e's script."""
    fake = FakeAnthropic(api_key=OPERATOR_KEY)
    with fake:
        yield Model(fake)


def start_lab_hub(folder: Path, built_extension: Path, env: dict[str, str], extra_config: str = "") -> Hub:
    """The Orpheus hub with its share service, user servers loading this checkout's build
    (``extra_config``: more lines of hub configuration)."""
    env = {"ORPHEUS_SHARE_PORT": str(free_port()), "ORPHEUS_LLM_PORT": str(free_port()), **env}
    jupyter_path = [str(built_extension), *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))]
    spawner_env = {"JUPYTER_PATH": os.pathsep.join(jupyter_path)}
    # The sandbox shows user servers only the runtime: bind the build too.
    extra = (f"c.Spawner.environment.update({spawner_env!r})\n"
             f"c.SandboxSpawner.extra_runtime_paths = {[str(built_extension)]!r}\n{extra_config}")
    hub = make_hub(folder, env=env, extra_config=extra)
    hub.start()
    try:
        wait_for_share_service(hub)
    except BaseException:
        hub.stop()
        raise
    return hub


@pytest.fixture(scope="package")
def lab_hub(tmp_path_factory: pytest.TempPathFactory, built_extension: Path, model: Model) -> Iterator[Hub]:
    """The hub whose gateway reaches the fake model; sessions run the real ``claude`` CLI."""
    if not CLAUDE.exists():
        pytest.fail(f"the claude CLI is missing ({CLAUDE}): `make test` installs it", pytrace=False)
    folder = Path(tmp_path_factory.mktemp("lab-hub"))
    # The gateway counts the fake model's usage like a real one's, and every module here shares one
    # trial user: the default trial quota (200,000 tokens a day) runs out within one run of the folder.
    gateway_config = folder / "llm_config.py"
    gateway_config.write_text(f"c.QuotaPolicy.trial_tokens_per_day = {E2E_TRIAL_TOKENS}\n")
    env = {"ANTHROPIC_API_KEY": OPERATOR_KEY, "ANTHROPIC_BASE_URL": model.fake.url,
           "ORPHEUS_LLM_CONFIG": str(gateway_config)}
    hub = start_lab_hub(folder, built_extension, env)
    try:
        yield hub
    finally:
        hub.stop()


#: The shell access key of the no-key hub's user servers.
SHELL_KEY = "shell-key-" + "7" * 24


@pytest.fixture(scope="package")
def no_key_hub(tmp_path_factory: pytest.TempPathFactory, built_extension: Path) -> Iterator[Hub]:
    """The hub with no model key: its gateway, and so the Lab, say AI is off. Its user
    servers also hold a shell access key (:data:`SHELL_KEY`, for the shell-mode test)."""
    hub = start_lab_hub(Path(tmp_path_factory.mktemp("no-key-hub")), built_extension, {"ANTHROPIC_API_KEY": ""},
                        f"c.Spawner.args = ['--ClaudeSessionManager.shell_access_key={SHELL_KEY}']")
    try:
        yield hub
    finally:
        hub.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (no downloaded browser)."""
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@contextmanager
def signed_up_lab(hub: Hub, browser: Browser, files: Path, user: str = USER, prefix: str = "") -> Iterator[Lab]:
    """Sign ``user`` up in the browser and wait for JupyterLab to load in their own server."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{hub.url}/hub/signup")
    page.fill("#username_input", user)
    page.fill("#email_input", f"{user}@example.org")
    page.fill("#password_input", PASSWORD)
    page.click("#signup_submit")
    page.wait_for_url(re.compile(rf"/user/{user}/lab"), timeout=180_000)
    r = hub.api("POST", f"/users/{user}/tokens", json={"note": "e2e checks"})
    assert r.status_code in (200, 201), r.text
    state = Lab(hub, context, page, f"{hub.url}/user/{user}/", r.json()["token"], prefix=prefix)
    # Lab's terminal draws on a canvas; its screen-reader mode also keeps the text in the DOM.
    r = state.api("PUT", "lab/api/settings/@jupyterlab/terminal-extension:plugin",
                  data=json.dumps({"raw": json.dumps({"screenReaderMode": True})}))
    assert r.status_code in (200, 204), r.text
    # No "official Jupyter news?" toast over the screenshots (the machine is offline anyway).
    r = state.api("PUT", "lab/api/settings/@jupyterlab/apputils-extension:notification",
                  data=json.dumps({"raw": json.dumps({"fetchNews": "false"})}))
    assert r.status_code in (200, 204), r.text
    page.reload()
    page.locator("#jp-main-dock-panel").wait_for()
    page.locator("#jupyterlab-splash").wait_for(state="detached")
    (files / "sales.csv").write_text(CSV)
    state.state["csv"] = files / "sales.csv"
    try:
        yield state
    finally:
        context.close()


@pytest.fixture(scope="package")
def lab(lab_hub: Hub, browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """The signed-up user's Lab on the hub with a model (one user for every module here)."""
    with signed_up_lab(lab_hub, browser, tmp_path_factory.mktemp("e2e-files")) as state:
        yield state


@pytest.fixture(scope="package")
def off_lab(no_key_hub: Hub, browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """A new user's Lab on the hub without a model key."""
    with signed_up_lab(no_key_hub, browser, tmp_path_factory.mktemp("off-files"), prefix="no-key-") as state:
        yield state
