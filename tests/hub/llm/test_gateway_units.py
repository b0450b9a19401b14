"""The gateway's pure parts without a hub: quotas, usage metering, error sanitizing, token parsing."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from tornado.httputil import HTTPHeaders

from orpheus_hub.llm.auth import token_from_headers
from orpheus_hub.llm.providers import Provider, UsageMeter
from orpheus_hub.llm.quotas import QuotaExceeded, QuotaPolicy, next_midnight
from orpheus_hub.llm.usage import QuotaOverride, Usage, UsageStore
from tests.fakes.anthropic import build_message, sse, stream_events
from tests.fakes.base import Reply, ToolCall
from tests.fakes.openai import build_completion, stream_chunks

NOW = datetime(2026, 3, 4, 22, 30, tzinfo=timezone.utc)


def test_limits_by_state_and_override() -> None:
    policy = QuotaPolicy(trial_tokens_per_day=100, approved_tokens_per_day=1000, requests_per_minute=5)
    assert policy.limits("trial", None).tokens_per_day == 100
    assert policy.limits("approved", None).tokens_per_day == 1000
    override = QuotaOverride(user="u", tokens_per_day=7, requests_per_minute=None, updated_at=NOW)
    limits = policy.limits("trial", override)
    assert (limits.tokens_per_day, limits.requests_per_minute) == (7, 5)
    assert limits.source == "set by an administrator"


def test_daily_quota_message_names_limit_and_reset() -> None:
    policy = QuotaPolicy()
    limits = policy.limits("trial", QuotaOverride(user="u", tokens_per_day=50, requests_per_minute=0, updated_at=NOW))
    policy.check_tokens(limits, 49, NOW)
    with pytest.raises(QuotaExceeded) as e:
        policy.check_tokens(limits, 50, NOW)
    assert "50 of 50 tokens" in e.value.message
    assert "2026-03-05 00:00 UTC" in e.value.message
    assert e.value.retry_after == 90 * 60
    assert next_midnight(NOW) == datetime(2026, 3, 5, tzinfo=timezone.utc)
    for _ in range(100):  # requests_per_minute 0: no limit
        policy.admit("u", limits)


def test_requests_per_minute_window() -> None:
    policy = QuotaPolicy(requests_per_minute=3)
    limits = policy.limits("approved", None)
    for _ in range(3):
        policy.admit("u", limits)
    with pytest.raises(QuotaExceeded) as e:
        policy.admit("u", limits)
    assert "3 requests per minute" in e.value.message
    assert 1 <= e.value.retry_after <= 60
    policy.admit("someone-else", limits)


def test_meter_reads_anthropic_stream_and_json() -> None:
    message = build_message(
        {"model": "m", "messages": []},
        Reply(text="a b c d", input_tokens=9, output_tokens=4, tool_calls=[ToolCall("t", {"x": 1})]),
    )
    raw = "".join(sse(e, d) for e, d in stream_events(message)).encode()
    meter = UsageMeter("anthropic", streaming=True)
    passed = b"".join(meter.feed(raw[i : i + 7]) for i in range(0, len(raw), 7))  # odd chunking
    assert passed == raw
    assert (meter.model, meter.input_tokens, meter.output_tokens) == ("m", 9, 4)
    whole = UsageMeter("anthropic", streaming=False)
    whole.feed(json.dumps(message).encode())
    whole.finish()
    assert (whole.input_tokens, whole.output_tokens) == (9, 4)


def test_meter_hides_the_usage_chunk_it_asked_for() -> None:
    completion = build_completion({"model": "g", "messages": []}, Reply(text="x y", input_tokens=3, output_tokens=2))
    chunks = stream_chunks(completion, include_usage=True)
    raw = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks).encode() + b"data: [DONE]\n\n"
    meter = UsageMeter("openai", streaming=True, hide_usage_chunk=True)
    passed = b"".join(meter.feed(raw[i : i + 11]) for i in range(0, len(raw), 11)) + meter.flush()
    assert b'"choices": []' not in passed
    assert passed.endswith(b"data: [DONE]\n\n")
    assert passed.count(b"data: ") == len(chunks)  # every chunk but the usage one, plus [DONE]
    assert (meter.input_tokens, meter.output_tokens) == (3, 2)


def test_upstream_errors_are_sanitized() -> None:
    provider = Provider("anthropic", "sk-ant-secret-123456", "http://x")
    body = json.dumps(
        {
            "type": "error",
            "error": {"type": "invalid_request_error", "message": "bad key sk-ant-secret-123456 or sk-other-abcdefgh"},
        }
    )
    out = provider.sanitize_error(400, body.encode(), "invalid_request_error")
    text = json.dumps(out)
    assert "secret" not in text
    assert "abcdefgh" not in text
    assert out["error"]["type"] == "invalid_request_error"
    assert "from the anthropic API" in out["error"]["message"]
    assert (
        Provider("openai", "k", "http://x")
        .sanitize_error(502, b"<html>", "api_error")["error"]["message"]
        .startswith("The openai API answered 502")
    )


def test_only_allowed_headers_are_forwarded_with_the_operator_key() -> None:
    incoming = HTTPHeaders(
        {
            "Authorization": "Bearer user-token",
            "x-api-key": "user-token",
            "anthropic-beta": "a,b",
            "Cookie": "c=1",
            "X-Stainless-Lang": "python",
        }
    )
    headers = Provider("anthropic", "sk-op", "http://x").request_headers(incoming)
    assert headers["x-api-key"] == "sk-op"
    assert "user-token" not in json.dumps(headers)
    assert "Cookie" not in headers
    assert HTTPHeaders(headers)["anthropic-beta"] == "a,b"
    openai_headers = Provider("openai", "sk-op", "http://x/v1").request_headers(incoming)
    assert openai_headers["Authorization"] == "Bearer sk-op"
    assert (
        Provider("openai", "k", "http://x/v1").upstream_url("v1/chat/completions", "") == "http://x/v1/chat/completions"
    )
    assert (
        Provider("anthropic", "k", "http://x/").upstream_url("v1/messages", "beta=true")
        == "http://x/v1/messages?beta=true"
    )


@pytest.mark.parametrize(
    ("headers", "token"),
    [
        ({"Authorization": "Bearer abc"}, "abc"),
        ({"Authorization": "token abc"}, "abc"),
        ({"x-api-key": "abc"}, "abc"),
        ({"Authorization": "Basic abc"}, ""),
        ({}, ""),
    ],
)
def test_token_from_headers(headers: dict[str, str], token: str) -> None:
    assert token_from_headers(HTTPHeaders(headers)) == token


def test_usage_store_totals_and_overrides(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = UsageStore(f"sqlite:///{tmp_path / 'llm.sqlite'}")
    row = Usage("ann", "anthropic", "v1/messages", "m1", 10, 5, 3.0, 200, True)
    store.record_many([(row, NOW), (Usage("ann", "openai", "v1/chat/completions", "g", 1, 1, 1.0, 200, False), NOW)])
    assert store.tokens_since("ann", NOW.replace(hour=0)) == 17
    assert store.tokens_since("bob", NOW.replace(hour=0)) == 0
    totals = store.totals(NOW.replace(hour=0), "ann")
    assert {t["model"] for t in totals} == {"m1", "g"}
    assert store.recent("ann", 1)[0]["model"] == "g"
    store.set_override("ann", 5, None, NOW)
    assert store.override("ann").tokens_per_day == 5  # type: ignore[union-attr]
    assert store.delete_override("ann") is True
    assert store.delete_override("ann") is False


def test_bad_knobs_are_refused_naming_the_trait() -> None:
    from orpheus_hub.llm.app import LLMGateway

    with pytest.raises(ValueError, match="QuotaPolicy.requests_per_minute"):
        QuotaPolicy(requests_per_minute=-1)
    with pytest.raises(ValueError, match="LLMGateway.request_timeout"):
        LLMGateway(request_timeout=0)
