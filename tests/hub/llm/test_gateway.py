"""The gateway through a real hub with the real SDKs: wire formats, auth, quotas, usage."""

from __future__ import annotations

import time

import anthropic
import openai
import pytest
import requests

from tests.fakes.base import Reply, ToolCall

from .conftest import ANTHROPIC_KEY, OPENAI_KEY, LLMStack

pytestmark = [pytest.mark.slow]

MSG = [{"role": "user", "content": "hello"}]


def user(stack: LLMStack, name: str, approve: bool = True) -> str:
    """A user's own hub token (created once per module)."""
    return stack.hub.user_tokens.get(name) or stack.hub.create_user(name, approve=approve)


def claude(stack: LLMStack, token: str, base: str | None = None) -> anthropic.Anthropic:
    return anthropic.Anthropic(auth_token=token, base_url=(base or stack.gateway) + "/anthropic",
                               max_retries=0)


def gpt(stack: LLMStack, token: str) -> openai.OpenAI:
    return openai.OpenAI(api_key=token, base_url=stack.gateway + "/openai/v1", max_retries=0)


def usage(stack: LLMStack, token: str) -> dict:  # type: ignore[type-arg]
    r = requests.get(stack.gateway + "/api/usage", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_anthropic_non_streaming_forwards_operator_key_and_headers(stack: LLMStack) -> None:
    token = user(stack, "ann")
    stack.anthropic.enqueue(Reply(text="through the gateway", input_tokens=12, output_tokens=5))
    msg = claude(stack, token).messages.create(
        model="claude-haiku-4-5", max_tokens=20, messages=MSG,
        extra_headers={"anthropic-beta": "tools-2024-04-04,fine-grained-2025", "anthropic-version": "2023-06-01"},
        extra_query={"beta": "true"})
    assert msg.content[0].text == "through the gateway"  # type: ignore[union-attr]
    rec = stack.anthropic.message_requests()[-1]
    assert rec.credential() == ANTHROPIC_KEY
    assert token not in str(rec.headers)
    assert rec.header("anthropic-beta") == "tools-2024-04-04,fine-grained-2025"
    assert rec.header("anthropic-version") == "2023-06-01"
    assert rec.query == "beta=true"
    today = usage(stack, token)["today"]
    assert (today["input_tokens"], today["output_tokens"], today["requests"]) == (12, 5, 1)


def test_anthropic_streaming_passes_chunks_as_they_come(stack: LLMStack) -> None:
    token = user(stack, "ann")
    words = " ".join(f"w{i}" for i in range(30))
    stack.anthropic.enqueue(Reply(text=words, chunk_delay=0.05, input_tokens=7, output_tokens=30))
    before = stack.anthropic.streams_completed
    seen_while_streaming = None
    with claude(stack, token).messages.stream(model="claude-sonnet-4-5", max_tokens=99, messages=MSG) as s:
        for i, _text in enumerate(s.text_stream):
            if i == 0:  # the fake has not finished its stream when the first delta arrives
                seen_while_streaming = stack.anthropic.streams_completed == before
        final = s.get_final_message()
    assert seen_while_streaming is True
    assert final.content[0].text == words  # type: ignore[union-attr]
    recent = usage(stack, token)["recent"][0]
    assert recent["streamed"] is True
    assert (recent["input_tokens"], recent["output_tokens"], recent["model"]) == (7, 30, "claude-sonnet-4-5")


def test_anthropic_tool_use_count_tokens_and_models(stack: LLMStack) -> None:
    client = claude(stack, user(stack, "ann"))
    stack.anthropic.enqueue(Reply(text="", tool_calls=[ToolCall("get_weather", {"city": "Oslo"})]))
    tools = [{"name": "get_weather", "description": "weather", "input_schema": {"type": "object"}}]
    with client.messages.stream(model="m", max_tokens=10, messages=MSG, tools=tools) as s:  # type: ignore[arg-type]
        final = s.get_final_message()
    assert final.content[0].type == "tool_use"
    assert final.content[0].input == {"city": "Oslo"}
    assert stack.anthropic.message_requests()[-1].json["tools"][0]["name"] == "get_weather"
    assert client.messages.count_tokens(model="m", messages=MSG).input_tokens > 0
    assert "claude-sonnet-4-5" in [m.id for m in client.models.list()]


def test_x_api_key_header_is_accepted(stack: LLMStack) -> None:
    token = user(stack, "ann")
    r = requests.post(stack.gateway + "/anthropic/v1/messages", timeout=10,
                      headers={"x-api-key": token, "anthropic-version": "2023-06-01"},
                      json={"model": "m", "max_tokens": 5, "messages": MSG})
    assert r.status_code == 200, r.text
    assert stack.anthropic.message_requests()[-1].credential() == ANTHROPIC_KEY


def test_openai_streaming_usage_recorded_even_when_not_requested(stack: LLMStack) -> None:
    token = user(stack, "olga")
    stack.openai.enqueue(Reply(text="a b c d e f g", input_tokens=3, output_tokens=8))
    chunks = list(gpt(stack, token).chat.completions.create(model="gpt-4o-mini", messages=MSG, stream=True))
    assert all(c.choices for c in chunks)  # the usage chunk the gateway asked for is not shown
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "a b c d e f g"
    assert stack.openai.model_requests()[-1].json["stream_options"] == {"include_usage": True}
    assert stack.openai.model_requests()[-1].credential() == OPENAI_KEY
    recent = usage(stack, token)["recent"][0]
    assert (recent["input_tokens"], recent["output_tokens"], recent["provider"]) == (3, 8, "openai")
    stack.openai.enqueue(Reply(text="x", input_tokens=2, output_tokens=1))
    chunks = list(gpt(stack, token).chat.completions.create(
        model="gpt-4o-mini", messages=MSG, stream=True, stream_options={"include_usage": True}))
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.prompt_tokens == 2


def test_openai_non_streaming_tool_calls_and_models(stack: LLMStack) -> None:
    client = gpt(stack, user(stack, "olga"))
    stack.openai.enqueue(Reply(text="", tool_calls=[ToolCall("run_python", {"code": "print(1)"})],
                               input_tokens=4, output_tokens=6))
    done = client.chat.completions.create(model="gpt-4o", messages=MSG)
    call = done.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert call.function.arguments == '{"code": "print(1)"}'  # type: ignore[union-attr]
    assert done.usage is not None
    assert done.usage.total_tokens == 10
    assert "gpt-4o-mini" in [m.id for m in client.models.list()]


def test_upstream_error_passes_through_sanitized(stack: LLMStack) -> None:
    stack.anthropic.fail(529, f"Overloaded; key {ANTHROPIC_KEY} is busy", "overloaded_error")
    with pytest.raises(anthropic.APIStatusError) as e:
        claude(stack, user(stack, "ann")).messages.create(model="m", max_tokens=5, messages=MSG)
    assert e.value.status_code == 529
    assert "Overloaded" in e.value.message
    assert ANTHROPIC_KEY not in str(e.value.body) + e.value.response.text
    stack.openai.fail(400, "max_tokens is too large", "invalid_request_error")
    with pytest.raises(openai.BadRequestError) as oe:
        gpt(stack, user(stack, "olga")).chat.completions.create(model="m", messages=MSG)
    assert "max_tokens is too large" in oe.value.message


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}, {"x-api-key": "nope"}])
def test_bad_or_missing_token_is_401(stack: LLMStack, headers: dict[str, str]) -> None:
    r = requests.post(stack.gateway + "/anthropic/v1/messages", headers=headers, timeout=10,
                      json={"model": "m", "max_tokens": 5, "messages": MSG})
    assert r.status_code == 401
    assert r.json()["error"]["type"] == "authentication_error"
    assert "token" in r.json()["error"]["message"].lower()
    assert stack.anthropic.model_requests() == []
    r = requests.post(stack.gateway + "/openai/v1/chat/completions", headers=headers, timeout=10,
                      json={"model": "m", "messages": MSG})
    assert r.status_code == 401
    assert "type" not in r.json()  # OpenAI's envelope on the OpenAI path (no Anthropic "type": "error")


