"""A local fake of the OpenAI Chat Completions API (the only stand-in for the real upstream).

``POST /v1/chat/completions`` (JSON, or ``data:`` chunks with ``stream: true``
ending in ``data: [DONE]``; with ``stream_options.include_usage`` a final
chunk with empty ``choices`` carries the usage), tool calls scripted with
:class:`~tests.fakes.base.ToolCall`, ``GET /v1/models``, OpenAI's error body.

Run standalone: ``python -m tests.fakes.openai [--key KEY]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import time
from typing import Any

from .base import (
    FakeHandler,
    FakeUpstream,
    Reply,
    ToolCall,
    estimate_tokens,
    serve_forever,
    split_chunks,
)

__all__ = ["FakeOpenAI", "Reply", "ToolCall"]

MODELS = ["gpt-4o-mini", "gpt-4o", "gpt-4.1"]


def error_body(error_type: str, message: str) -> dict[str, Any]:
    """OpenAI's error envelope."""
    return {"error": {"message": message, "type": error_type, "param": None, "code": None}}


class OpenAIHandler(FakeHandler):
    """Shared check: ``Authorization: Bearer <key>``."""

    def authorized(self) -> bool:
        key = self.fake.api_key
        if key is None:
            return True
        auth = self.request.headers.get("Authorization", "")
        presented = auth[7:] if auth.lower().startswith("bearer ") else ""
        if secrets.compare_digest(presented.encode(), key.encode()):
            return True
        self.write_json(401, error_body("invalid_request_error", "Incorrect API key provided."))
        return False


class ChatCompletionsHandler(OpenAIHandler):
    """``POST /v1/chat/completions``."""

    async def post(self) -> None:
        if not self.authorized():
            return
        body = self.body_json()
        if body is None or not isinstance(body.get("messages"), list) or "model" not in body:
            self.write_json(400, error_body("invalid_request_error", "model and messages are required"))
            return
        reply = self.fake.next_reply(self.recorded)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.status >= 400:
            self.write_json(reply.status, error_body(reply.error_type, reply.error_message))
            return
        completion = build_completion(body, reply)
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            self.set_header("Content-Type", "text/event-stream")
            for chunk in stream_chunks(completion, include_usage):
                if not await self.send_event(f"data: {json.dumps(chunk)}\n\n", reply.chunk_delay):
                    return
            self.fake.streams_completed += 1
            self.finish("data: [DONE]\n\n")
        else:
            self.write_json(200, completion)


class ModelsHandler(OpenAIHandler):
    """``GET /v1/models``."""

    def get(self) -> None:
        if not self.authorized():
            return
        data = [{"id": m, "object": "model", "created": 1_700_000_000, "owned_by": "openai"} for m in MODELS]
        self.write_json(200, {"object": "list", "data": data})


class NotFoundHandler(OpenAIHandler):
    """Anything else."""

    def get(self, *args: str) -> None:
        self.write_json(404, error_body("invalid_request_error", f"Unknown request URL: {self.request.path}"))

    post = get


def build_completion(request: dict[str, Any], reply: Reply) -> dict[str, Any]:
    """The complete ChatCompletion the reply stands for."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.text or None, "refusal": None}
    if reply.tool_calls:
        message["tool_calls"] = [
            {"id": call.id or "call_" + secrets.token_hex(8), "type": "function",
             "function": {"name": call.name, "arguments": json.dumps(call.input)}}
            for call in reply.tool_calls
        ]
    prompt = reply.input_tokens if reply.input_tokens is not None else estimate_tokens(
        {k: request.get(k) for k in ("messages", "tools")})
    completion = reply.output_tokens if reply.output_tokens is not None else estimate_tokens(message)
    return {
        "id": "chatcmpl-fake" + secrets.token_hex(8),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": reply.model or request["model"],
        "choices": [{"index": 0, "message": message, "logprobs": None,
                     "finish_reason": "tool_calls" if reply.tool_calls else "stop"}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                  "total_tokens": prompt + completion},
    }


def stream_chunks(completion: dict[str, Any], include_usage: bool) -> list[dict[str, Any]]:
    """The ``chat.completion.chunk`` objects that stream ``completion``."""
    base = {k: completion[k] for k in ("id", "created", "model")} | {"object": "chat.completion.chunk"}
    choice = completion["choices"][0]
    message = choice["message"]

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**base, "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}

    chunks = [chunk({"role": "assistant", "content": ""})]
    if message["content"]:
        chunks += [chunk({"content": part}) for part in split_chunks(message["content"])]
    for index, call in enumerate(message.get("tool_calls", [])):
        fn = call["function"]
        chunks.append(chunk({"tool_calls": [{"index": index, "id": call["id"], "type": "function",
                                             "function": {"name": fn["name"], "arguments": ""}}]}))
        args = fn["arguments"]
        chunks += [chunk({"tool_calls": [{"index": index, "function": {"arguments": args[i : i + 16]}}]})
                   for i in range(0, len(args), 16)]
    chunks.append(chunk({}, choice["finish_reason"]))
    if include_usage:
        chunks.append({**base, "choices": [], "usage": completion["usage"]})
    return chunks


class FakeOpenAI(FakeUpstream):
    """The fake OpenAI API. ``url`` (ending in ``/v1``) is what ``OPENAI_BASE_URL`` should be."""

    def __init__(self, api_key: str | None = None, prefix: str = "") -> None:
        super().__init__(api_key=api_key, prefix=prefix)

    @property
    def url(self) -> str:
        """The SDK's base URL includes ``/v1``."""
        return f"http://127.0.0.1:{self.port}{self.prefix}/v1"

    def routes(self) -> list[Any]:
        p = self.prefix
        args = {"fake": self}
        return [
            (p + r"/v1/chat/completions", ChatCompletionsHandler, args),
            (p + r"/v1/models", ModelsHandler, args),
            (r"(.*)", NotFoundHandler, args),
        ]


def main() -> None:
    """Serve a fake in the foreground."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--key", default=None, help="the API key callers must present")
    parser.add_argument("--text", default=Reply().text, help="the reply text")
    args = parser.parse_args()
    fake = FakeOpenAI(api_key=args.key)
    fake.default_reply.text = args.text
    serve_forever(fake)


if __name__ == "__main__":
    main()
