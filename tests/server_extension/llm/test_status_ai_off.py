"""``GET /orpheus/api/llm`` tells the Lab whether AI is available *before* anyone types:
``enabled`` is false with the gateway's own message when the hub has no model key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.llm_gateway import NO_KEY, FakeGateway

TOKEN = "server-token-of-the-user"


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    with FakeGateway(api_key=TOKEN, configured=False) as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture
def jp_server_config(gateway: FakeGateway) -> dict[str, object]:
    return {
        "ServerApp": {"jpserver_extensions": {"orpheus": True}},
        "LLMClient": {"gateway_url": gateway.url, "api_token": TOKEN, "model": "claude-test",
                      "status_cache_seconds": 0},
    }


async def status(jp_fetch: Any) -> dict[str, Any]:
    r = await jp_fetch("orpheus", "api", "llm")
    assert r.code == 200
    doc: dict[str, Any] = json.loads(r.body)
    return doc


async def test_no_key_on_the_hub_means_ai_is_off_with_its_message(jp_fetch, gateway) -> None:  # type: ignore[no-untyped-def]
    doc = await status(jp_fetch)
    assert doc["enabled"] is False
    assert doc["message"] == NO_KEY
    assert doc["provider"] == "anthropic"
    assert doc["model"] == "claude-test"
    assert doc["usage"] is None


async def test_a_key_on_the_hub_means_ai_is_on(jp_fetch, gateway) -> None:  # type: ignore[no-untyped-def]
    gateway.configured = True
    doc = await status(jp_fetch)
    assert doc["enabled"] is True
    assert doc["message"] is None
    assert doc["usage"]["today"] == {"requests": 0}


async def test_the_answer_follows_the_gateway(jp_fetch, gateway) -> None:  # type: ignore[no-untyped-def]
    assert (await status(jp_fetch))["enabled"] is False
    gateway.configured = True
    assert (await status(jp_fetch))["enabled"] is True


async def test_a_gateway_that_cannot_say_is_not_reported_off(jp_fetch, gateway) -> None:  # type: ignore[no-untyped-def]
    gateway.status_code = 502
    doc = await status(jp_fetch)
    assert doc["enabled"] is True
    assert doc["message"] is None