def test_expired_and_revoked_accounts_are_refused(stack: LLMStack) -> None:
    with pytest.raises(anthropic.PermissionDeniedError) as e:
        claude(stack, user(stack, "late", approve=False)).messages.create(model="m", max_tokens=5, messages=MSG)
    assert "expired" in e.value.message
    token = user(stack, "rex")
    claude(stack, token).messages.create(model="m", max_tokens=5, messages=MSG)
    r = stack.hub.api("POST", "/orpheus/users/rex/revoke")
    assert r.status_code == 200, r.text
    with pytest.raises((anthropic.PermissionDeniedError, anthropic.AuthenticationError)) as e2:
        claude(stack, token).messages.create(model="m", max_tokens=5, messages=MSG)
    assert e2.value.status_code in (401, 403)
    assert len(stack.anthropic.message_requests()) == 1


def test_daily_token_quota_and_request_rate(stack: LLMStack) -> None:
    admin = user(stack, "admin")
    token = user(stack, "quinn")
    r = requests.put(stack.gateway + "/api/quotas/quinn", json={"tokens_per_day": 30},
                     headers={"Authorization": f"Bearer {admin}"}, timeout=10)
    assert r.status_code == 200, r.text
    stack.anthropic.enqueue(Reply(input_tokens=20, output_tokens=15))
    claude(stack, token).messages.create(model="m", max_tokens=5, messages=MSG)
    with pytest.raises(anthropic.RateLimitError) as e:
        claude(stack, token).messages.create(model="m", max_tokens=5, messages=MSG)
    assert "35 of 30 tokens" in e.value.message
    assert "resets at" in e.value.message
    assert int(e.value.response.headers["Retry-After"]) > 0
    assert usage(stack, token)["limits"]["tokens_per_day"] == 30
    # every route counts in the per-minute window: a fresh user for the rate part
    token = user(stack, "quincy")
    requests.put(stack.gateway + "/api/quotas/quincy", json={"requests_per_minute": 2},
                 headers={"Authorization": f"Bearer {admin}"}, timeout=10)
    client = claude(stack, token)
    client.messages.create(model="m", max_tokens=5, messages=MSG)
    client.messages.create(model="m", max_tokens=5, messages=MSG)
    with pytest.raises(anthropic.RateLimitError) as e:
        client.messages.create(model="m", max_tokens=5, messages=MSG)
    assert "2 requests per minute" in e.value.message


