"""The Claude data analyst end to end: the REAL ``claude`` CLI (pinned in package.json) run
headless by ``POST .../analyst`` in a project with two related tables, against the local fake
Anthropic server scripted as an analyst (``tests/fakes/analyst.py``): it joins the tables in
Python, writes a notebook and a dashboard spec. The dashboard must be saved and render in the
real Voila (Chromium), the notebook must run again top to bottom, the events must come in
order; a second run resumes the conversation, and its invalid spec is refused, not saved."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbclient
import nbformat
import pytest
from jupyter_server.auth.identity import IdentityProvider, User

from orpheus.datastudio.dashboards.frames import format_kpi
from tests.browser import ARTIFACTS, launch
from tests.fakes.analyst import FINDINGS, JOINED, MISSING_COLUMN, SNEAKY, SPEC_FILE, AnalystScript
from tests.fakes.anthropic import FakeAnthropic, Reply

from . import datasets
from .test_analysis_api import SSE, parse_sse
from .test_voila_render import KPI_JS, TRACES_JS, jp_env_jupyter_path

REPO = Path(__file__).resolve().parents[3]
CLAUDE = REPO / "node_modules" / ".bin" / "claude"
TOKEN = "analyst-user-token-5c2"

__all__ = ["jp_env_jupyter_path"]  # the Voila test's fixture, used here too

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CLAUDE.exists(), reason="the claude CLI is installed by `make test` (npm ci)"),
]


@pytest.fixture
def script() -> AnalystScript:
    return AnalystScript(fallback=lambda request: Reply(text="side request"))


@pytest.fixture
def fake(script: AnalystScript) -> Iterator[FakeAnthropic]:
    upstream = FakeAnthropic(api_key=TOKEN, prefix="/services/llm/anthropic")
    upstream.responder = script
    upstream.start()
    yield upstream
    upstream.stop()


class OneUser(IdentityProvider):
    """Every token request is the same user (the stock provider makes up a new one each
    time): the analyst's conversation is per user and project."""

    def generate_anonymous_user(self, handler: Any) -> User:
        return User(username="analyst-tester")


@pytest.fixture
def jp_server_config(fake: FakeAnthropic, tmp_path: Path) -> dict[str, Any]:
    """orpheus and voila; Claude runs as a session would: the real CLI, a test HOME, the fake."""
    home = tmp_path / "home"
    home.mkdir()
    return {
        "ServerApp": {"jpserver_extensions": {"orpheus": True, "voila": True},
                      "identity_provider_class": OneUser},
        "ClaudeSessionManager": {"claude_command": [str(CLAUDE)], "home_dir": str(home),
                                 "anthropic_base_url": fake.url, "anthropic_auth_token": TOKEN,
                                 "reap_interval": 3600.0},
    }


async def analysed_project(jp_fetch: Any, root: Path) -> Path:
    await jp_fetch("orpheus", "api", "projects", method="POST", body=json.dumps({"name": "shop"}))
    folder = root / "projects" / "shop"
    datasets.orders_and_customers(folder / "data")
    await jp_fetch("orpheus", "api", "projects", "shop", "analyze", method="POST", body="{}")
    return folder


async def ask(jp_fetch: Any, request: str) -> list[tuple[str, dict[str, Any]]]:
    r = await jp_fetch("orpheus", "api", "projects", "shop", "analyst", method="POST", headers=dict(SSE),
                       body=json.dumps({"request": request}), request_timeout=600, raise_error=False)
    assert r.headers["Content-Type"].startswith("text/event-stream"), (r.code, r.body)
    return parse_sse(r.body)


def rerun(notebook: Path, folder: Path) -> Any:
    """Execute the notebook again, as a user would (Restart and run all)."""
    nb = nbformat.read(str(notebook), as_version=4)  # type: ignore[no-untyped-call]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def check_first_run_events(events: list[tuple[str, dict[str, Any]]]) -> None:
    """Claude's work (Python, notebook, spec, check), then the dashboard, the notebook, complete."""
    names = [e for e, _ in events]
    assert (names[0], names[-1]) == ("status", "complete"), names
    assert [n for n in names if n in ("tool", "result")][:2] == ["tool", "result"]
    tools = [d["name"] for e, d in events if e == "tool"]
    assert tools == ["Bash", "Write", "Write", "Bash"], tools
    python_ran = next(d for e, d in events if e == "result" and d.get("kind") == "tool")
    assert "JOINED 500 REGIONS 4" in python_ran["output"]
    check = [d for e, d in events if e == "result" and d.get("kind") == "tool"][-1]
    assert check["output"].strip().startswith("OK "), check  # the derived table checked before analysis
    assert any(e == "text" and FINDINGS in d["text"] for e, d in events)
    assert "error" not in names, [d for e, d in events if e == "error"]
    # order: Claude's work, then the dashboards, then the notebook, then complete
    dash = names.index("result", names.index("status", 1 + max(i for i, n in enumerate(names) if n == "tool")))
    notebook_event = next(i for i, (e, d) in enumerate(events) if e == "result" and d.get("kind") == "notebook")
    assert events[dash][1]["kind"] == "dashboard"
    assert dash < notebook_event < len(events) - 1


