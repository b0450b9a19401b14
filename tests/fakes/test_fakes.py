"""The fakes speak the wire formats the real SDKs expect (checked with the SDKs themselves)."""

from __future__ import annotations

from collections.abc import Iterator

import anthropic
import openai
import pytest
import requests

from tests.fakes.anthropic import FakeAnthropic
from tests.fakes.base import Reply, ToolCall
from tests.fakes.openai import FakeOpenAI

KEY = "sk-fake-operator-key"


@pytest.fixture
def fake_anthropic() -> Iterator[FakeAnthropic]:
    with FakeAnthropic(api_key=KEY) as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_key=KEY) as fake:
        yield fake  # type: ignore[misc]


def test_anthropic_non_streaming_and_recording(fake_anthropic: FakeAnthropic) -> None:
    client = anthropic.Anthropic(api_key=KEY, base_url=fake_anthropic.url)
    fake_anthropic.enqueue(Reply(text="scripted answer", input_tokens=11, output_tokens=7))
    msg = client.messages.create(model="claude-haiku-4-5", max_tokens=50,
                                 messages=[{"role": "user", "content": "hi"}])
    assert msg.content[0].text == "scripted answer"  # type: ignore[union-attr]
    assert (msg.usage.input_tokens, msg.usage.output_tokens) == (11, 7)
    rec = fake_anthropic.message_requests()[-1]
    assert rec.credential() == KEY
    assert rec.json["messages"][0]["content"] == "hi"


def test_anthropic_streaming_with_tool_use(fake_anthropic: FakeAnthropic) -> None:
    client = anthropic.Anthropic(api_key=KEY, base_url=fake_anthropic.url)
    fake_anthropic.enqueue(Reply(text="Let me look that up for you now.",
                                 tool_calls=[ToolCall("lookup", {"query": "weather in Paris", "n": 3})]))
    with client.messages.stream(model="claude-haiku-4-5", max_tokens=50,
                                messages=[{"role": "user", "content": "weather?"}]) as stream:
        texts = list(stream.text_stream)
        final = stream.get_final_message()
    assert len(texts) > 1
    assert "".join(texts) == "Let me look that up for you now."
    tool = final.content[1]
    assert tool.type == "tool_use"
    assert tool.input == {"query": "weather in Paris", "n": 3}
    assert final.stop_reason == "tool_use"
    assert final.usage.output_tokens > 0


def test_anthropic_failures_count_tokens_models_and_head(fake_anthropic: FakeAnthropic) -> None:
    client = anthropic.Anthropic(api_key=KEY, base_url=fake_anthropic.url, max_retries=0)
    fake_anthropic.fail(529, "Overloaded", "overloaded_error")
    with pytest.raises(anthropic.APIStatusError) as e:
        client.messages.create(model="m", max_tokens=5, messages=[{"role": "user", "content": "x"}])
    assert e.value.status_code == 529
    assert "Overloaded" in str(e.value)
    with pytest.raises(anthropic.AuthenticationError):
        anthropic.Anthropic(api_key="wrong", base_url=fake_anthropic.url).models.list()
    count = client.messages.count_tokens(model="m", messages=[{"role": "user", "content": "x" * 400}])
    assert count.input_tokens > 90
    assert [m.id for m in client.models.list()][0] == "claude-sonnet-4-5"
    assert requests.head(fake_anthropic.url + "/anything", timeout=5).status_code == 200


def test_openai_streaming_usage_and_tool_calls(fake_openai: FakeOpenAI) -> None:
    client = openai.OpenAI(api_key=KEY, base_url=fake_openai.url)
    fake_openai.enqueue(Reply(text="one two three four five", input_tokens=5, output_tokens=9))
    chunks = list(client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True,
        stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "one two three four five"
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 9
    fake_openai.enqueue(Reply(text="", tool_calls=[ToolCall("run_python", {"code": "1+1"})]))
    done = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "x"}])
    call = done.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert call.function.name == "run_python"
    assert call.function.arguments == '{"code": "1+1"}'
    assert [m.id for m in client.models.list()][0] == "gpt-4o-mini"
    fake_openai.fail(429, "Rate limit reached", "rate_limit_error")
    with pytest.raises(openai.RateLimitError):
        openai.OpenAI(api_key=KEY, base_url=fake_openai.url, max_retries=0).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "x"}])
