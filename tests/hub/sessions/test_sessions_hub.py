"""Claude sessions through the whole stack: real hub and proxy, a spawned user server,
the real ``claude`` CLI talking to the hub's ``llm`` gateway, which forwards to the
fake Anthropic upstream; shell mode decided by the hub's ``shell`` group."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from tests.fakes.anthropic import FakeAnthropic, Reply
from tests.harness.hub import Hub, running_hub
from tests.harness.ports import free_port

pytestmark = [pytest.mark.slow]

OPERATOR_KEY = "sk-ant-operator-" + "C3" * 12
REPLY = "Hub path reply: seventeen dashboards ready"
# Claude's TUI redraws only changed cells: the reply's first columns may keep letters of
# the spinner word drawn there before, so match the part past any spinner word.
REPLY_TAIL = REPLY.split(":", 1)[1]
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]")
CLAUDE = Path(__file__).resolve().parents[3] / "node_modules" / ".bin" / "claude"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", ANSI.sub("", text))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Hub, FakeAnthropic]]:
    data = Path(tmp_path_factory.mktemp("sessionshub"))
    with FakeAnthropic(api_key=OPERATOR_KEY) as fake:
        fake.default_reply = Reply(text=REPLY)
        env = {"ANTHROPIC_API_KEY": OPERATOR_KEY, "ANTHROPIC_BASE_URL": fake.url,
               "ORPHEUS_LLM_PORT": str(free_port())}
        for hub in running_hub(data, env=env):
            yield hub, fake  # type: ignore[misc]


async def converse(ws_url: str, token: str, message: str) -> str:
    """Open the session terminal through the proxy, wait for Claude's prompt, ask, read."""
    ws = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}))
    output = ""

    async def read_until(pred: object, timeout: float) -> None:
        nonlocal output
        async def loop() -> None:
            nonlocal output
            while not pred(output):  # type: ignore[operator]
                msg = await ws.read_message()
                assert msg is not None, output[-2000:]
                kind, *rest = json.loads(msg)
                if kind == "stdout":
                    output += rest[0]
        await asyncio.wait_for(loop(), timeout)

    await ws.write_message(json.dumps(["set_size", 40, 120]))
    await read_until(lambda out: "shortcuts" in ANSI.sub("", out), 90)
    await ws.write_message(json.dumps(["stdin", message]))
    await ws.write_message(json.dumps(["stdin", "\r"]))
    await read_until(lambda out: squash(REPLY_TAIL) in squash(out), 120)
    ws.close()
    return output


@pytest.mark.skipif(not CLAUDE.exists(), reason="the claude CLI is installed by `make test`")
def test_claude_session_reaches_the_gateway_with_a_gateway_only_token(stack) -> None:  # type: ignore[no-untyped-def]
    hub, fake = stack
    token = hub.create_user("sessuser")
    base = hub.spawn("sessuser")
    auth = {"Authorization": f"token {token}"}
    r = requests.post(base + "orpheus/api/sessions", json={"title": "Through the hub"},
                      headers=auth, timeout=60)
    assert r.status_code == 201, r.text
    session = r.json()
    assert session["status"] == "created"
    ws_url = base.replace("http://", "ws://") + f"terminals/websocket/{session['terminal']}"
    output = asyncio.run(converse(ws_url, token, "How many dashboards?"))
    assert squash(REPLY_TAIL) in squash(output)
    asked = [r for r in fake.model_requests() if "How many dashboards" in json.dumps(r.json)]
    assert asked, "the question never reached the upstream"
    # the gateway swapped the session's gateway-only token for the operator key
    assert all(r.credential() == OPERATOR_KEY for r in asked)
    usage = requests.get(hub.url + "/services/llm/api/usage", headers=auth, timeout=30).json()
    assert usage["today"]["requests"] >= 1  # accounted to the session's owner
    rec = requests.get(base + f"orpheus/api/sessions/{session['id']}/recording", headers=auth, timeout=30)
    assert rec.status_code == 200
    events = [json.loads(line) for line in rec.text.splitlines()[1:]]
    assert squash(REPLY_TAIL) in squash("".join(e[2] for e in events if e[1] == "o"))


def test_shell_mode_follows_the_hub_shell_group(stack) -> None:  # type: ignore[no-untyped-def]
    hub, _ = stack
    token = hub.create_user("shelluser")
    base = hub.spawn("shelluser")
    auth = {"Authorization": f"token {token}"}
    body = {"title": "Plain shell", "mode": "shell"}
    r = requests.post(base + "orpheus/api/sessions", json=body, headers=auth, timeout=60)
    assert r.status_code == 403, r.text
    assert "hub group 'shell'" in r.json()["message"]
    assert hub.api("POST", "/groups/shell").status_code in (201, 409)
    r = hub.api("POST", "/groups/shell/users", json={"users": ["shelluser"]})
    assert r.status_code == 200, r.text
    r = requests.post(base + "orpheus/api/sessions", json=body, headers=auth, timeout=60)
    assert r.status_code == 201, r.text
    assert r.json()["mode"] == "shell"
