"""A fake of the hub's ``llm`` gateway's own API (``/services/llm/api/...``) for user-server
tests: ``status`` (configured or not), ``usage``, and minting/revoking gateway-only tokens.

The real gateway is covered by ``tests/hub/llm``; this fake lets a pytest-jupyter server
see a gateway with or without a key, and lets tests check which tokens were revoked.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from typing import Any

from .base import FakeHandler, FakeUpstream

NO_KEY = "No AI model is configured on this hub: ask its operator to add an API key."


class _Authed(FakeHandler):
    #: whether a minted (gateway-only) token is accepted here, as on the real status route
    gateway_tokens_ok = False

    def authorized(self) -> bool:
        """Whether the caller sent the fake's token (401 written when not)."""
        fake: FakeGateway = self.fake  # type: ignore[assignment]
        sent = self.request.headers.get("Authorization", "").partition(" ")[2]
        live = [t for i, t in fake.minted.items() if i not in fake.revoked]
        if self.gateway_tokens_ok and sent in live:
            return True
        if fake.api_key is not None and sent != fake.api_key:
            self.write_json(401, {"message": "Invalid token"})
            return False
        return True


class _Status(_Authed):
    gateway_tokens_ok = True

    def get(self) -> None:
        fake: FakeGateway = self.fake  # type: ignore[assignment]
        if not self.authorized():
            return
        if fake.status_code != 200:
            self.write_json(fake.status_code, {"message": "the fake gateway was told to fail"})
            return
        self.write_json(200, {"configured": fake.configured,
                              "providers": ["anthropic"] if fake.configured else [],
                              "message": None if fake.configured else NO_KEY})


class _Usage(_Authed):
    def get(self) -> None:
        if self.authorized():
            self.write_json(200, {"user": "fake", "today": {"requests": 0}})


class _Tokens(_Authed):
    async def post(self) -> None:
        fake: FakeGateway = self.fake  # type: ignore[assignment]
        if not self.authorized():
            return
        while fake.hold_mint is not None and not fake.hold_mint.is_set():
            await asyncio.sleep(0.02)
        token_id = secrets.token_hex(8)
        token = "orpheus-llm-" + secrets.token_urlsafe(32)
        fake.minted[token_id] = token
        self.write_json(201, {"id": token_id, "token": token, "expires_at": "2099-01-01T00:00:00Z"})


class _Token(_Authed):
    def delete(self, token_id: str) -> None:
        fake: FakeGateway = self.fake  # type: ignore[assignment]
        if not self.authorized():
            return
        if token_id not in fake.minted:
            self.write_json(404, {"message": "No such token."})
            return
        fake.revoked.add(token_id)
        self.set_status(204)
        self.finish()


class FakeGateway(FakeUpstream):
    """``/services/llm/api/{status,usage,tokens}``; ``configured`` says whether it has a key."""

    def __init__(self, api_key: str | None = None, configured: bool = True) -> None:
        super().__init__(api_key=api_key, prefix="/services/llm")
        self.configured = configured
        self.status_code = 200
        self.minted: dict[str, str] = {}
        self.revoked: set[str] = set()
        #: while set and not yet triggered, token requests wait (a slow gateway)
        self.hold_mint: threading.Event | None = None

    def routes(self) -> list[Any]:
        p = self.prefix
        args = {"fake": self}
        return [(f"{p}/api/status", _Status, args), (f"{p}/api/usage", _Usage, args),
                (f"{p}/api/tokens", _Tokens, args), (rf"{p}/api/tokens/(\w+)", _Token, args)]

    def status_calls(self) -> int:
        """How many times ``/api/status`` was asked."""
        with self._lock:
            return sum(r.path.endswith("/api/status") for r in self.requests)
