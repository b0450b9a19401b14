"""The gateway's answer is cached (``LLMClient.status_cache_seconds``): the Lab polls
``/orpheus/api/llm`` and every poll must not become a gateway call."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.fakes.llm_gateway import FakeGateway

TOKEN = "server-token-of-the-user"


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    with FakeGateway(api_key=TOKEN, configured=False) as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture
def jp_server_config(gateway: FakeGateway) -> dict[str, object]:
    return {
        "ServerApp": {"jpserver_extensions": {"orpheus": True}},
        "LLMClient": {"gateway_url": gateway.url, "api_token": TOKEN, "status_cache_seconds": 3600},
    }


async def test_status_is_cached(jp_fetch, gateway) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        r = await jp_fetch("orpheus", "api", "llm")
        assert json.loads(r.body)["enabled"] is False
    assert gateway.status_calls() == 1


async def test_no_gateway_at_all_is_off_with_a_message(jp_fetch, jp_serverapp) -> None:  # type: ignore[no-untyped-def]
    for ext in jp_serverapp.extension_manager.extension_apps["orpheus"]:
        ext.llm.gateway_url = ""
    doc = json.loads((await jp_fetch("orpheus", "api", "llm")).body)
    assert doc["enabled"] is False
    assert "No AI model is configured" in doc["message"]
