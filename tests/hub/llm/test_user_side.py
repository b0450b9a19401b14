"""From a spawned user server: the operator keys are nowhere in its (or its kernels')
environment, and the real ``claude`` CLI, started as a session would start it (the
gateway URL and the server's own token), gets its reply through the gateway."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import requests

from orpheus_hub import paths
from tests.fakes.base import Reply, ToolCall

from .conftest import ANTHROPIC_KEY, OPENAI_KEY, LLMStack
from .kernel import run_in_kernel

pytestmark = [pytest.mark.slow]

PROBE = textwrap.dedent("""
    import json, os, subprocess, tempfile
    server_env = open(f"/proc/{os.getppid()}/environ", "rb").read().decode(errors="replace")
    kernel_env = "\\0".join(f"{k}={v}" for k, v in os.environ.items())
    home = tempfile.mkdtemp()
    env = {**os.environ, "HOME": home, "DISABLE_AUTOUPDATER": "1",
           "ANTHROPIC_BASE_URL": os.environ["ORPHEUS_LLM_URL"] + "/anthropic",
           "ANTHROPIC_AUTH_TOKEN": os.environ["JUPYTERHUB_API_TOKEN"]}
    cli = subprocess.run([CLAUDE, "-p", "say hi", "--output-format", "json"], env=env, cwd=home,
                         capture_output=True, text=True, timeout=150)
    cli_env = "\\0".join(f"{k}={v}" for k, v in env.items())
    print(json.dumps({"server_env": server_env, "kernel_env": kernel_env, "cli_env": cli_env,
                      "llm_url": os.environ.get("ORPHEUS_LLM_URL"),
                      "token": os.environ["JUPYTERHUB_API_TOKEN"],
                      "rc": cli.returncode, "stdout": cli.stdout, "stderr": cli.stderr[-2000:]}))
""")


@pytest.fixture(scope="module")
def kai(llm_stack: LLMStack) -> tuple[str, str]:
    """A user with a running server: (token, server URL)."""
    token = llm_stack.hub.create_user("kai")
    return token, llm_stack.hub.spawn("kai")


@pytest.mark.skipif(not Path(paths.node_tool("claude")).exists(), reason="the claude CLI is installed by make test")
def test_user_server_kernel_and_cli_never_see_operator_keys(stack: LLMStack, kai: tuple[str, str]) -> None:
    token, server = kai
    claude_bin = paths.node_tool("claude")
    out = run_in_kernel(server, token, f"CLAUDE = {claude_bin!r}\n" + PROBE)
    probe = json.loads(out.strip().splitlines()[-1])
    for where in ("server_env", "kernel_env", "cli_env"):
        assert ANTHROPIC_KEY not in probe[where], where
        assert OPENAI_KEY not in probe[where], where
        assert "ANTHROPIC_API_KEY=" not in probe[where], where
    assert probe["llm_url"].endswith("/services/llm")
    # the CLI's reply came from the fake, through the gateway, on kai's server token
    assert probe["rc"] == 0, probe["stderr"]
    assert json.loads(probe["stdout"])["result"] == "Hello from the fake model."
    received = stack.anthropic.requests
    assert any(r.path.endswith("/v1/messages") for r in received)
    for rec in received:  # only the gateway ever talks to the upstream
        assert rec.credential() == ANTHROPIC_KEY
        assert probe["token"] not in json.dumps(rec.headers)
    cli_calls = [r for r in stack.anthropic.message_requests() if r.query == "beta=true"]
    assert cli_calls, "the CLI's own ?beta=true requests reached the fake"
    assert cli_calls[0].header("anthropic-beta")  # forwarded verbatim
    mine = requests.get(stack.gateway + "/api/usage", headers={"Authorization": f"Bearer {token}"},
                        timeout=10).json()
    assert mine["today"]["requests"] >= 1
    assert mine["today"]["output_tokens"] > 0


def test_chat_with_data_through_the_real_gateway(stack: LLMStack, kai: tuple[str, str]) -> None:
    token, server = kai
    auth = {"Authorization": f"token {token}"}
    r = requests.post(server + "orpheus/api/projects", json={"name": "hubchat"}, headers=auth, timeout=30)
    assert r.status_code == 201, r.text
    for path, model in [("projects/hubchat/data", {"type": "directory"}),
                        ("projects/hubchat/data/sales.csv", {"type": "file", "format": "text",
                                                             "content": "region,amount\nnorth,3\nsouth,4\n"})]:
        r = requests.put(server + "api/contents/" + path, json=model, headers=auth, timeout=30)
        assert r.status_code in (200, 201), r.text
    before = usage_today(stack, token)
    stack.anthropic.enqueue(Reply(text="", tool_calls=[ToolCall("run_python", {"code": "print(df.amount.sum())"})]),
                            Reply(text="The total is 7."))
    r = requests.post(server + "orpheus/api/projects/hubchat/chat", json={"message": "total?"},
                      headers=auth, timeout=120)
    assert r.status_code == 200, r.text
    assert r.json()["reply"] == "The total is 7."
    conv = requests.get(server + f"orpheus/api/projects/hubchat/chat/{r.json()['conversation_id']}",
                        headers=auth, timeout=30).json()
    assert conv["steps"][0]["outputs"][0]["text"] == "7\n"
    calls = stack.anthropic.message_requests()
    assert len(calls) == 2
    assert all(c.credential() == ANTHROPIC_KEY for c in calls)
    assert usage_today(stack, token) == before + 2
    status = requests.get(server + "orpheus/api/llm", headers=auth, timeout=30).json()
    assert status["enabled"] is True
    assert status["usage"]["user"] == "kai"
    assert status["usage"]["today"]["requests"] == before + 2


def usage_today(stack: LLMStack, token: str) -> int:
    r = requests.get(stack.gateway + "/api/usage", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    return int(r.json()["today"]["requests"])
