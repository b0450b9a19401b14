"""A real hub (share service included) whose user servers run a stand-in ``claude``, and Chromium."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, sync_playwright

from tests.harness.hub import Hub, make_hub
from tests.harness.ports import free_port

from .lab import CSV, PASSWORD, USER, Lab

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "labextension"
BUILT = REPO / "labextension_py" / "orpheus_lab" / "labextension"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
STANDIN_MARK = "ORPHEUS-STANDIN-OK"

# The stand-in ``claude``: says where it runs and which files it was given, then echoes lines.
STANDIN = f"""#!{sys.executable}
import os, sys
print("{STANDIN_MARK} files=" + ",".join(sorted(f for f in os.listdir(".") if not f.startswith("."))), flush=True)
for line in sys.stdin:
    print("ECHO: " + line.strip(), flush=True)
"""


@pytest.fixture(autouse=True)
def jp_asyncio_loop() -> None:
    """pytest-jupyter's autouse loop fixture would close the loop Playwright's sync API runs."""


@pytest.fixture(autouse=True)
def jp_server_cleanup() -> None:
    """No in-process Jupyter server here (the hub runs the user's), so nothing to clean up."""


@pytest.fixture(scope="package")
def standin_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding an executable ``claude`` stand-in, to put first on PATH."""
    folder = Path(tmp_path_factory.mktemp("standin-bin"))
    folder.chmod(0o755)  # bound read-only into each user's sandbox, readable by their uid
    script = folder / "claude"
    script.write_text(STANDIN)
    script.chmod(0o755)
    return folder


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


@pytest.fixture(scope="package")
def built_extension(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Jupyter data folder whose ``labextensions/orpheus-lab`` is this checkout's build.

    Put first on ``JUPYTER_PATH``, it wins over a copy installed in the venv, so the
    browser runs the front end as built from these sources. Without a build the tests
    would exercise whatever copy happens to be installed: they fail instead.
    """
    if not (BUILT / "package.json").is_file():
        pytest.fail(f"the lab extension is not built ({BUILT / 'package.json'} is missing): "
                    "run `make install` (or `jlpm build` in labextension_py) first", pytrace=False)
    folder = Path(tmp_path_factory.mktemp("jupyter-data"))
    folder.chmod(0o755)  # bound read-only into each user's sandbox, readable by their uid
    (folder / "labextensions").mkdir()
    (folder / "labextensions" / "orpheus-lab").symlink_to(BUILT, target_is_directory=True)
    return folder


@pytest.fixture(scope="package")
def lab_hub(tmp_path_factory: pytest.TempPathFactory, standin_bin: Path, built_extension: Path) -> Iterator[Hub]:
    """The Orpheus hub with its share service; user servers find the stand-in first on PATH."""
    env = {"ORPHEUS_SHARE_PORT": str(free_port()), "ORPHEUS_LLM_PORT": str(free_port())}
    # The hub config puts the venv and the repo's node bin (the real CLI) first; go before them.
    path = os.pathsep.join([str(standin_bin), str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    jupyter_path = [str(built_extension), *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))]
    spawner_env = {"PATH": path, "JUPYTER_PATH": os.pathsep.join(jupyter_path)}
    # The sandbox shows user servers only the runtime: bind the stand-in and the build too.
    extra_ro = [str(standin_bin), str(built_extension)]
    extra = (f"c.Spawner.environment.update({spawner_env!r})\n"
             f"c.SandboxSpawner.extra_runtime_paths = {extra_ro!r}")
    hub = make_hub(Path(tmp_path_factory.mktemp("lab-hub")), env=env, extra_config=extra)
    hub.start()
    try:
        wait_for_share_service(hub)
        yield hub
    finally:
        hub.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (no downloaded browser)."""
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="package")
def artifacts() -> Path:
    """Where the step screenshots go (``test-artifacts/labextension/``)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def lab(lab_hub: Hub, browser: Browser, artifacts: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """Sign up in the browser and wait for JupyterLab to load in the user's own server."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{lab_hub.url}/hub/signup")
    page.fill("#username_input", USER)
    page.fill("#email_input", f"{USER}@example.org")
    page.fill("#password_input", PASSWORD)
    page.click("#signup_submit")
    page.wait_for_url(re.compile(rf"/user/{USER}/lab"), timeout=180_000)
    r = lab_hub.api("POST", f"/users/{USER}/tokens", json={"note": "e2e checks"})
    assert r.status_code in (200, 201), r.text
    base = f"{lab_hub.url}/user/{USER}/"
    state = Lab(lab_hub, context, page, base, r.json()["token"], artifacts)
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
    data = tmp_path_factory.mktemp("e2e-files")
    (data / "sales.csv").write_text(CSV)
    state.state["csv"] = data / "sales.csv"
    try:
        yield state
    finally:
        context.close()
