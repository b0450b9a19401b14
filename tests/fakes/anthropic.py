"""A local fake of the Anthropic Messages API (the only stand-in for the real upstream).

Speaks the wire format the ``anthropic`` SDK and the ``claude`` CLI use:
``POST /v1/messages`` (JSON, or server-sent events with ``stream: true``:
message_start, content_block_start/delta/stop, message_delta with usage,
message_stop), ``POST /v1/messages/count_tokens``, ``GET /v1/models`` and
``HEAD`` on any path (the CLI probes its base URL). Tool use is scripted with
:class:`~tests.fakes.base.ToolCall`. Errors use Anthropic's error body.

Run standalone: ``python -m tests.fakes.anthropic [--key KEY] [--prefix /p]``
prints the base URL and serves until interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
from typing import Any

from .base import (
    FakeHandler,
    FakeUpstream,
    RecordedRequest,
    Reply,
    ToolCall,
    estimate_tokens,
    serve_forever,
    split_chunks,
)

__all__ = ["FakeAnthropic", "Reply", "ToolCall"]

MODELS = [
    {"id": "claude-sonnet-4-5", "display_name": "Claude Sonnet 4.5"},
    {"id": "claude-haiku-4-5", "display_name": "Claude Haiku 4.5"},
    {"id": "claude-opus-4-1", "display_name": "Claude Opus 4.1"},
]


def error_body(error_type: str, message: str) -> dict[str, Any]:
    """Anthropic's error envelope."""
    return {"type": "error", "error": {"type": error_type, "message": message}}


def sse(event: str, data: dict[str, Any]) -> str:
    """One server-sent event frame."""
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


class AnthropicHandler(FakeHandler):
    """Shared checks: the key (``x-api-key`` or ``Authorization: Bearer``)."""

    def authorized(self) -> bool:
        key = self.fake.api_key
        if key is None:
            return True
        presented = self.request.headers.get("x-api-key") or ""
        auth = self.request.headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            presented = presented or auth[7:]
        if secrets.compare_digest(presented.encode(), key.encode()):
            return True
        self.write_json(401, error_body("authentication_error", "invalid x-api-key"))
        return False

    def head(self, *args: str) -> None:
        """The CLI sends ``HEAD <base>``; any answer will do."""
        self.set_status(200)


class MessagesHandler(AnthropicHandler):
    """``POST /v1/messages``."""

    async def post(self) -> None:
        if not self.authorized():
            return
        body = self.body_json()
        if body is None or not isinstance(body.get("messages"), list) or "model" not in body:
            self.write_json(400, error_body("invalid_request_error", "model and messages: Field required"))
            return
        reply = self.fake.next_reply(self.recorded)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.status >= 400:
            self.write_json(reply.status, error_body(reply.error_type, reply.error_message),
                            {"request-id": "req_fake_" + secrets.token_hex(6)})
            return
        message = build_message(body, reply)
        if body.get("stream"):
            await self.stream(message, reply)
        else:
            self.write_json(200, message, {"request-id": "req_fake_" + secrets.token_hex(6)})

    async def stream(self, message: dict[str, Any], reply: Reply) -> None:
        self.set_header("Content-Type", "text/event-stream")
        self.set_header("Cache-Control", "no-cache")
        for event, data in stream_events(message):
            if not await self.send_event(sse(event, data), reply.chunk_delay):
                return
        self.fake.streams_completed += 1
        self.finish()


class CountTokensHandler(AnthropicHandler):
    """``POST /v1/messages/count_tokens``."""

    def post(self) -> None:
        if not self.authorized():
            return
        body = self.body_json()
        if body is None or not isinstance(body.get("messages"), list):
            self.write_json(400, error_body("invalid_request_error", "messages: Field required"))
            return
        payload = {k: body.get(k) for k in ("system", "messages", "tools")}
        self.write_json(200, {"input_tokens": estimate_tokens(payload)})


