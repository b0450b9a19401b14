"""Recording (asciicast v2, size-neutral, replays to the websocket bytes), resize, reaping."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from .conftest import create_session, open_terminal


def parse_cast(text: str) -> tuple[dict[str, Any], list[list[Any]]]:
    """Header and events of an asciicast v2 file, checking the format as it goes."""
    lines = text.splitlines()
    header = json.loads(lines[0])
    assert header["version"] == 2
    assert isinstance(header["width"], int)
    assert isinstance(header["height"], int)
    assert isinstance(header["timestamp"], int)
    events = [json.loads(line) for line in lines[1:] if line.strip()]
    last = 0.0
    for event in events:
        assert len(event) == 3
        assert isinstance(event[0], (int, float))
        assert event[0] >= last
        assert event[1] in ("o", "r", "i", "m")
        assert isinstance(event[2], str)
        last = event[0]
    return header, events


async def test_recording_replays_exactly_what_the_websocket_delivered(  # type: ignore[no-untyped-def]
    jp_fetch, jp_ws_fetch, jp_serverapp
):
    model = await create_session(jp_fetch, {"title": "Recorded", "cols": "100", "rows": "30"})
    term = await open_terminal(jp_ws_fetch, model["terminal"])
    await term.read_until(lambda out: "STANDIN" in out)
    for word in ("alpha", "beta", "gamma"):
        await term.send(f"{word}\r")
    await term.read_until(lambda out: "ECHO: gamma" in out)
    await term.resize(40, 132)
    for _ in range(100):  # set_size is applied when the server handles the message
        r = await jp_fetch("orpheus", "api", "sessions", model["id"])
        if json.loads(r.body)["size"] == {"cols": 132, "rows": 40}:
            break
        await asyncio.sleep(0.02)
    assert json.loads(r.body)["size"] == {"cols": 132, "rows": 40}
    # the size the recorder could have forced (it has none) is not the PTY's size
    pty = jp_serverapp.web_app.settings["terminal_manager"].terminals[model["terminal"]].ptyproc
    assert pty.getwinsize() == (40, 132)
    await term.send("exit\r")
    delivered = await term.drain_until_closed()

    r = await jp_fetch("orpheus", "api", "sessions", model["id"], "recording")
    assert r.headers["Content-Type"] == "application/x-asciicast"
    header, events = parse_cast(r.body.decode("utf-8"))
    assert (header["width"], header["height"]) == (100, 30)
    assert header["title"] == "Recorded"
    replayed = "".join(e[2] for e in events if e[1] == "o")
    assert replayed == delivered
    assert ["r", "132x40"] in [e[1:] for e in events]

    r = await jp_fetch("orpheus", "api", "sessions", model["id"])
    final = json.loads(r.body)
    assert final["status"] == "terminated"
    assert final["ended"] == "exited"
    assert final["size"] == {"cols": 132, "rows": 40}
    assert final["commands_executed"] == 4


async def test_idle_and_old_sessions_are_reaped_by_the_injected_clock(  # type: ignore[no-untyped-def]
    jp_fetch, jp_root_dir, sessions, jp_serverapp
):
    idle = await create_session(jp_fetch, {"title": "Idle one"})
    now = time.time()
    sessions.clock = lambda: now + 60  # a minute later: nothing to do
    assert await sessions.reap_once() == []

    sessions.clock = lambda: now + sessions.idle_timeout + 5
    assert await sessions.reap_once() == [idle["id"]]
    tm = jp_serverapp.web_app.settings["terminal_manager"]
    assert idle["terminal"] not in tm.terminals
    r = await jp_fetch("orpheus", "api", "sessions", idle["id"])
    reaped = json.loads(r.body)
    assert (reaped["status"], reaped["ended"]) == ("terminated", "idle")
    # record, recording and files stay
    assert (Path(jp_root_dir) / reaped["path"] / "CLAUDE.md").is_file()
    assert (Path(jp_root_dir) / reaped["recording"]).is_file()

    sessions.clock = time.time
    old = await create_session(jp_fetch, {"title": "Old one"})
    live = sessions.live[old["id"]]
    later = time.time() + sessions.max_age + 5
    sessions.clock = lambda: later
    live.last_activity = later  # busy right now, but running for too long
    assert await sessions.reap_once() == [old["id"]]
    r = await jp_fetch("orpheus", "api", "sessions", old["id"])
    assert json.loads(r.body)["ended"] == "max_age"
