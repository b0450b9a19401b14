"""The Claude kernel started by a real jupyter_server for a notebook, as JupyterLab does it
(sessions API, then the kernel's websocket): the kernelspec is listed, the server's
provisioner gives the kernel its gateway-only token, and the kernel finds the notebook
from ``JPY_SESSION_NAME`` to rebuild the conversation."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.base import Reply

from .helpers import GATEWAY_TOKEN, HUB_TOKEN, KERNEL, FakeGateway, notebook


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    with FakeGateway() as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture
def jp_server_config(gateway: FakeGateway, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """The orpheus extension; the server holds a hub token, as under the hub."""
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", HUB_TOKEN)
    return {
        "ServerApp": {"jpserver_extensions": {"orpheus": True}},
        "ClaudeKernelProvisioner": {"gateway_url": gateway.gateway, "model": "claude-test"},
    }


def execute_request(code: str, cell_id: str) -> dict[str, Any]:
    """An ``execute_request`` as JupyterLab sends it over the websocket (with ``metadata.cellId``)."""
    return {
        "header": {"msg_id": uuid.uuid4().hex, "session": uuid.uuid4().hex, "username": "test",
                   "msg_type": "execute_request", "version": "5.3"},
        "parent_header": {}, "metadata": {"cellId": cell_id}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }


async def run_cell(ws: Any, code: str, cell_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Send one cell; its ``execute_reply`` content and iopub messages (until idle)."""
    msg = execute_request(code, cell_id)
    await ws.write_message(json.dumps(msg))
    reply: dict[str, Any] = {}
    iopub: list[dict[str, Any]] = []
    while True:
        raw = await ws.read_message()
        assert raw is not None, "the kernel websocket closed"
        m = json.loads(raw)
        if m.get("parent_header", {}).get("msg_id") != msg["header"]["msg_id"]:
            continue
        if m["msg_type"] == "execute_reply":
            reply = m["content"]
        elif m["channel"] == "iopub":
            iopub.append(m)
        if reply and any(i["msg_type"] == "status" and i["content"]["execution_state"] == "idle" for i in iopub):
            return reply, iopub


async def test_lab_style_session_rebuilds_the_conversation_from_the_notebook(
    jp_fetch: Any, jp_ws_fetch: Any, jp_root_dir: Path, gateway: FakeGateway
) -> None:
    specs = json.loads((await jp_fetch("api", "kernelspecs")).body)
    assert specs["kernelspecs"][KERNEL]["spec"]["display_name"] == "Claude"
    (jp_root_dir / "work").mkdir()
    answered = {"output_type": "display_data", "metadata": {"orpheus_claude": {"role": "answer"}},
                "data": {"text/markdown": "Arm B.", "text/plain": "Arm B."}}
    notebook(jp_root_dir / "work" / "talk.ipynb", [("c1", "Which arm is larger?", [answered]), ("c2", "Why?", [])])
    body = {"path": "work/talk.ipynb", "name": "talk.ipynb", "type": "notebook", "kernel": {"name": KERNEL}}
    session = json.loads((await jp_fetch("api", "sessions", method="POST", body=json.dumps(body))).body)
    gateway.enqueue(Reply(text="Because of the 6:5 randomisation."))
    ws = await jp_ws_fetch("api", "kernels", session["kernel"]["id"], "channels")
    try:
        reply, iopub = await run_cell(ws, "Why?", "c2")
    finally:
        ws.close()
        await jp_fetch("api", "sessions", session["id"], method="DELETE")
    assert reply["status"] == "ok"
    [call] = gateway.message_requests()
    assert call.credential() == GATEWAY_TOKEN
    assert call.json["messages"] == [{"role": "user", "content": "Which arm is larger?"},
                                     {"role": "assistant", "content": "Arm B."},
                                     {"role": "user", "content": "Why?"}]
    final = [m for m in iopub if m["msg_type"] == "update_display_data"][-1]
    assert final["content"]["data"]["text/markdown"] == "Because of the 6:5 randomisation."
