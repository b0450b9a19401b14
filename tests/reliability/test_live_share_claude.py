"""End to end with the REAL ``claude`` CLI in a session shared live: the hub's llm gateway in
front of the fake Anthropic server, an anonymous viewer over the proxy. The viewer watches
Claude answer; a gateway-shaped token in the answer reaches the owner's screen, never the
viewer's."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.fakes.base import Reply

from .live_share_helpers import Session, Terminal, Viewer, open_viewer
from .share_gateway_stack import ANSI, Stack, stack_fixture

CLAUDE = Path(__file__).resolve().parents[2] / "node_modules" / ".bin" / "claude"
TOKEN = "orpheus-llm-" + secrets.token_urlsafe(32)
ANSWER = "churn is 4.2 percent; key " + TOKEN + " closing-zq"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CLAUDE.exists(), reason="the claude CLI is installed by `make test` (npm ci)"),
]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from stack_fixture(Path(tmp_path_factory.mktemp("liveclaude")))


def squash(text: str) -> str:
    """Screen text without escape codes or whitespace (the TUI redraws regions)."""
    return re.sub(r"\s+", "", ANSI.sub("", text))


def test_a_viewer_watches_claude_answer_live_without_the_token(stack: Stack) -> None:
    name = "liveclaude"
    token = stack.user(name)
    server = stack.hub.spawn(name)
    r = requests.post(server + "orpheus/api/sessions", json={"title": "claude live", "mode": "claude"},
                      headers={"Authorization": f"token {token}"}, timeout=60)
    assert r.status_code == 201, r.text
    session = Session(stack, name, token, server, r.json())
    stack.anthropic.default_reply = Reply(text=ANSWER)
    link = str(session.share_live()["url"])

    async def scenario() -> tuple[str, str]:
        viewer = await open_viewer(link)
        term = await Terminal.open(session)
        await term.conn.write_message('["set_size", 40, 150, 800, 1200]')
        await term.read_until("shortcuts", timeout=90)  # claude's prompt is ready
        await term.type("What is the churn rate?")
        await term.type("\r")
        await asyncio.wait_for(until_owner_sees(term, TOKEN[12:32]), 120)
        await asyncio.wait_for(until_owner_sees(term, "closing-zq"), 60)
        await asyncio.wait_for(until_viewer_sees(viewer, "closing-zq"), 60)  # the whole answer
        viewer.conn.close()
        term.conn.close()
        return term.text, viewer.text

    owner, seen = asyncio.run(scenario())
    assert stack.anthropic.model_requests(), "claude never reached the fake Anthropic server"
    assert TOKEN[12:32] in squash(owner)  # the owner's own screen shows the answer in full
    assert "4.2percent;key" in squash(seen)  # the viewer watched claude answer
    assert TOKEN[12:32] not in squash(seen)
    assert TOKEN[-10:] not in squash(seen)


async def until_owner_sees(term: Terminal, text: str) -> None:
    """Read the owner's terminal until its squashed screen text holds ``text``."""
    while text not in squash(term.text):
        msg = await term.conn.read_message()
        assert msg is not None, term.text[-500:]
        kind, *rest = json.loads(msg)
        if kind == "stdout":
            term.text += rest[0]


async def until_viewer_sees(viewer: Viewer, text: str) -> None:
    """Read the viewer's socket until its squashed text holds ``text``."""
    while text not in squash(viewer.text):
        assert await viewer.read_one(), viewer.text[-500:]
