"""The Claude data analyst's refusals over HTTP (before any claude runs) and its pure parts:
Claude's stream-json lines as events, the memory between runs, staged specs saved or
refused, the check command. The real claude CLI runs in ``test_analyst_claude.py``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orpheus.datastudio.analysis.engine import analyze_folder
from orpheus.datastudio.analyst import check, outputs, prompt
from orpheus.datastudio.analyst.events import Transcript
from orpheus.datastudio.analyst.paths import conversation_id
from orpheus.datastudio.dashboards.store import DashboardStore
from tests.fakes.analyst import JOINED, MISSING_COLUMN, spec
from tests.fakes.llm_gateway import NO_KEY, FakeGateway

from . import datasets

TOKEN = "server-token-of-the-user"


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    with FakeGateway(api_key=TOKEN, configured=False) as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture
def jp_server_config(gateway: FakeGateway) -> dict[str, object]:
    """A hub whose LLM service has no model key (AI off)."""
    return {
        "ServerApp": {"jpserver_extensions": {"orpheus": True}},
        "LLMClient": {"gateway_url": gateway.url, "api_token": TOKEN, "status_cache_seconds": 0},
        "ClaudeSessionManager": {"llm_gateway_url": gateway.url, "anthropic_auth_token": ""},
    }


async def call(jp_fetch: Any, method: str = "POST", body: Any = None, project: str = "shop") -> tuple[int, Any]:
    kwargs: dict[str, Any] = {"method": method}
    if method == "POST":
        kwargs["body"] = body if isinstance(body, str) else json.dumps(body if body is not None else {})
    r = await jp_fetch("orpheus", "api", "projects", project, "analyst", raise_error=False, **kwargs)
    return r.code, json.loads(r.body) if r.body else None


async def new_project(jp_fetch: Any, root: Path, analyse: bool) -> Path:
    await jp_fetch("orpheus", "api", "projects", method="POST", body=json.dumps({"name": "shop"}))
    folder = root / "projects" / "shop"
    datasets.orders_and_customers(folder / "data")
    if analyse:
        await jp_fetch("orpheus", "api", "projects", "shop", "analyze", method="POST", body="{}")
    return folder


async def test_before_any_analysis_it_says_to_analyze_first(jp_fetch, jp_root_dir) -> None:  # type: ignore[no-untyped-def]
    await new_project(jp_fetch, jp_root_dir, analyse=False)
    code, body = await call(jp_fetch, body={"request": "Find the best customers"})
    assert code == 409
    assert "has not been analysed yet: analyze it first" in body["message"]


async def test_ai_off_is_refused_with_the_message_the_other_ai_features_show(  # type: ignore[no-untyped-def]
    jp_fetch, jp_root_dir
):
    await new_project(jp_fetch, jp_root_dir, analyse=True)
    code, body = await call(jp_fetch, body={"request": "Find the best customers"})
    status = json.loads((await jp_fetch("orpheus", "api", "llm")).body)
    assert code == 503
    assert body["message"] == status["message"] == NO_KEY
    assert not (jp_root_dir / "projects" / "shop" / ".analysis" / "analyst" / "last_run.json").exists()


@pytest.mark.parametrize(("body", "message"), [
    ({}, "request must be a non-empty string"),
    ({"request": "   "}, "request must be a non-empty string"),
    ({"request": "x", "mode": "fast"}, "unknown field(s): mode"),
    ("[1]", "request body must be a JSON object"),
])
async def test_bad_bodies_are_400_naming_the_problem(jp_fetch, jp_root_dir, body, message) -> None:  # type: ignore[no-untyped-def]
    await new_project(jp_fetch, jp_root_dir, analyse=True)
    code, answer = await call(jp_fetch, body=body)
    assert (code, answer["message"]) == (400, message)


async def test_nothing_to_show_or_cancel_before_a_run(jp_fetch, jp_root_dir) -> None:  # type: ignore[no-untyped-def]
    await new_project(jp_fetch, jp_root_dir, analyse=True)
    assert await call(jp_fetch, "GET") == (200, {"running": False, "last_run": None})
    code, body = await call(jp_fetch, "DELETE")
    assert code == 409
    assert "nothing to cancel" in body["message"]
    assert (await call(jp_fetch, "GET", project="nope"))[0] == 404


def test_claude_lines_become_the_data_studio_events() -> None:
    t = Transcript()
    lines = [
        {"type": "system", "subtype": "init", "session_id": "abc", "model": "m"},
        {"type": "assistant", "message": {"content": [
            {"type": "text", "text": "Joining."},
            {"type": "tool_use", "id": "t1", "name": "Write",
             "input": {"file_path": "/p/a.json", "content": "x" * 50}}]}},
        {"type": "user", "message": {"content": [
            {"type": "tool_result", "tool_use_id": "t1", "content": [{"type": "text", "text": "y" * 3000}]}]}},
        {"type": "result", "is_error": False, "result": "Done.", "num_turns": 2, "session_id": "abc"},
    ]
    events = [e for line in [*map(json.dumps, lines), "not json", "[1]"] for e in t.feed(line)]
    assert [e for e, _ in events] == ["status", "text", "tool", "result", "status"]
    assert events[0][1]["conversation_id"] == "abc"
    shown = {"file_path": "/p/a.json", "content": "(50 characters)"}
    assert events[2][1] == {"id": "t1", "name": "Write", "input": shown}
    assert events[3][1]["name"] == "Write"
    assert events[3][1]["output"].endswith("(1000 more characters)")
    assert (t.answer, t.turns, t.started, t.is_error) == ("Done.", 2, True, False)
    failed = Transcript().feed(json.dumps({"type": "result", "is_error": True, "result": "API Error: 400 no model"}))
    assert failed == [("error", {"message": "Claude stopped with an error: API Error: 400 no model"})]


def test_the_conversation_is_one_per_user_and_project() -> None:
    assert conversation_id("ada", "shop") == conversation_id("ada", "shop")
    assert len({conversation_id("ada", "shop"), conversation_id("bob", "shop"), conversation_id("ada", "shop2")}) == 3


def test_context_keeps_the_last_runs() -> None:
    text = ""
    for i in range(12):
        text = prompt.updated_context(text, {"started_at": f"t{i}", "request": f"ask {i}", "answer": f"found {i}",
                                             "dashboards": [{"id": "d", "title": "D"}], "refused": [],
                                             "notebook": {"path": "n.ipynb", "executed": True}})
    assert text.count("## Run of ") == prompt.CONTEXT_RUNS
    assert "ask 1\n" not in text
    assert "ask 11" in text
    assert "found 11" in text
    assert "`n.ipynb` (runs top to bottom)" in text


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    folder = tmp_path / "shop"
    customers, orders = datasets.orders_and_customers(folder / "data")
    orders.merge(customers, on="customer_id").to_csv(folder / "data" / JOINED, index=False)
    analyze_folder(folder)
    return folder


def test_staged_specs_are_saved_or_refused_naming_the_field(shop: Path) -> None:
    staged = shop / "staged"
    staged.mkdir()
    (staged / "a-good.json").write_text(json.dumps(spec()))
    (staged / "b-bad.json").write_text(json.dumps(spec(invalid=True)))
    (staged / "c-broken.json").write_text("{nope")
    store = DashboardStore(shop)
    good, bad, broken = outputs.save_staged(store, staged)
    assert isinstance(good, outputs.Saved)
    assert (shop / good.notebook).is_file()
    assert bad == outputs.Refused("b-bad.json", "widgets[3].encoding.y",
                                  f"widgets[3].encoding.y: column {MISSING_COLUMN!r} does not exist in the data source")
    assert isinstance(broken, outputs.Refused)
    assert broken.field == "spec"
    assert [d["id"] for d in store.list()] == [good.spec["id"]]


def test_the_check_command_says_what_the_server_will(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (shop / "good.json").write_text(json.dumps(spec()))
    (shop / "bad.json").write_text(json.dumps(spec(invalid=True)))
    assert check.main([str(shop / "good.json")]) == 0
    assert check.main([str(shop / "bad.json")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"OK {shop / 'good.json'}"
    assert out[1].endswith("bad.json: widgets[3].encoding.y: column 'revenue_total' does not exist in the data source")


async def test_a_notebook_that_fails_is_reported_with_its_cell(tmp_path: Path) -> None:
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": src}
             for src in ("x = 1", "print(x / 0)", "print('never')")]
    (tmp_path / "nb.ipynb").write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}))
    result = await outputs.execute_notebook(tmp_path, "nb.ipynb", "python3", 60)
    assert result == {"path": "nb.ipynb", "executed": False, "cells": 3,
                      "error": "code cell 2 raised ZeroDivisionError: division by zero"}
    saved = json.loads((tmp_path / "nb.ipynb").read_text())
    assert saved["cells"][1]["outputs"][0]["ename"] == "ZeroDivisionError"  # kept for the user to see
    missing = await outputs.execute_notebook(tmp_path, "none.ipynb", "python3", 60)
    assert missing["error"] == "Claude wrote no notebook: none.ipynb does not exist"
    (tmp_path / "link.ipynb").symlink_to("/etc/hostname")
    linked = await outputs.execute_notebook(tmp_path, "link.ipynb", "python3", 60)
    assert linked["error"] == "link.ipynb is a link leading out of the project: not run"


def test_deny_rules_in_configuration_must_be_rules_claude_applies() -> None:
    from traitlets import TraitError

    from orpheus.datastudio.analyst.manager import AnalystManager

    with pytest.raises(TraitError, match="Write\\(path\\) rules are ignored"):
        AnalystManager(None, deny_rules=["Write(/dashboards/**)"])
    manager = AnalystManager(None, deny_rules=["Edit(/dashboards/**)"])
    assert manager.deny_rules == ["Edit(/dashboards/**)"]