def test_bad_input_is_4xx_with_a_message(stack: LLMStack) -> None:
    auth = {"Authorization": f"Bearer {user(stack, 'ann')}"}
    cases = [
        ("POST", "/anthropic/v1/messages", b"{not json", 400, "not valid JSON"),
        ("POST", "/anthropic/v1/files", b"{}", 404, "does not offer"),
        ("GET", "/openai/v1/assistants", None, 404, "does not offer"),
        # Dot segments (decoded by the server) must not reach another upstream API.
        ("GET", "/openai/v1/models/%2e%2e/files", None, 404, "does not offer"),
        ("GET", "/anthropic/v1/models/%2e%2e", None, 404, "does not offer"),
        ("GET", "/nowhere", None, 404, "No such endpoint"),
        ("PUT", "/api/quotas/ann", b'{"tokens_per_day": 5}', 403, "administrators"),
        ("GET", "/api/usage/users", None, 403, "administrators"),
    ]
    for method, path, body, status, text in cases:
        r = requests.request(method, stack.gateway + path, data=body, headers=auth, timeout=10)
        assert r.status_code == status, (path, r.text)
        assert text in r.text, (path, r.text)
        assert "Traceback" not in r.text
    admin = {"Authorization": f"Bearer {user(stack, 'admin')}"}
    r = requests.put(stack.gateway + "/api/quotas/ann", json={"tokens_per_day": -1}, headers=admin, timeout=10)
    assert r.status_code == 400
    assert "tokens_per_day" in r.json()["message"]
    r = requests.get(stack.gateway + "/api/usage/users?days=x", headers=admin, timeout=10)
    assert r.status_code == 400


def test_admin_sees_everyones_usage(stack: LLMStack) -> None:
    token = user(stack, "ann")
    claude(stack, token).messages.create(model="claude-opus-4-1", max_tokens=5, messages=MSG)
    admin = {"Authorization": f"Bearer {user(stack, 'admin')}"}
    everyone = requests.get(stack.gateway + "/api/usage/users", headers=admin, timeout=10).json()
    ann = next(u for u in everyone["users"] if u["user"] == "ann")
    assert "claude-opus-4-1" in [m["model"] for m in ann["models"]]
    one = requests.get(stack.gateway + "/api/usage/users/ann", headers=admin, timeout=10).json()
    assert one["recent"][0]["model"] == "claude-opus-4-1"
    quotas = requests.get(stack.gateway + "/api/quotas", headers=admin, timeout=10).json()
    assert quotas["defaults"]["trial_tokens_per_day"] > 0