class ModelsHandler(AnthropicHandler):
    """``GET /v1/models``."""

    def get(self) -> None:
        if not self.authorized():
            return
        data = [{"type": "model", "created_at": "2025-09-29T00:00:00Z", **m} for m in MODELS]
        self.write_json(200, {"data": data, "has_more": False,
                              "first_id": data[0]["id"], "last_id": data[-1]["id"]})


class ProbeHandler(AnthropicHandler):
    """Anything else: ``HEAD`` answers 200, other methods 404 in Anthropic's shape."""

    def get(self, *args: str) -> None:
        self.write_json(404, error_body("not_found_error", f"Not found: {self.request.path}"))

    post = get


def build_message(request: dict[str, Any], reply: Reply) -> dict[str, Any]:
    """The complete Message object the reply stands for."""
    content: list[dict[str, Any]] = []
    if reply.text:
        content.append({"type": "text", "text": reply.text})
    for call in reply.tool_calls:
        content.append({"type": "tool_use", "id": call.id or "toolu_" + secrets.token_hex(8),
                        "name": call.name, "input": call.input})
    payload = {k: request.get(k) for k in ("system", "messages", "tools")}
    return {
        "id": "msg_fake_" + secrets.token_hex(8),
        "type": "message",
        "role": "assistant",
        "model": reply.model or request["model"],
        "content": content,
        "stop_reason": "tool_use" if reply.tool_calls else "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": reply.input_tokens if reply.input_tokens is not None else estimate_tokens(payload),
            "output_tokens": reply.output_tokens if reply.output_tokens is not None else estimate_tokens(content),
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        },
    }


def stream_events(message: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The SSE events that stream ``message``, as the real API orders them."""
    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None,
             "usage": {**usage, "output_tokens": 1}}
    events: list[tuple[str, dict[str, Any]]] = [("message_start", {"type": "message_start", "message": start})]
    events.append(("ping", {"type": "ping"}))
    for index, block in enumerate(message["content"]):
        events.extend(block_events(index, block))
    events.append(("message_delta", {
        "type": "message_delta",
        "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
        "usage": {"output_tokens": usage["output_tokens"]},
    }))
    events.append(("message_stop", {"type": "message_stop"}))
    return events


def block_events(index: int, block: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """content_block_start, its deltas and content_block_stop for one block."""
    if block["type"] == "text":
        start = {"type": "text", "text": ""}
        deltas = [{"type": "text_delta", "text": part} for part in split_chunks(block["text"])]
    else:
        start = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
        raw = json.dumps(block["input"])
        deltas = [{"type": "input_json_delta", "partial_json": raw[i : i + 16]}
                  for i in range(0, len(raw), 16)]
    events = [("content_block_start", {"type": "content_block_start", "index": index, "content_block": start})]
    events += [("content_block_delta", {"type": "content_block_delta", "index": index, "delta": d})
               for d in deltas]
    events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    return events


class FakeAnthropic(FakeUpstream):
    """The fake Anthropic API. ``url`` is what ``ANTHROPIC_BASE_URL`` should be."""

    def routes(self) -> list[Any]:
        p = self.prefix
        args = {"fake": self}
        return [
            (p + r"/v1/messages", MessagesHandler, args),
            (p + r"/v1/messages/count_tokens", CountTokensHandler, args),
            (p + r"/v1/models", ModelsHandler, args),
            (r"(.*)", ProbeHandler, args),
        ]

    def message_requests(self) -> list[RecordedRequest]:
        """Recorded ``POST .../v1/messages`` requests (not count_tokens)."""
        return [r for r in self.model_requests() if r.path.endswith("/v1/messages")]


def main() -> None:
    """Serve a fake in the foreground."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--key", default=None, help="the API key callers must present")
    parser.add_argument("--prefix", default="", help="path prefix of the API")
    parser.add_argument("--text", default=Reply().text, help="the reply text")
    args = parser.parse_args()
    fake = FakeAnthropic(api_key=args.key, prefix=args.prefix)
    fake.default_reply.text = args.text
    serve_forever(fake)


if __name__ == "__main__":
    main()
