"""Items 6 and 13 (gateway part): the daily quota is a cap even for one big call or 20
concurrent ones, every route is rate-limited, and each route takes only its own methods."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.fakes.base import Reply

from .share_gateway_stack import Stack, stack_fixture

pytestmark = [pytest.mark.slow]

MSG = [{"role": "user", "content": "hello"}]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from stack_fixture(Path(tmp_path_factory.mktemp("gwhard")))


def set_quota(stack: Stack, name: str, **limits: int) -> None:
    r = stack.gw("PUT", f"/api/quotas/{name}", stack.user("admin"), json=limits)
    assert r.status_code == 200, r.text


def used_today(stack: Stack, token: str) -> int:
    r = stack.gw("GET", "/api/usage", token)
    assert r.status_code == 200, r.text
    return int(r.json()["today"]["total_tokens"])


def message(stack: Stack, token: str, max_tokens: int) -> requests.Response:
    return stack.gw("POST", "/anthropic/v1/messages", token,
                    json={"model": "claude-haiku-4-5", "max_tokens": max_tokens, "messages": MSG})


def test_one_call_cannot_overshoot_the_daily_quota(stack: Stack) -> None:
    token = stack.user("bigcall")
    set_quota(stack, "bigcall", tokens_per_day=1000, requests_per_minute=0)
    before = len(stack.anthropic.message_requests())
    r = message(stack, token, 20_000)
    assert r.status_code == 429, r.text
    text = r.json()["error"]["message"]
    assert "may use up to" in text
    assert "1000" in text
    assert int(r.headers["Retry-After"]) > 0
    assert len(stack.anthropic.message_requests()) == before  # never forwarded


def test_twenty_concurrent_calls_stay_within_the_quota(stack: Stack) -> None:
    token = stack.user("swarm")
    quota = 2000
    set_quota(stack, "swarm", tokens_per_day=quota, requests_per_minute=0)
    # Each call really spends what it may: its max_tokens of output, and the answers are slow
    # enough that the calls overlap.
    stack.anthropic.default_reply = Reply(output_tokens=200, delay=1.0)
    try:
        with ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(lambda _: message(stack, token, 200), range(20)))
    finally:
        stack.anthropic.default_reply = Reply()
    codes = sorted(r.status_code for r in answers)
    assert set(codes) == {200, 429}, codes
    refused = [r for r in answers if r.status_code == 429]
    assert all("Daily token quota" in r.json()["error"]["message"] for r in refused)
    assert used_today(stack, token) <= quota
    assert codes.count(200) >= 5  # the cap admits what fits, not just one call


def test_count_tokens_and_model_lists_are_rate_limited(stack: Stack) -> None:
    token = stack.user("counter")
    set_quota(stack, "counter", requests_per_minute=3)
    calls = [("POST", "/anthropic/v1/messages/count_tokens", {"model": "m", "messages": MSG}),
             ("GET", "/anthropic/v1/models", None), ("GET", "/openai/v1/models", None)]
    for method, path, body in calls:
        assert stack.gw(method, path, token, json=body).status_code == 200, path
    r = stack.gw("POST", "/anthropic/v1/messages/count_tokens", token, json={"model": "m", "messages": MSG})
    assert r.status_code == 429
    assert "3 requests per minute" in r.json()["error"]["message"]
    assert int(r.headers["Retry-After"]) > 0


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/openai/v1/models/gpt-4o"), ("POST", "/openai/v1/models"),
    ("POST", "/anthropic/v1/models/claude-haiku-4-5"), ("GET", "/anthropic/v1/messages"),
    ("GET", "/openai/v1/chat/completions"), ("DELETE", "/openai/v1/models/gpt-4o"),
])
def test_each_route_takes_only_its_own_methods(stack: Stack, method: str, path: str) -> None:
    token = stack.user("methods")
    set_quota(stack, "methods", requests_per_minute=0)
    upstream = len(stack.openai.requests) + len(stack.anthropic.requests)
    r = stack.gw(method, path, token, json={"model": "m"} if method == "POST" else None)
    assert r.status_code == 405, (method, path, r.status_code)
    assert "error" in r.json()
    assert len(stack.openai.requests) + len(stack.anthropic.requests) == upstream
