"""Helpers of the live share tests: a shell session, its owner's terminal, anonymous viewers."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

import requests
from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

from .share_gateway_stack import ANSI, Stack


@dataclass
class Session:
    """A running shell session of ``user`` and its server."""

    stack: Stack
    user: str
    token: str
    server: str
    model: dict[str, object]

    @property
    def id(self) -> str:
        return str(self.model["id"])

    @property
    def terminal_ws(self) -> str:
        return self.server.replace("http://", "ws://") + f"terminals/websocket/{self.model['terminal']}"

    def api(self, method: str, path: str, **kw: object) -> requests.Response:
        return requests.request(method, f"{self.server}orpheus/api/{path}", timeout=60,
                                headers={"Authorization": f"token {self.token}"}, **kw)  # type: ignore[arg-type]

    def share_live(self) -> dict[str, object]:
        r = self.api("POST", "shares", json={"kind": "live", "target": self.id})
        assert r.status_code == 201, r.text
        model: dict[str, object] = r.json()
        assert model["kind"] == "live"
        assert str(model["url"]).startswith(self.stack.hub.url)
        return model


def shell_session(stack: Stack, user: str, title: str = "live demo") -> Session:
    """A shell session of ``user`` (put in the hub's shell group), started on their server."""
    token = stack.user(user)
    assert stack.hub.api("POST", "/groups/shell").status_code in (201, 409)
    assert stack.hub.api("POST", "/groups/shell/users", json={"users": [user]}).status_code == 200
    server = stack.hub.spawn(user)
    r = requests.post(server + "orpheus/api/sessions", json={"title": title, "mode": "shell"},
                      headers={"Authorization": f"token {token}"}, timeout=60)
    assert r.status_code == 201, r.text
    return Session(stack, user, token, server, r.json())


@dataclass
class Viewer:
    """An anonymous viewer socket and what it has seen (escape codes stripped)."""

    conn: WebSocketClientConnection
    header: dict[str, object]
    text: str = ""
    closed: bool = False
    events: list[list[object]] = field(default_factory=list)

    async def read_until(self, needle: str, timeout: float = 30) -> str:
        async def read() -> None:
            while needle not in ANSI.sub("", self.text):
                if not await self.read_one():
                    raise AssertionError(f"viewer closed before {needle!r}: {self.text[-500:]!r}")
        await asyncio.wait_for(read(), timeout)
        return ANSI.sub("", self.text)

    async def read_one(self) -> bool:
        msg = await self.conn.read_message()
        if msg is None:
            self.closed = True
            return False
        event = json.loads(msg)
        self.events.append(event)
        if event[1] == "o":
            self.text += event[2]
        return True

    async def until_closed(self) -> None:
        while await self.read_one():
            pass


async def open_viewer(link: str) -> Viewer:
    """Connect anonymously to ``<link>/live`` as asciinema-player does."""
    url = link.replace("http://", "ws://").rstrip("/") + "/live"
    conn = await websocket_connect(HTTPRequest(url), subprotocols=["v2.asciicast"])
    assert conn.selected_subprotocol == "v2.asciicast"
    first = await conn.read_message()
    assert isinstance(first, str)
    header = json.loads(first)
    assert header["version"] == 2
    assert isinstance(header["width"], int)
    return Viewer(conn, header)


class Terminal:
    """The owner's own terminal websocket (terminado protocol)."""

    def __init__(self, conn: WebSocketClientConnection) -> None:
        self.conn = conn
        self.text = ""

    @classmethod
    async def open(cls, session: Session) -> Terminal:
        request = HTTPRequest(session.terminal_ws, headers={"Authorization": f"token {session.token}"})
        return cls(await websocket_connect(request))

    async def type(self, text: str) -> None:
        await self.conn.write_message(json.dumps(["stdin", text]))

    async def read_until(self, needle: str, timeout: float = 30) -> str:
        async def read() -> None:
            while needle not in ANSI.sub("", self.text):
                msg = await self.conn.read_message()
                assert msg is not None, self.text[-500:]
                kind, *rest = json.loads(msg)
                if kind == "stdout":
                    self.text += rest[0]
        await asyncio.wait_for(read(), timeout)
        return ANSI.sub("", self.text)
