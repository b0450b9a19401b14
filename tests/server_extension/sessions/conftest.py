"""Fixtures for session tests: a real ServerApp with the orpheus extension and real
terminado terminals, a stand-in ``claude`` for argv/cwd/env checks, and helpers to
drive the terminal websocket."""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

STANDIN = Path(__file__).resolve().parents[2] / "fakes" / "claude_standin.py"
BASE_URL = "http://127.0.0.1:9/llm/anthropic"
AUTH_TOKEN = "user-llm-token"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The user's home for session terminals (holds ~/.claude.json)."""
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.fixture
def session_config() -> dict[str, Any]:
    """Per-test additions to the ClaudeSessionManager configuration."""
    return {}


@pytest.fixture
def jp_server_config(home: Path, session_config: dict[str, Any]) -> dict[str, Any]:
    """orpheus enabled; session terminals run the stand-in claude with a test HOME."""
    return {
        "ServerApp": {"jpserver_extensions": {"orpheus": True}},
        "ClaudeSessionManager": {
            "claude_command": [sys.executable, str(STANDIN)],
            "home_dir": str(home),
            "anthropic_base_url": BASE_URL,
            "anthropic_auth_token": AUTH_TOKEN,
            "reap_interval": 3600.0,
            **session_config,
        },
    }


@pytest.fixture
def sessions(jp_serverapp: Any) -> Any:
    """The running extension's ClaudeSessionManager."""
    for ext in jp_serverapp.extension_manager.extension_apps["orpheus"]:
        return ext.sessions
    raise AssertionError("orpheus extension not loaded")


def multipart(fields: dict[str, str], files: list[tuple[str, bytes]] = ()) -> tuple[bytes, str]:  # type: ignore[assignment]
    """A multipart/form-data body (``files`` go in the ``files`` field)."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for key, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, body in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + body + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


async def create_session(
    jp_fetch: Any, fields: dict[str, str], files: list[tuple[str, bytes]] = ()  # type: ignore[assignment]
) -> dict[str, Any]:
    """POST /orpheus/api/sessions and return the model."""
    body, content_type = multipart(fields, files)
    r = await jp_fetch(
        "orpheus", "api", "sessions", method="POST", body=body,
        headers={"Content-Type": content_type},
    )
    assert r.code == 201
    return json.loads(r.body)


class Terminal:
    """A terminal websocket client that keeps everything the server sent as stdout."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.output = ""
        self.disconnected = False

    async def read_until(self, predicate: Callable[[str], bool], timeout: float = 30.0) -> str:
        """Read messages until ``predicate(all output so far)`` holds."""
        async def loop() -> None:
            while not predicate(self.output):
                msg = await self.ws.read_message()
                if msg is None:
                    self.disconnected = True
                    raise AssertionError(f"websocket closed; output so far: {self.output[-2000:]!r}")
                kind, *rest = json.loads(msg)
                if kind == "stdout":
                    self.output += rest[0]
                elif kind == "disconnect":
                    self.disconnected = True
                    if not predicate(self.output):
                        raise AssertionError(f"terminal ended; output: {self.output[-2000:]!r}")

        try:
            await asyncio.wait_for(loop(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"no match in {timeout:g} s; screen: {self.output[-3000:]!r}") from None
        return self.output

    async def drain_until_closed(self, timeout: float = 30.0) -> str:
        """Read until the server closes the socket (after the terminal ended)."""
        async def loop() -> None:
            while True:
                msg = await self.ws.read_message()
                if msg is None:
                    return
                kind, *rest = json.loads(msg)
                if kind == "stdout":
                    self.output += rest[0]

        await asyncio.wait_for(loop(), timeout)
        return self.output

    async def send(self, text: str) -> None:
        """Type ``text`` into the terminal."""
        await self.ws.write_message(json.dumps(["stdin", text]))

    async def resize(self, rows: int, cols: int) -> None:
        """Send terminado's ``set_size``."""
        await self.ws.write_message(json.dumps(["set_size", rows, cols]))


_OPEN_SOCKETS: list[Any] = []


@pytest.fixture(autouse=True)
def close_terminal_sockets() -> Iterator[None]:
    """Close the terminal websockets a test opened (one left open is a ResourceWarning later)."""
    yield
    while _OPEN_SOCKETS:
        _OPEN_SOCKETS.pop().close()


async def open_terminal(jp_ws_fetch: Any, name: str) -> Terminal:
    """Connect to ``/terminals/websocket/<name>`` (closed when the test ends)."""
    ws = await jp_ws_fetch("terminals", "websocket", name)
    _OPEN_SOCKETS.append(ws)
    return Terminal(ws)


def standin_report(output: str) -> dict[str, Any]:
    """The stand-in's ``STANDIN {json}`` line."""
    line = output.split("STANDIN ", 1)[1].split("\n", 1)[0].strip()
    return json.loads(line)
