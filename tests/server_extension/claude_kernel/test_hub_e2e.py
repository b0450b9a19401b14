"""End to end: a Claude notebook in a user server spawned by a real hub, through the real
``llm`` gateway to the fake Anthropic upstream. The kernel's model token is a gateway-only
token, its environment holds no hub token, and the notebook saved through the contents API
is the conversation."""

from __future__ import annotations

import asyncio
import json
import textwrap
from typing import Any

import pytest
import requests
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from tests.fakes.base import Reply
from tests.hub.llm.conftest import ANTHROPIC_KEY, LLMStack, llm_stack
from tests.hub.llm.kernel import run_in_kernel

from .test_server import run_cell

pytestmark = [pytest.mark.slow]
__all__ = ["llm_stack"]  # the hub of tests/hub/llm, with its fakes

# Run in a Python kernel of the same server: the Claude kernel's environment, as the system sees it.
PROBE = textwrap.dedent("""
    import json, os
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read()
            if b"orpheus.claude_kernel" in cmd:
                found.append(open(f"/proc/{pid}/environ", "rb").read().decode(errors="replace"))
        except OSError:
            pass
    print(json.dumps(found))
""")


def notebook(cells: list[tuple[str, str, list[dict[str, Any]]]]) -> dict[str, Any]:
    """A contents-API model of a Claude notebook."""
    return {"type": "notebook", "format": "json", "content": {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "orpheus-claude", "display_name": "Claude", "language": "markdown"}},
        "cells": [{"cell_type": "code", "id": cid, "source": src, "metadata": {}, "execution_count": None,
                   "outputs": outs} for cid, src, outs in cells]}}


async def three_cells(server: str, token: str, kernel_id: str, save: Any,
                      over_quota: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run cell c1, save the notebook with its answer (as Lab would), run c2; then cut the
    user's quota and run c3. The iopub of c2 and of c3."""
    url = server.replace("http", "ws", 1) + f"api/kernels/{kernel_id}/channels"
    ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {token}"}))
    try:
        _, iopub = await run_cell(ws, "Which arm is larger?", "c1")
        final = [m for m in iopub if m["msg_type"] == "update_display_data"][-1]["content"]
        save([{"output_type": "display_data", "data": final["data"], "metadata": final["metadata"]}])
        reply, second = await run_cell(ws, "Why?", "c2")
        assert reply["status"] == "ok", [m["content"].get("data") for m in second]
        over_quota()
        reply, third = await run_cell(ws, "And the ages?", "c3")
        assert reply["status"] == "error"
        assert reply["traceback"] == []
        return second, third
    finally:
        ws.close()


def test_claude_notebook_through_the_hub_gateway(llm_stack: LLMStack) -> None:
    stack = llm_stack
    stack.reset()
    token = stack.hub.create_user("cleo")
    server = stack.hub.spawn("cleo")
    auth = {"Authorization": f"token {token}"}

    def save(outputs: list[dict[str, Any]]) -> None:
        model = notebook([("c1", "Which arm is larger?", outputs), ("c2", "Why?", [])])
        r = requests.put(server + "api/contents/talk.ipynb", json=model, headers=auth, timeout=30)
        assert r.status_code in (200, 201), r.text

    save([])
    specs = requests.get(server + "api/kernelspecs", headers=auth, timeout=30).json()
    assert specs["kernelspecs"]["orpheus-claude"]["spec"]["display_name"] == "Claude"
    body = {"path": "talk.ipynb", "name": "talk.ipynb", "type": "notebook", "kernel": {"name": "orpheus-claude"}}
    r = requests.post(server + "api/sessions", json=body, headers=auth, timeout=60)
    assert r.status_code == 201, r.text
    session = r.json()
    stack.anthropic.enqueue(Reply(text="Arm **B**."), Reply(text="The 6:5 randomisation."))
    admin = stack.hub.user_tokens.get("admin") or stack.hub.create_user("admin")

    def over_quota() -> None:
        r = requests.put(stack.gateway + "/api/quotas/cleo", json={"tokens_per_day": 1},
                         headers={"Authorization": f"Bearer {admin}"}, timeout=10)
        assert r.status_code == 200, r.text

    try:
        iopub, refused = asyncio.run(three_cells(server, token, session["kernel"]["id"], save, over_quota))
        environs = json.loads(run_in_kernel(server, token, PROBE).strip().splitlines()[-1])
    finally:
        requests.delete(server + f"api/sessions/{session['id']}", headers=auth, timeout=30)
    final = [m for m in iopub if m["msg_type"] == "update_display_data"][-1]["content"]
    assert final["data"]["text/markdown"] == "The 6:5 randomisation."
    calls = stack.anthropic.message_requests()
    assert calls[-1].json["messages"] == [{"role": "user", "content": "Which arm is larger?"},
                                          {"role": "assistant", "content": "Arm **B**."},
                                          {"role": "user", "content": "Why?"}]
    assert all(c.credential() == ANTHROPIC_KEY for c in calls)  # only the gateway holds the key
    message = [m for m in refused if m["msg_type"] == "update_display_data"][-1]["content"]["data"]["text/markdown"]
    assert message.startswith("**Claude could not answer.** Your model quota is used up for now:")
    assert "of 1 tokens" in message  # the gateway's own words: the limit and when it resets
    assert len(stack.anthropic.message_requests()) == len(calls)  # the refused call never left the hub
    [environ] = environs
    assert token not in environ
    assert "JUPYTERHUB_API_TOKEN=" not in environ
    assert "ORPHEUS_CLAUDE_TOKEN=orpheus-llm-" in environ  # minted by the real gateway
