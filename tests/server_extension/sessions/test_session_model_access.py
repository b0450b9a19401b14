"""A session terminal's model access: its gateway-only token is minted without blocking the
server, revoked when the session ends (stop, reap, exit), and a session started while the
hub has no model key shows a banner saying so before claude starts."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.llm_gateway import NO_KEY, FakeGateway

from .conftest import create_session, open_terminal, standin_report

HUB_TOKEN = "hub-token-of-the-user-server"


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    with FakeGateway(api_key=HUB_TOKEN, configured=True) as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture
def session_config(gateway: FakeGateway, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """No fixed model token: each terminal gets one minted by the (fake) gateway."""
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", HUB_TOKEN)
    return {"anthropic_auth_token": "", "llm_gateway_url": gateway.url}


def started(out: str) -> bool:
    return "STANDIN " in out and "\n" in out.split("STANDIN ")[1]


async def revoked(gateway: FakeGateway, token_id: str) -> bool:
    """Whether the fake saw ``token_id`` revoked (waits for the server's call to land)."""
    for _ in range(200):
        if token_id in gateway.revoked:
            return True
        await asyncio.sleep(0.05)
    return False


async def test_terminal_gets_a_minted_token_revoked_when_stopped(jp_fetch, jp_ws_fetch, gateway) -> None:  # type: ignore[no-untyped-def]
    model = await create_session(jp_fetch, {"title": "Token"})
    term = await open_terminal(jp_ws_fetch, model["terminal"])
    report = standin_report(await term.read_until(started))
    (token_id, token), = gateway.minted.items()
    assert report["env"]["ANTHROPIC_AUTH_TOKEN"] == token
    assert gateway.revoked == set()
    await jp_fetch("orpheus", "api", "sessions", model["id"], method="DELETE")
    assert await revoked(gateway, token_id)


async def test_reaped_and_exited_sessions_lose_their_tokens(jp_fetch, jp_ws_fetch, gateway, sessions) -> None:  # type: ignore[no-untyped-def]
    idle = await create_session(jp_fetch, {"title": "Idle"})
    (idle_token,) = gateway.minted
    now = sessions.clock()
    sessions.clock = lambda: now + sessions.idle_timeout + 5
    try:
        assert await sessions.reap_once() == [idle["id"]]
    finally:
        del sessions.clock
    assert await revoked(gateway, idle_token)

    done = await create_session(jp_fetch, {"title": "Exits"})
    (exit_token,) = set(gateway.minted) - {idle_token}
    term = await open_terminal(jp_ws_fetch, done["terminal"])
    await term.read_until(started)
    await term.send("exit\r")
    await term.drain_until_closed()
    assert await revoked(gateway, exit_token)


async def test_minting_does_not_block_the_server(jp_fetch, gateway) -> None:  # type: ignore[no-untyped-def]
    gateway.hold_mint = threading.Event()
    creating = asyncio.ensure_future(create_session(jp_fetch, {"title": "Slow gateway"}))
    try:
        for _ in range(200):  # until the server's mint request is at the (held) gateway
            if any(r.path.endswith("/api/tokens") for r in gateway.requests):
                break
            await asyncio.sleep(0.05)
        # The server answers other requests while the mint waits.
        r = await jp_fetch("orpheus", "api", "sessions")
        assert r.code == 200
        assert not creating.done()
        assert gateway.minted == {}
    finally:
        gateway.hold_mint.set()
    model = await creating
    assert model["status"] == "created"
    assert len(gateway.minted) == 1


async def test_no_model_on_the_hub_shows_a_banner_then_claude_starts(jp_fetch, jp_ws_fetch, gateway) -> None:  # type: ignore[no-untyped-def]
    gateway.configured = False
    model = await create_session(jp_fetch, {"title": "AI off"})
    term = await open_terminal(jp_ws_fetch, model["terminal"])
    out = await term.read_until(started)
    assert NO_KEY in out
    assert out.index(NO_KEY) < out.index("STANDIN ")
    assert standin_report(out)["argv"] == []


async def test_no_banner_when_a_model_is_configured(jp_fetch, jp_ws_fetch, gateway) -> None:  # type: ignore[no-untyped-def]
    model = await create_session(jp_fetch, {"title": "AI on"})
    term = await open_terminal(jp_ws_fetch, model["terminal"])
    out = await term.read_until(started)
    assert "No AI model" not in out
    assert json.loads(out.split("STANDIN ", 1)[1].split("\n", 1)[0])["argv"] == []
