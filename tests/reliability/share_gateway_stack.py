"""One real hub with the share service, the llm gateway (fake Anthropic and OpenAI behind it)
and short caches, for the share and gateway reliability tests.

Both services read account states with the scope the embedded config grants them
(``custom:orpheus:account-state``); nothing is added here.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from tests.fakes.anthropic import FakeAnthropic
from tests.fakes.openai import FakeOpenAI
from tests.harness.hub import Hub, running_hub

ANTHROPIC_KEY = "sk-ant-operator-" + "R7" * 12
OPENAI_KEY = "sk-proj-operator-" + "Q9" * 12
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]")

HUB_EXTRA = ""  # the embedded default as shipped
SHARE_CONFIG = """
c.AccountStates.cache_seconds = 0
c.ShareService.token_cache_seconds = 0
"""
LLM_CONFIG = """
c.CallerAuth.account_cache_seconds = 0
c.CallerAuth.token_cache_seconds = 0
c.AccountStates.cache_seconds = 0
c.LLMGateway.request_timeout = 20
"""


@dataclass
class Stack:
    """The hub, the fake upstreams and the service URLs through the proxy."""

    hub: Hub
    anthropic: FakeAnthropic
    openai: FakeOpenAI

    @property
    def gateway(self) -> str:
        """``.../services/llm`` through the proxy."""
        return f"{self.hub.url}/services/llm"

    @property
    def share(self) -> str:
        """``.../services/share/`` through the proxy."""
        return f"{self.hub.url}/services/share/"

    def user(self, name: str) -> str:
        """An approved user's own hub token (created once)."""
        return self.hub.user_tokens.get(name) or self.hub.create_user(name)

    def account(self, name: str, action: str) -> None:
        """Approve or revoke ``name`` as the admin."""
        r = self.hub.api("POST", f"/orpheus/users/{name}/{action}", json={})
        assert r.status_code in (200, 201), r.text

    def gw(self, method: str, path: str, token: str | None, **kw: Any) -> requests.Response:
        """Call the gateway with ``token`` (as the SDKs send it)."""
        headers = kw.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.request(method, self.gateway + path, headers=headers, timeout=60, **kw)


def stack_fixture(data: Path) -> Iterator[Stack]:
    """Start the fakes and the hub (a generator for module fixtures)."""
    (data / "share_config.py").write_text(SHARE_CONFIG)
    (data / "llm_config.py").write_text(LLM_CONFIG)
    with FakeAnthropic(api_key=ANTHROPIC_KEY) as fa, FakeOpenAI(api_key=OPENAI_KEY) as fo:
        env = {"ANTHROPIC_API_KEY": ANTHROPIC_KEY, "ANTHROPIC_BASE_URL": fa.url,
               "OPENAI_API_KEY": OPENAI_KEY, "OPENAI_BASE_URL": fo.url,
               "ORPHEUS_LLM_CONFIG": str(data / "llm_config.py"),
               "ORPHEUS_SHARE_CONFIG": str(data / "share_config.py")}
        for hub in running_hub(data, env=env, extra_config=HUB_EXTRA):
            wait_for(f"{hub.url}/services/share/health")
            wait_for(f"{hub.url}/services/llm/health")
            yield Stack(hub, fa, fo)  # type: ignore[arg-type]


def wait_for(url: str) -> None:
    """Until ``url`` answers 200 (a hub-managed service starting)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not come up")


DONE = "42DONE"


async def run_in_terminal(ws_url: str, token: str, command: str, end: str = DONE) -> str:
    """Type ``command`` into a terminal (through the proxy) and read until ``end`` is printed.

    ``command`` should end with ``echo $((6*7))DONE``: its echo differs from its output.
    """
    ws = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}))
    output = ""

    async def read() -> None:
        nonlocal output
        while end not in ANSI.sub("", output):
            msg = await ws.read_message()
            assert msg is not None, output[-2000:]
            kind, *rest = json.loads(msg)
            if kind == "stdout":
                output += rest[0]

    await ws.write_message(json.dumps(["stdin", command + "\r"]))
    await asyncio.wait_for(read(), 60)
    ws.close()
    return ANSI.sub("", output)
