"""Restored session tabs and Resume (issue 14, item 4).

JupyterLab restores a terminal tab by creating a terminal of the same name
(``POST /api/terminals {"name": ...}``); for a session's terminal that used to give a
plain shell, and Resume was then refused. Now the standard terminals API refuses a
session's name with a 409 that says to resume; the session's model says whether its
terminal runs and under which name; Resume replaces any stray terminal of that name.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from jupyter_server_terminals.terminalmanager import TerminalManager
from tornado.httpclient import HTTPClientError

from .conftest import create_session, open_terminal, standin_report


async def session(jp_fetch: Any, session_id: str) -> dict[str, Any]:
    r = await jp_fetch("orpheus", "api", "sessions", session_id)
    model: dict[str, Any] = json.loads(r.body)
    return model


async def test_a_plain_terminal_may_not_take_a_session_terminal_name(jp_fetch, sessions) -> None:  # type: ignore[no-untyped-def]
    model = await create_session(jp_fetch, {"title": "Restored tab"})
    name = model["terminal"]
    await jp_fetch("orpheus", "api", "sessions", model["id"], method="DELETE")
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("api", "terminals", method="POST", body=json.dumps({"name": name}))
    assert e.value.code == 409
    body = json.loads(e.value.response.body)  # type: ignore[union-attr]
    assert "session" in body["message"]
    assert "Resume" in body["message"]
    assert name not in sessions.terminal_manager.terminals
    # Any other terminal is created as before.
    r = await jp_fetch("api", "terminals", method="POST", body=json.dumps({}))
    assert json.loads(r.body)["name"] not in ("", name)


async def test_session_model_says_whether_its_terminal_runs(jp_fetch) -> None:  # type: ignore[no-untyped-def]
    model = await create_session(jp_fetch, {"title": "Running?"})
    running = await session(jp_fetch, model["id"])
    assert running["terminal_name"] == f"orpheus_{model['id']}"
    assert running["terminal_running"] is True
    assert running["terminal"] == running["terminal_name"]
    await jp_fetch("orpheus", "api", "sessions", model["id"], method="DELETE")
    ended = await session(jp_fetch, model["id"])
    assert ended["terminal_name"] == f"orpheus_{model['id']}"
    assert ended["terminal_running"] is False
    assert ended["terminal"] is None
    listed = json.loads((await jp_fetch("orpheus", "api", "sessions")).body)["sessions"]
    assert [s["terminal_running"] for s in listed if s["id"] == model["id"]] == [False]


async def test_resume_replaces_a_stray_terminal_of_the_session_name(jp_fetch, jp_ws_fetch, sessions) -> None:  # type: ignore[no-untyped-def]
    model = await create_session(jp_fetch, {"title": "Stray"})
    name = model["terminal"]
    await jp_fetch("orpheus", "api", "sessions", model["id"], method="DELETE")
    tm = sessions.terminal_manager
    # A plain shell under the session's name, as an unguarded server (or an older Lab) made.
    TerminalManager.create(tm, name=name, shell_command=["/bin/sh"])
    stray = tm.terminals[name]
    r = await jp_fetch("orpheus", "api", "sessions", model["id"], "resume", method="POST", body="{}")
    resumed = json.loads(r.body)
    assert resumed["terminal"] == name
    assert resumed["terminal_running"] is True
    assert tm.terminals[name] is not stray
    term = await open_terminal(jp_ws_fetch, name)
    output = await term.read_until(lambda out: "STANDIN " in out and "\n" in out.split("STANDIN ")[1])
    assert standin_report(output)["argv"] == ["--continue"]


async def test_resume_of_a_running_session_is_still_refused(jp_fetch) -> None:  # type: ignore[no-untyped-def]
    model = await create_session(jp_fetch, {"title": "Busy"})
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("orpheus", "api", "sessions", model["id"], "resume", method="POST", body="{}")
    assert e.value.code == 409
