"""R8: 50 anonymous share viewers and 10 busy terminals together for 30 s, with no error.

Bounded in time (R8_SECONDS, default 30) and in clients; everything on loopback. It
checks correctness under load (every answer right, nothing dropped), never speed.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

from tests.harness.hub import Hub, running_hub

pytestmark = [pytest.mark.slow]

SECONDS = float(os.environ.get("R8_SECONDS", "30"))
VIEWERS, TERMINALS = 50, 10


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Hub, str, str, str]]:
    for hub in running_hub(Path(tmp_path_factory.mktemp("load"))):
        token = hub.create_user("busy")
        base = hub.spawn("busy")
        auth = {"Authorization": f"token {token}"}
        for path, body in (("projects", {"type": "directory"}), ("projects/load", {"type": "directory"}),
                           ("projects/load/table.csv", {"type": "file", "format": "text",
                                                        "content": "k,v\n" + "row,1\n" * 2000})):
            assert requests.put(base + f"api/contents/{path}", json=body, headers=auth, timeout=30).status_code == 201
        r = requests.post(base + "orpheus/api/shares", json={"kind": "file", "target": "projects/load/table.csv"},
                          headers=auth, timeout=60)
        assert r.status_code == 201, r.text
        yield hub, base, token, r.json()["url"]


async def viewer(link: str, stop: float, errors: list[str]) -> int:
    client = AsyncHTTPClient()
    done = 0
    while time.monotonic() < stop:
        r = await client.fetch(link, raise_error=False, request_timeout=60)
        if r.code != 200 or b"table.csv" not in r.body:
            errors.append(f"viewer: {r.code}")
        done += 1
    return done


async def terminal(base: str, token: str, stop: float, errors: list[str]) -> int:
    client = AsyncHTTPClient()
    r = await client.fetch(base + "api/terminals", method="POST", body=b"",
                           headers={"Authorization": f"token {token}"}, raise_error=False)
    if r.code != 200:
        errors.append(f"terminal create: {r.code}")
        return 0
    name = json.loads(r.body)["name"]
    url = base.replace("http://", "ws://") + f"terminals/websocket/{name}"
    ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {token}"}))
    rounds = 0
    while time.monotonic() < stop:
        marker = f"round-{name}-{rounds}"
        await ws.write_message(json.dumps(["stdin", f"echo {marker.upper()} $((6*7))\r"]))
        seen = ""
        while f"{marker.upper()} 42" not in seen:
            msg = await asyncio.wait_for(ws.read_message(), 60)
            if msg is None:
                errors.append(f"terminal {name} closed")
                return rounds
            kind, *rest = json.loads(msg)
            if kind == "stdout":
                seen += rest[0]
        rounds += 1
    ws.close()
    return rounds


def test_r8_share_viewers_and_terminals_under_load(loaded, tally) -> None:  # type: ignore[no-untyped-def]
    hub, base, token, link = loaded
    AsyncHTTPClient.configure(None, max_clients=VIEWERS + TERMINALS)
    errors: list[str] = []

    async def run() -> tuple[list[int], list[int]]:
        stop = time.monotonic() + SECONDS
        views = [viewer(link, stop, errors) for _ in range(VIEWERS)]
        terms = [terminal(base, token, stop, errors) for _ in range(TERMINALS)]
        results = await asyncio.gather(*views, *terms)
        return list(results[:VIEWERS]), list(results[VIEWERS:])

    views, rounds = asyncio.run(run())
    tally.record("R8 load: share views", sum(views), len([e for e in errors if e.startswith("viewer")]))
    tally.record("R8 load: terminal round trips", sum(rounds), len([e for e in errors if e.startswith("terminal")]))
    assert not errors, errors[:20]
    assert all(v > 0 for v in views), views
    assert all(r > 0 for r in rounds), rounds
    assert hub.api("GET", "/users/busy").json()["servers"][""]["ready"]
