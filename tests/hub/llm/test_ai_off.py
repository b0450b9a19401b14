"""AI off: a gateway without upstream keys answers at once, in a way the SDKs and the real
``claude`` CLI do not retry and show verbatim, and says so on ``GET /api/status``."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import anthropic
import pytest
import requests

from orpheus_hub.llm.providers import NO_KEY_MESSAGE

from .conftest import LLMStack

pytestmark = [pytest.mark.slow]

MSG = [{"role": "user", "content": "hello"}]
CLAUDE = Path(__file__).resolve().parents[3] / "node_modules" / ".bin" / "claude"


def user(stack: LLMStack, name: str) -> str:
    """A user's own hub token."""
    return stack.hub.user_tokens.get(name) or stack.hub.create_user(name, approve=True)


def test_no_key_is_a_4xx_the_sdks_do_not_retry(stack: LLMStack) -> None:
    token = user(stack, "nora")
    client = anthropic.Anthropic(auth_token=token, base_url=stack.nokey + "/anthropic", max_retries=0)
    with pytest.raises(anthropic.BadRequestError) as e:
        client.messages.create(model="m", max_tokens=5, messages=MSG)
    assert e.value.status_code == 400
    assert e.value.response.headers["x-should-retry"] == "false"
    assert e.value.body == {"type": "error", "error": {"type": "invalid_request_error",
                                                       "message": NO_KEY_MESSAGE}}
    r = requests.post(stack.nokey + "/openai/v1/chat/completions", timeout=10,
                      headers={"Authorization": f"Bearer {token}"}, json={"model": "m", "messages": MSG})
    assert r.status_code == 400
    assert r.headers["x-should-retry"] == "false"
    assert r.json()["error"]["message"] == NO_KEY_MESSAGE
    assert r.json()["error"]["type"] == "invalid_request_error"


def test_no_key_message_is_plain_language() -> None:
    assert NO_KEY_MESSAGE.startswith("No AI model is configured on this hub")
    assert "operator" in NO_KEY_MESSAGE
    assert "API key" in NO_KEY_MESSAGE
    for internal in ("http", "127.0.0.1", "localhost", "/services/", "ANTHROPIC_API_KEY"):
        assert internal not in NO_KEY_MESSAGE


def test_status_route_says_whether_a_model_is_configured(stack: LLMStack) -> None:
    auth = {"Authorization": f"Bearer {user(stack, 'nora')}"}
    r = requests.get(stack.nokey + "/api/status", headers=auth, timeout=10)
    assert r.status_code == 200, r.text
    assert r.json() == {"configured": False, "providers": [], "message": NO_KEY_MESSAGE}
    r = requests.get(stack.gateway + "/api/status", headers=auth, timeout=10)
    assert r.status_code == 200, r.text
    assert r.json() == {"configured": True, "providers": ["anthropic", "openai"], "message": None}


def test_status_route_needs_a_token(stack: LLMStack) -> None:
    r = requests.get(stack.nokey + "/api/status", timeout=10)
    assert r.status_code == 401
    assert "Missing credentials" in r.json()["message"]


@pytest.mark.skipif(not CLAUDE.exists(), reason="the claude CLI is installed by `make test` (npm ci)")
def test_real_claude_shows_the_message_once_and_does_not_retry(stack: LLMStack, tmp_path: Path) -> None:
    """The pinned CLI, pointed at the key-less gateway, ends with the message verbatim."""
    token = user(stack, "nora")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "CLAUDE_"))}
    env.update(HOME=str(tmp_path), ANTHROPIC_BASE_URL=stack.nokey + "/anthropic",
               ANTHROPIC_AUTH_TOKEN=token, DISABLE_AUTOUPDATER="1", CLAUDE_CODE_MAX_RETRIES="10")
    # With 10 retries a retried error would take minutes (backoff) and fail the timeout.
    done = subprocess.run([str(CLAUDE), "-p", "hello"], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    out = done.stdout + done.stderr
    assert done.returncode != 0
    assert NO_KEY_MESSAGE in out, out
    for wrong in ("usually temporary", "127.0.0.1", "Please run /login"):
        assert wrong not in out, out
