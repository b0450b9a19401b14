"""Translate the neutral (Anthropic-shaped) conversation to OpenAI chat completions and back."""

from __future__ import annotations

import json
from typing import Any


def tools(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Anthropic tool definitions as OpenAI function tools."""
    return [{"type": "function", "function": {"name": t["name"], "description": t.get("description", ""),
                                              "parameters": t["input_schema"]}} for t in specs]


def messages(system: str, conversation: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The system prompt and the conversation as chat-completion messages."""
    out: list[dict[str, Any]] = [{"role": "system", "content": system}]
    for message in conversation:
        content = message["content"]
        if isinstance(content, str):
            out.append({"role": message["role"], "content": content})
        elif message["role"] == "assistant":
            out.append(_assistant(content))
        else:
            out.extend(_user_blocks(content))
    return out


def _assistant(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    text = "".join(b["text"] for b in blocks if b["type"] == "text")
    calls = [{"id": b["id"], "type": "function",
              "function": {"name": b["name"], "arguments": json.dumps(b["input"])}}
             for b in blocks if b["type"] == "tool_use"]
    message: dict[str, Any] = {"role": "assistant", "content": text or None}
    if calls:
        message["tool_calls"] = calls
    return message


def _user_blocks(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for b in blocks:
        if b["type"] == "tool_result":
            out.append({"role": "tool", "tool_call_id": b["tool_use_id"], "content": str(b["content"])})
        elif b["type"] == "text":
            out.append({"role": "user", "content": b["text"]})
    return out


class StreamCollector:
    """Accumulates streamed chat-completion chunks into text and tool calls."""

    def __init__(self) -> None:
        self.text = ""
        self.model = ""
        self._calls: dict[int, dict[str, str]] = {}

    def add(self, chunk: Any) -> str:
        """Take one chunk; returns its new text."""
        self.model = chunk.model or self.model
        if not chunk.choices:
            return ""
        delta = chunk.choices[0].delta
        for call in delta.tool_calls or []:
            entry = self._calls.setdefault(call.index, {"id": "", "name": "", "arguments": ""})
            entry["id"] = call.id or entry["id"]
            if call.function is not None:
                entry["name"] = call.function.name or entry["name"]
                entry["arguments"] += call.function.arguments or ""
        text: str = delta.content or ""
        self.text += text
        return text

    def calls(self) -> list[tuple[str, str, dict[str, Any]]]:
        """``(id, name, input)`` of each tool call; unparsable arguments become ``{}``."""
        out = []
        for _, c in sorted(self._calls.items()):
            try:
                args = json.loads(c["arguments"] or "{}")
            except ValueError:
                args = {"_unparsable_arguments": c["arguments"][:2000]}
            out.append((c["id"], c["name"], args if isinstance(args, dict) else {"value": args}))
        return out