def test_operator_keys_never_logged(stack: LLMStack) -> None:
    claude(stack, user(stack, "logan")).messages.create(model="m", max_tokens=5, messages=MSG)
    for _ in range(50):  # the service's log reaches the hub's log file asynchronously
        log = stack.hub.log_text()
        if "llm logan anthropic v1/messages 200" in log:
            break
        time.sleep(0.1)
    assert "llm logan anthropic v1/messages 200" in log  # the gateway does log its calls ...
    assert ANTHROPIC_KEY not in log  # ... but never a key
    assert OPENAI_KEY not in log


def test_every_gateway_route_refuses_anonymous_callers(stack: LLMStack) -> None:
    from tornado.web import RequestHandler

    from orpheus_hub.llm.handlers import api, proxy

    routes = [*api.default_handlers, *proxy.default_handlers]
    checked = 0
    for pattern, handler in routes:
        path = pattern.replace("([^/]+)", "probe").replace("(anthropic|openai)", "anthropic").replace(
            "(.*)", "v1/messages")
        for method in ("GET", "HEAD", "POST", "PUT", "DELETE"):
            if getattr(handler, method.lower()) is getattr(RequestHandler, method.lower()):
                continue
            r = requests.request(method, stack.gateway + path, data=b"{}", timeout=10)
            assert r.status_code == 401, (method, path, r.status_code)
            checked += 1
    assert checked >= len(routes)
    # the only public ones: liveness
    assert requests.get(stack.gateway + "/health", timeout=10).json() == {"status": "ok"}
    assert stack.anthropic.requests == []


def test_upstream_timeout_is_504_and_still_accounted(stack: LLMStack) -> None:
    token = user(stack, "tim")
    stack.anthropic.enqueue(Reply(delay=6))  # the gateway's request_timeout is 4 s in these tests
    with pytest.raises(anthropic.APIStatusError) as e:
        claude(stack, token).messages.create(model="m", max_tokens=5, messages=MSG)
    assert e.value.status_code == 504
    assert "did not answer in time" in e.value.message
    assert usage(stack, token)["recent"][0]["status"] == 504


def test_client_going_away_mid_stream_stops_the_upstream_call(stack: LLMStack) -> None:
    token = user(stack, "dora")
    stack.anthropic.enqueue(Reply(text=" ".join(["word"] * 60), chunk_delay=0.1))
    before = stack.anthropic.streams_completed
    cut_before = stack.anthropic.streams_cut
    with requests.post(stack.gateway + "/anthropic/v1/messages", stream=True, timeout=10,
                       headers={"Authorization": f"Bearer {token}"},
                       json={"model": "m", "max_tokens": 5, "messages": MSG, "stream": True}) as r:
        assert r.status_code == 200
        assert b"message_start" in next(r.iter_content(chunk_size=None))
    for _ in range(60):  # the gateway notices on its next chunk and records the call
        recent = usage(stack, token)["recent"]
        if recent:
            break
        time.sleep(0.1)
    assert recent[0]["status"] == 499
    for _ in range(100):  # the fake notices the gateway hanging up on its next write
        if stack.anthropic.streams_cut > cut_before:
            break
        time.sleep(0.1)
    assert stack.anthropic.streams_cut == cut_before + 1  # the upstream stream was cut ...
    assert stack.anthropic.streams_completed == before  # ... not drained


def test_openai_stream_is_passed_through_as_it_comes(stack: LLMStack) -> None:
    token = user(stack, "olga")
    stack.openai.enqueue(Reply(text=" ".join(f"t{i}" for i in range(30)), chunk_delay=0.05))
    before = stack.openai.streams_completed
    first_seen_early = None
    for i, chunk in enumerate(gpt(stack, token).chat.completions.create(
            model="gpt-4o-mini", messages=MSG, stream=True)):
        if i == 1:
            first_seen_early = stack.openai.streams_completed == before
        assert chunk.choices
    assert first_seen_early is True