@pytest.mark.timeout(600)
async def test_claude_writes_a_dashboard_that_renders_and_a_notebook_that_runs(  # type: ignore[no-untyped-def]
    jp_fetch, jp_root_dir, jp_serverapp, jp_http_port, fake, script
):
    assert shutil.which("node"), "the claude CLI needs node"
    folder = await analysed_project(jp_fetch, jp_root_dir)
    events = await ask(jp_fetch, "Which regions bring the most revenue?")
    check_first_run_events(events)
    summary = events[-1][1]
    assert summary["status"] == "complete"
    assert summary["refused"] == []
    assert not summary["resumed"]
    assert summary["answer"] == FINDINGS
    [saved] = summary["dashboards"]
    assert saved["file"] == SPEC_FILE
    r = await jp_fetch("orpheus", "api", "projects", "shop", "dashboards", saved["id"])
    model = json.loads(r.body)
    assert model["spec"]["data_source"]["file"] == JOINED  # the join Claude made, analysed after the run
    assert summary["notebook"]["executed"]
    assert summary["notebook"]["cells"] == 3
    notebook = jp_root_dir / summary["notebook"]["path"]
    nb = rerun(notebook, folder)
    printed = [o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert "REGIONS 4\n" in printed
    assert (folder / ".analysis" / "context.md").read_text().count("## Run of ") == 1
    assert (folder / "CLAUDE.md").is_file()
    assert all(r.credential() == TOKEN for r in fake.model_requests())

    r = await jp_fetch("orpheus", "api", "projects", "shop", "analyst")
    last = json.loads(r.body)
    assert last["running"] is False
    assert last["last_run"]["dashboards"] == summary["dashboards"]
    await render_in_voila(jp_fetch, jp_serverapp, jp_http_port, model, folder)


async def render_in_voila(jp_fetch: Any, serverapp: Any, port: int, model: dict[str, Any], folder: Path) -> None:
    """The saved dashboard in the real Voila and Chromium: both charts drawn, the KPIs right."""
    from playwright.async_api import async_playwright

    r = await jp_fetch("voila", "render", *model["notebook"].split("/"), request_timeout=300)
    assert '"ename"' not in r.body.decode()  # no cell raised
    import pandas as pd

    joined = pd.read_csv(folder / "data" / JOINED)
    url = f"http://127.0.0.1:{port}{model['render_url']}?token={serverapp.identity_provider.token}"
    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as pw:
        browser = await launch(pw)
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 1100})
            console: list[str] = []
            page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
            await page.goto(url, timeout=120_000)
            try:
                await page.wait_for_function(f"Object.keys(({TRACES_JS})()).length >= 2", timeout=180_000)
            except Exception:
                await page.screenshot(path=str(ARTIFACTS / "analyst-dashboard-failed.png"), full_page=True)
                raise AssertionError("no plotly figures; browser console:\n" + "\n".join(console[-30:])) from None
            assert await page.evaluate(TRACES_JS) == {"by-region": 1, "amounts": 1}
            kpis = await page.evaluate(KPI_JS)
            assert kpis[0] == f"{len(joined):,}"
            assert kpis[1] == format_kpi({"format": "currency"}, float(joined["amount"].sum()))
            await page.screenshot(path=str(ARTIFACTS / "analyst-dashboard.png"), full_page=True)
        finally:
            await browser.close()


