"""Run code in a real kernel of a spawned user server, over the kernels REST API and websocket."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import requests
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect


def execute_request(code: str) -> dict[str, Any]:
    """A Jupyter ``execute_request`` message for the websocket (JSON protocol)."""
    return {
        "header": {"msg_id": uuid.uuid4().hex, "session": uuid.uuid4().hex, "username": "test",
                   "msg_type": "execute_request", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }


async def _run(ws_url: str, token: str, code: str, timeout: float) -> str:
    conn = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}))
    msg = execute_request(code)
    await conn.write_message(json.dumps(msg))
    out: list[str] = []
    async def collect() -> None:
        while True:
            raw = await conn.read_message()
            if raw is None:
                raise RuntimeError("kernel websocket closed")
            reply = json.loads(raw)
            if reply.get("parent_header", {}).get("msg_id") != msg["header"]["msg_id"]:
                continue
            kind, content = reply["msg_type"], reply["content"]
            if kind == "stream":
                out.append(content["text"])
            elif kind == "error":
                raise RuntimeError("\n".join(content["traceback"]))
            elif kind == "status" and content["execution_state"] == "idle":
                return
    try:
        await asyncio.wait_for(collect(), timeout)
    finally:
        conn.close()
    return "".join(out)


def run_in_kernel(server_url: str, token: str, code: str, timeout: float = 180) -> str:
    """Start a kernel on ``server_url`` (``.../user/<name>/``), run ``code``, return its stdout."""
    auth = {"Authorization": f"token {token}"}
    r = requests.post(server_url + "api/kernels", json={"name": "python3"}, headers=auth, timeout=60)
    assert r.status_code == 201, r.text
    kernel_id = r.json()["id"]
    ws_url = server_url.replace("http", "ws", 1) + f"api/kernels/{kernel_id}/channels"
    try:
        return asyncio.run(_run(ws_url, token, code, timeout))
    finally:
        requests.delete(server_url + f"api/kernels/{kernel_id}", headers=auth, timeout=30)
