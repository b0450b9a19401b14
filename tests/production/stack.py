"""The production profile's whole stack for the tests: private dockerd, the image (built or
reused by content hash), private PostgreSQL, the fake Anthropic upstream on the host, and a
hub started with ``ORPHEUS_PROFILE=production``; plus terminal and Claude helpers."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

from tests.fakes.anthropic import FakeAnthropic, Reply
from tests.harness.hub import REPO, Hub, make_hub
from tests.harness.ports import free_port

from .dockerd import Daemon, private_dockerd
from .postgres import Postgres, private_postgres

OPERATOR_KEY = "sk-ant-operator-" + "D4" * 12
REPLY = "Container path reply: eleven volumes mounted"
MEM_LIMIT = "768M"
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]")
ARTIFACTS = REPO / "test-artifacts"


def squash(text: str) -> str:
    """Terminal output without escape codes or white space (TUIs redraw by cells)."""
    return re.sub(r"\s+", "", ANSI.sub("", text))


def build_image(daemon: Daemon, prune: bool = True) -> tuple[str, dict[str, str]]:
    """Run deploy/image/build.sh against ``daemon``; returns (image tag, step timings).

    ``prune=False`` keeps older content-hash tags (a running hub may still spawn one)."""
    env = {**os.environ, **daemon.env, "ORPHEUS_IMAGE_PRUNE": "1" if prune else "0"}
    out = subprocess.run(["bash", str(REPO / "deploy" / "image" / "build.sh")],
                         capture_output=True, text=True, check=False, timeout=3000, env=env)
    assert out.returncode == 0, f"image build failed:\n{out.stdout}\n{out.stderr[-4000:]}"
    lines = out.stdout.splitlines()
    timings = {ln.split()[1]: " ".join(ln.split()[2:]) for ln in lines if ln.startswith("timing ")}
    tag = next(ln.split()[1] for ln in lines if ln.startswith("image "))
    return tag, timings


@dataclass
class Production:
    """The running stack and what the tests need to reach into it."""

    hub: Hub
    daemon: Daemon
    pg: Postgres
    fake: FakeAnthropic
    image: str
    timings: dict[str, str] = field(default_factory=dict)
    servers: dict[str, str] = field(default_factory=dict)

    def token(self, user: str) -> str:
        """The hub API token of ``user`` (created with the user)."""
        return self.hub.user_tokens[user]

    def get(self, user: str, url: str, token_of: str | None = None) -> requests.Response:
        """GET ``url`` with the token of ``token_of`` (default: ``user``)."""
        auth = {"Authorization": f"token {self.token(token_of or user)}"}
        return requests.get(url, headers=auth, timeout=60)

    def container(self, user: str) -> dict[str, Any]:
        """``docker inspect`` of ``user``'s server container."""
        data: list[dict[str, Any]] = json.loads(self.daemon.docker("inspect", f"orpheus-{user}"))
        return data[0]

    def timed(self, name: str, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` and record how long it took under ``name``."""
        start = time.monotonic()
        result = fn()
        self.timings[name] = f"{time.monotonic() - start:.1f}"
        return result

    def save_timings(self) -> None:
        """Write the measured timings to test-artifacts/production-timings.json."""
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "production-timings.json").write_text(json.dumps(self.timings, indent=2))


def hub_env(pg: Postgres, daemon: Daemon, fake: FakeAnthropic, image: str) -> dict[str, str]:
    """Everything the production hub is told, by environment only."""
    return {
        "ORPHEUS_PROFILE": "production",
        **daemon.env,
        "ORPHEUS_IMAGE": image,
        "ORPHEUS_HUB_DB_URL": pg.url("jupyterhub"),
        "ORPHEUS_DB_URL": pg.url("orpheus"),
        "ORPHEUS_SHARE_DB_URL": pg.url("shares"),
        "ORPHEUS_LLM_DB_URL": pg.url("llm"),
        "ORPHEUS_MEM_LIMIT": MEM_LIMIT,
        "ORPHEUS_CPU_LIMIT": "1",
        "ORPHEUS_LLM_PORT": str(free_port()),
        "ANTHROPIC_API_KEY": OPERATOR_KEY,
        "ANTHROPIC_BASE_URL": fake.url,  # on the host: only the llm service reaches it
    }


@contextmanager
def production_stack(data_dir: Path, extra_config: str = "") -> Iterator[Production]:
    """Start everything, yield it, stop it all and undo the machine changes."""
    try:
        import psycopg  # noqa: F401  # the hub, share and llm services' PostgreSQL driver
    except ImportError:
        pytest.fail("psycopg is not installed: the production profile needs orpheus[hub] "
                    "(psycopg[binary]) in the hub's environment")
    with ExitStack() as stack:
        timings: dict[str, str] = {}
        start = time.monotonic()
        daemon = stack.enter_context(private_dockerd())
        timings["dockerd start"] = f"{time.monotonic() - start:.1f}"
        start = time.monotonic()
        image, build = build_image(daemon)
        timings.update({f"image {k}": v for k, v in build.items()})
        timings["image total"] = f"{time.monotonic() - start:.1f}"
        start = time.monotonic()
        pg = stack.enter_context(private_postgres())
        timings["postgres start"] = f"{time.monotonic() - start:.1f}"
        fake = stack.enter_context(FakeAnthropic(api_key=OPERATOR_KEY))
        fake.default_reply = Reply(text=REPLY)
        hub = make_hub(data_dir, env=hub_env(pg, daemon, fake, image), extra_config=extra_config)
        prod = Production(hub, daemon, pg, fake, image, timings)
        prod.timed("hub start", hub.start)
        stack.callback(hub.stop)
        try:
            yield prod
        finally:
            prod.save_timings()


# ---- terminals through the proxy ---------------------------------------------------------

async def _read_until(ws: WebSocketClientConnection, done: Callable[[str], bool],
                      timeout: float, seen: list[str]) -> str:
    async def loop() -> None:
        while not done("".join(seen)):
            msg = await ws.read_message()
            assert msg is not None, "".join(seen)[-2000:]
            kind, *rest = json.loads(msg)
            if kind == "stdout":
                seen.append(rest[0])
    try:
        await asyncio.wait_for(loop(), timeout)
    except TimeoutError as exc:
        raise AssertionError(f"terminal never showed it; screen:\n{''.join(seen)[-3000:]}") from exc
    return "".join(seen)


async def _terminal_run(ws_url: str, token: str, command: str, timeout: float) -> str:
    ws = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}))
    seen: list[str] = []
    # The marker is computed by the shell, so the echoed command line never matches it.
    await ws.write_message(json.dumps(["stdin", f"{command}; echo __DONE_$((6*7))__\r"]))
    out = await _read_until(ws, lambda text: "__DONE_42__" in text, timeout, seen)
    ws.close()
    return ANSI.sub("", out)


def terminal_run(server: str, token: str, command: str, timeout: float = 120) -> str:
    """Open a new terminal on ``server`` (through the proxy), run ``command``, return the screen."""
    auth = {"Authorization": f"token {token}"}
    r = requests.post(server + "api/terminals", headers=auth, timeout=60)
    assert r.status_code == 200, r.text
    name = r.json()["name"]
    ws_url = server.replace("http://", "ws://") + f"terminals/websocket/{name}"
    try:
        return asyncio.run(_terminal_run(ws_url, token, command, timeout))
    finally:
        requests.delete(server + f"api/terminals/{name}", headers=auth, timeout=60)


async def _converse(ws_url: str, token: str, message: str) -> str:
    ws = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}))
    seen: list[str] = []
    await ws.write_message(json.dumps(["set_size", 40, 120]))
    await _read_until(ws, lambda out: "shortcuts" in ANSI.sub("", out), 120, seen)
    await ws.write_message(json.dumps(["stdin", message]))
    await ws.write_message(json.dumps(["stdin", "\r"]))
    tail = squash(REPLY.split(":", 1)[1])
    out = await _read_until(ws, lambda text: tail in squash(text), 120, seen)
    ws.close()
    return out


def claude_converse(server: str, token: str, terminal: str, message: str) -> str:
    """Wait for Claude's prompt in the session terminal, ask ``message``, return the screen."""
    ws_url = server.replace("http://", "ws://") + f"terminals/websocket/{terminal}"
    return asyncio.run(_converse(ws_url, token, message))