@pytest.mark.timeout(600)
async def test_second_run_resumes_and_an_invalid_spec_is_refused(  # type: ignore[no-untyped-def]
    jp_fetch, jp_root_dir, fake, script
):
    folder = await analysed_project(jp_fetch, jp_root_dir)
    first = await ask(jp_fetch, "FIRST-REQUEST: which regions matter?")
    assert first[-1][0] == "complete"
    assert len(first[-1][1]["dashboards"]) == 1
    asked_before = len(script.requests)
    script.invalid = True
    script.sneak = True
    events = await ask(jp_fetch, "SECOND-REQUEST: add revenue totals")
    summary = events[-1][1]
    assert events[-1][0] == "complete"
    assert summary["resumed"] is True
    assert summary["conversation_id"] == first[-1][1]["conversation_id"]
    # Claude resumed the same conversation: its first request of run 2 carries run 1's turns
    resumed = json.dumps(script.requests[asked_before]["messages"])
    assert "FIRST-REQUEST" in resumed
    assert "SECOND-REQUEST" in resumed
    refused = [d for e, d in events if e == "error" and d.get("kind") == "dashboard"]
    assert [r["field"] for r in refused] == ["widgets[3].encoding.y"]
    assert refused[0]["message"].startswith("widgets[3].encoding.y:")
    assert MISSING_COLUMN in refused[0]["message"]
    assert [{"kind": "dashboard", **r} for r in summary["refused"]] == refused
    assert summary["dashboards"] == []
    check = [d for e, d in events if e == "result" and d.get("kind") == "tool"][-1]
    assert "widgets[3].encoding.y" in check["output"]  # the check command told Claude too
    r = await jp_fetch("orpheus", "api", "projects", "shop", "dashboards")
    assert len(json.loads(r.body)["dashboards"]) == 1  # only run 1's dashboard: nothing saved
    assert len(list((folder / "dashboards").glob("*.json"))) == 1
    denied = next(d for e, d in events if e == "result" and d.get("kind") == "tool")
    assert denied["is_error"] is True  # the saved dashboards are not Claude's to write
    assert "denied" in denied["output"]
    assert not (folder / "dashboards" / SNEAKY).exists()
    context = (folder / ".analysis" / "context.md").read_text()
    assert context.count("## Run of ") == 2
    assert "SECOND-REQUEST" in context
    assert "refused" in context
    state = json.loads((folder / ".analysis" / "analyst" / "state.json").read_text())
    assert state == {"conversation_id": summary["conversation_id"], "runs": 2}


def processes_in(folder: Path) -> list[int]:
    """Processes whose working folder is ``folder`` (claude and the tools it started)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and Path(proc / "cwd").resolve() == folder.resolve():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


async def until(predicate: Any, what: str, timeout: float = 60.0) -> None:
    """Wait for ``predicate()`` (polled), failing with ``what``."""
    import asyncio

    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not await predicate():
        assert loop.time() < end, what
        await asyncio.sleep(0.2)


async def last_run(jp_fetch: Any) -> dict[str, Any]:
    r = await jp_fetch("orpheus", "api", "projects", "shop", "analyst")
    doc: dict[str, Any] = json.loads(r.body)
    return doc


@pytest.mark.timeout(300)
async def test_one_run_at_a_time_and_delete_stops_claude(jp_fetch, jp_root_dir, script) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    folder = await analysed_project(jp_fetch, jp_root_dir)
    script.delay = 30.0  # the model "thinks" long enough to be caught
    first = asyncio.ensure_future(ask(jp_fetch, "A slow question"))
    await until(lambda: asyncio.sleep(0, bool(script.requests)), "claude never asked the model")
    assert processes_in(folder), "no claude process runs in the project folder"
    assert (await last_run(jp_fetch))["running"] is True
    r = await jp_fetch("orpheus", "api", "projects", "shop", "analyst", method="POST", raise_error=False,
                       body=json.dumps({"request": "Another one"}))
    assert r.code == 409
    assert "already analysing this project" in json.loads(r.body)["message"]
    r = await jp_fetch("orpheus", "api", "projects", "shop", "analyst", method="DELETE")
    assert r.code == 204
    events = await asyncio.wait_for(first, 60)
    assert events[-1] == ("error", {"message": "the run was cancelled", "status": 409, "fatal": True})
    assert "complete" not in [e for e, _ in events]
    doc = await last_run(jp_fetch)
    assert doc["running"] is False
    assert doc["last_run"]["status"] == "cancelled"
    assert processes_in(folder) == []
    assert list((folder / "dashboards").glob("*.json")) == []


@pytest.mark.timeout(300)
async def test_a_client_that_leaves_stops_the_run(  # type: ignore[no-untyped-def]
    jp_fetch, jp_root_dir, jp_serverapp, jp_http_port, jp_base_url, script
):
    import asyncio

    folder = await analysed_project(jp_fetch, jp_root_dir)
    script.delay = 30.0
    body = json.dumps({"request": "Then I close the tab"}).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", jp_http_port)
    head = (f"POST {jp_base_url}orpheus/api/projects/shop/analyst HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: token {jp_serverapp.identity_provider.token}\r\n"
            f"Accept: text/event-stream\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    writer.write(head.encode() + body)
    await writer.drain()
    assert (await reader.readline()).startswith(b"HTTP/1.1 200")
    await until(lambda: asyncio.sleep(0, bool(script.requests)), "claude never asked the model")
    assert processes_in(folder)
    writer.close()  # the tab is closed mid-run
    await until(lambda: asyncio.sleep(0, not processes_in(folder)), "claude kept running after the client left")

    async def ended() -> bool:
        return (await last_run(jp_fetch))["running"] is False

    await until(ended, "the run was not marked as ended")
    assert (await last_run(jp_fetch))["last_run"]["status"] == "cancelled"
