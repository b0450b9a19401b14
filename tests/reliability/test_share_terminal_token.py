"""Item 7a: a session terminal holds no credential that can open terminals.

It gets a gateway-only, expiring token minted by the llm service instead of the
server's hub token, and no JUPYTERHUB_*/JPY_* credential in its environment.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.fakes.base import Reply

from .share_gateway_stack import Stack, run_in_terminal, stack_fixture

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from stack_fixture(Path(tmp_path_factory.mktemp("termtoken")))


def session_env(stack: Stack, name: str) -> dict[str, str]:
    """The environment a shell session terminal of ``name`` sees, as ``env`` prints it."""
    token = stack.user(name)
    assert stack.hub.api("POST", "/groups/shell").status_code in (201, 409)
    assert stack.hub.api("POST", "/groups/shell/users", json={"users": [name]}).status_code == 200
    base = stack.hub.spawn(name)
    r = requests.post(base + "orpheus/api/sessions", json={"title": "env", "mode": "shell"},
                      headers={"Authorization": f"token {token}"}, timeout=60)
    assert r.status_code == 201, r.text
    ws = base.replace("http://", "ws://") + f"terminals/websocket/{r.json()['terminal']}"
    out = asyncio.run(run_in_terminal(ws, token, "env | sed 's/^/ENV:/'; echo $((6*7))DONE"))
    return dict(m.groups() for m in re.finditer(r"^ENV:([A-Za-z_][A-Za-z0-9_]*)=(.*?)\r?$", out, re.M))


def test_session_terminal_gets_a_gateway_only_token_and_no_hub_credential(stack: Stack) -> None:
    env = session_env(stack, "termuser")
    assert env.get("ORPHEUS_SESSION_ID"), sorted(env)
    leaked = [k for k in env if re.match(r"(JUPYTERHUB|JPY)_\w*(TOKEN|SECRET|KEY|PASSWORD)", k)]
    assert leaked == []
    token = env["ANTHROPIC_AUTH_TOKEN"]
    assert re.fullmatch(r"orpheus-llm-[A-Za-z0-9_-]{43}", token)
    server = stack.hub.url + "/user/termuser/"
    # It opens no terminal, reads no file and calls no hub API ...
    for url in (server + "api/terminals", server + "api/contents", stack.hub.url + "/hub/api/user"):
        r = requests.get(url, headers={"Authorization": f"token {token}"}, timeout=30,
                         allow_redirects=False)
        assert r.status_code in (401, 403), (url, r.status_code)
    r = requests.post(server + "api/terminals", headers={"Authorization": f"token {token}"}, timeout=30,
                      allow_redirects=False)
    assert r.status_code in (401, 403)
    # ... nor the gateway's own API (no usage reads, no minting more tokens) ...
    assert stack.gw("GET", "/api/usage", token).status_code == 403
    r = stack.gw("POST", "/api/tokens", token, json={})
    assert r.status_code == 403
    assert "model routes only" in r.json()["message"]
    # ... but it reaches the model, accounted to its owner.
    stack.anthropic.enqueue(Reply(text="gateway token works", input_tokens=3, output_tokens=2))
    r = stack.gw("POST", "/anthropic/v1/messages", token,
                 json={"model": "claude-haiku-4-5", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]})
    assert r.status_code == 200, r.text
    assert stack.anthropic.model_requests()[-1].credential() != token


def test_a_minted_token_dies_with_the_account_and_stays_dead(stack: Stack) -> None:
    hub_token = stack.user("minter")
    r = stack.gw("POST", "/api/tokens", hub_token, json={"expires_in": 600, "note": "test"})
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    body = {"model": "claude-haiku-4-5", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
    assert stack.gw("POST", "/anthropic/v1/messages", token, json=body).status_code == 200
    stack.account("minter", "revoke")
    r = stack.gw("POST", "/anthropic/v1/messages", token, json=body)
    assert r.status_code == 403
    assert "revoked" in r.json()["error"]["message"]
    stack.account("minter", "approve")
    r = stack.gw("POST", "/anthropic/v1/messages", token, json=body)
    assert r.status_code == 401  # revoked for good; a new session mints a new one
    assert "revoked" in r.json()["error"]["message"]


def test_minting_needs_a_hub_token_and_caps_the_lifetime(stack: Stack) -> None:
    assert stack.gw("POST", "/api/tokens", None, json={}).status_code == 401
    assert stack.gw("POST", "/api/tokens", "not-a-token", json={}).status_code == 401
    hub_token = stack.user("capper")
    r = stack.gw("POST", "/api/tokens", hub_token, json={"expires_in": 10**9})
    assert r.status_code == 201
    assert r.headers["Cache-Control"] == "no-store"
    r = stack.gw("POST", "/api/tokens", hub_token, json={"expires_in": -5})
    assert r.status_code == 400
