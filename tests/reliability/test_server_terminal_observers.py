"""A session observes its terminal through terminado's client protocol (issue 16, item 2).

The session used to replace the terminal's ``clients`` list with a subclass and
wrap ``ptyproc.setwinsize`` and ``ptyproc.write``. Now the recorder is an ordinary
client in terminado's own list, a re-size is read back from the PTY after
terminado's sizing pass, and input reaches the session through the Orpheus terminal
manager's ``InputTap`` (made by its ``new_terminal``); no method of terminado's
process object is replaced.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from orpheus.sessions.live import InputTap
from tests.server_extension.sessions.conftest import close_terminal_sockets as close_terminal_sockets
from tests.server_extension.sessions.conftest import create_session, open_terminal

STANDIN = Path(__file__).resolve().parents[1] / "fakes" / "claude_standin.py"


@pytest.fixture
def jp_server_config(tmp_path: Path) -> dict[str, Any]:
    """orpheus with the stand-in claude, as the session tests run it."""
    home = tmp_path / "home-for-terminals"
    home.mkdir()
    return {"ServerApp": {"jpserver_extensions": {"orpheus": True}},
            "ClaudeSessionManager": {"claude_command": [sys.executable, str(STANDIN)],
                                     "home_dir": str(home), "reap_interval": 3600.0}}


async def _model(jp_fetch: Any, session_id: str) -> dict[str, Any]:
    r = await jp_fetch("orpheus", "api", "sessions", session_id)
    model: dict[str, Any] = json.loads(r.body)
    return model


async def _until(jp_fetch: Any, session_id: str, key: str, value: Any) -> dict[str, Any]:
    """The session model once ``key`` has ``value`` (the server handles socket messages on its own)."""
    for _ in range(200):
        model = await _model(jp_fetch, session_id)
        if model[key] == value:
            return model
        await asyncio.sleep(0.02)
    raise AssertionError(f"{key} never became {value!r}: {model!r}")


async def test_the_terminal_keeps_terminados_own_objects(jp_fetch: Any, jp_serverapp: Any) -> None:
    model = await create_session(jp_fetch, {"title": "Plain"})
    term = jp_serverapp.web_app.settings["terminal_manager"].terminals[model["terminal"]]
    assert type(term.clients) is list
    assert isinstance(term.ptyproc, InputTap)  # the manager's own handle, made with the terminal
    assert not {"setwinsize", "write"} & set(vars(term.ptyproc.ptyproc))  # terminado's process untouched
    assert len(term.ptyproc.listeners) == 1  # the session's input counter
    assert len(term.clients) == 1  # the recorder, sized as none
    assert term.clients[0].size == (None, None)


async def test_a_size_only_visit_counts_as_a_connection_and_a_resize(jp_fetch: Any, jp_ws_fetch: Any,
                                                                     jp_serverapp: Any) -> None:
    model = await create_session(jp_fetch, {"title": "Sized", "cols": "90", "rows": "20"})
    assert (await _model(jp_fetch, model["id"]))["status"] == "created"
    term = await open_terminal(jp_ws_fetch, model["terminal"])
    await term.resize(33, 111)
    sized = await _until(jp_fetch, model["id"], "size", {"cols": 111, "rows": 33})
    assert sized["status"] == "active"
    term.ws.close()
    await _until(jp_fetch, model["id"], "status", "disconnected")
    sessions = jp_serverapp.extension_manager.extension_apps["orpheus"]
    live = next(iter(sessions)).sessions.live[model["id"]]
    pending = live.recorder.flush()
    if pending is not None:
        await asyncio.wrap_future(pending)
    recording = jp_serverapp.root_dir + "/" + model["recording"]
    events = [json.loads(line) for line in Path(recording).read_text().splitlines()[1:]]
    assert [e[1:] for e in events if e[1] == "r"] == [["r", "111x33"]]
