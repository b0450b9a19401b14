"""End to end with the REAL ``claude`` CLI (pinned in package.json) against the local fake
Anthropic server: terminal websocket -> claude -> fake Messages API (SSE) -> screen and
recording."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.anthropic import FakeAnthropic, Reply

from .conftest import create_session, open_terminal

CLAUDE = Path(__file__).resolve().parents[3] / "node_modules" / ".bin" / "claude"
REPLY = "Orpheus fake model says: the churn rate is 4.2 percent"
# Claude's TUI redraws only the cells that changed, so the first columns of the reply line
# may keep letters of the spinner word drawn there before ("Proofing…" leaves the "r" of
# "Orpheus" unwritten). Columns past any spinner word are always written: match those.
REPLY_TAIL = REPLY.split(":", 1)[1]
USER_TOKEN = "per-user-llm-token-7d1"
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CLAUDE.exists(), reason="the claude CLI is installed by `make test` (npm ci)"),
]


def squash(text: str) -> str:
    """Screen text without escape codes or whitespace (TUI output redraws regions)."""
    return re.sub(r"\s+", "", ANSI.sub("", text))


@pytest.fixture
def fake_anthropic() -> Iterator[FakeAnthropic]:
    fake = FakeAnthropic(api_key=USER_TOKEN, prefix="/services/llm/anthropic")
    fake.default_reply = Reply(text=REPLY)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def session_config(fake_anthropic: FakeAnthropic) -> dict[str, Any]:
    return {
        "claude_command": [str(CLAUDE)],
        "anthropic_base_url": fake_anthropic.url,
        "anthropic_auth_token": USER_TOKEN,
    }


async def test_real_claude_answers_through_the_terminal_and_is_recorded(  # type: ignore[no-untyped-def]
    jp_fetch, jp_ws_fetch, fake_anthropic, home, monkeypatch
):
    assert shutil.which("node"), "the claude CLI needs node"
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-operator-must-not-leak")
    model = await create_session(jp_fetch, {"title": "Real claude", "cols": "120", "rows": "40"})
    term = await open_terminal(jp_ws_fetch, model["terminal"])
    await term.resize(40, 120)
    # Straight to the prompt: no theme picker, no trust dialog (onboarding + trust merged).
    # "? for shortcuts" is drawn once the input box takes keys; typing earlier can be lost
    # (a bare ">" matched too early: it is part of the terminal's own escape codes).
    await term.read_until(lambda out: "shortcuts" in ANSI.sub("", out), timeout=60)
    assert "trust" not in ANSI.sub("", term.output).lower()
    await term.send("What is the churn rate?")
    await term.send("\r")
    await term.read_until(lambda out: squash(REPLY_TAIL) in squash(out), timeout=90)

    asked = fake_anthropic.model_requests()
    assert asked, "claude never reached the fake Anthropic server"
    assert all(r.credential() == USER_TOKEN for r in asked)
    assert any("churn rate" in json.dumps(r.json) for r in asked)

    r = await jp_fetch("orpheus", "api", "sessions", model["id"], "recording")
    events = [json.loads(line) for line in r.body.decode().splitlines()[1:]]
    recorded = "".join(e[2] for e in events if e[1] == "o")
    assert squash(REPLY_TAIL) in squash(recorded)
    r = await jp_fetch("orpheus", "api", "sessions", model["id"])
    assert json.loads(r.body)["commands_executed"] >= 1
    await jp_fetch("orpheus", "api", "sessions", model["id"], method="DELETE")
    term.ws.close()
