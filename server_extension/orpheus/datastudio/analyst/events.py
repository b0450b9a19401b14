"""Claude's ``--output-format stream-json --verbose`` lines as Data Studio events.

Claude prints one JSON object a line: ``system`` (``init`` with the conversation id),
``assistant`` (a message with ``text`` and ``tool_use`` blocks), ``user`` (``tool_result``
blocks) and finally ``result``. They become ``status``, ``text``, ``tool`` and ``result``
events (the vocabulary of the analysis and the AI features); tool output is cut short.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

OUTPUT_LIMIT = 2000
Event = tuple[str, dict[str, Any]]


def clip(text: str, limit: int = OUTPUT_LIMIT) -> str:
    """``text`` cut to ``limit`` characters (marked when cut)."""
    return text if len(text) <= limit else text[:limit] + f"… ({len(text) - limit} more characters)"


def tool_input(name: str, given: Any) -> dict[str, Any]:
    """A tool call's input for the log: file contents replaced by their size."""
    if not isinstance(given, dict):
        return {}
    shown: dict[str, Any] = {}
    for key, value in given.items():
        if key in ("content", "new_string", "old_string", "new_source") and isinstance(value, str):
            shown[key] = f"({len(value)} characters)"
        else:
            shown[key] = clip(value, 500) if isinstance(value, str) else value
    return shown


def result_text(content: Any) -> str:
    """The text of a ``tool_result`` block's content (a string or a list of blocks)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(b.get("text", "")) for b in content if isinstance(b, dict))
    return ""


@dataclass
class Transcript:
    """What the run learnt from Claude's lines so far."""

    conversation_id: str | None = None
    started: bool = False
    answer: str = ""
    is_error: bool = False
    turns: int | None = None
    tools: dict[str, str] = field(default_factory=dict)  # tool_use id -> tool name

    def feed(self, line: str) -> list[Event]:
        """The events of one line (none for a line that is not a JSON object)."""
        try:
            item = json.loads(line)
        except ValueError:
            return []
        if not isinstance(item, dict):
            return []
        kind = item.get("type")
        if kind == "system" and item.get("subtype") == "init":
            self.started = True
            self.conversation_id = item.get("session_id") or self.conversation_id
            return [("status", {"message": "Claude is working", "conversation_id": self.conversation_id,
                                "model": item.get("model")})]
        if kind in ("assistant", "user"):
            message = item.get("message") or {}
            blocks = message.get("content") if isinstance(message, dict) else None
            return [e for b in blocks if isinstance(b, dict) for e in self._block(b)] \
                if isinstance(blocks, list) else []
        if kind == "result":
            return self._result(item)
        return []

    def _block(self, block: dict[str, Any]) -> list[Event]:
        kind = block.get("type")
        if kind == "text" and block.get("text"):
            return [("text", {"text": str(block["text"])})]
        if kind == "tool_use":
            name = str(block.get("name", ""))
            self.tools[str(block.get("id"))] = name
            return [("tool", {"id": block.get("id"), "name": name,
                              "input": tool_input(name, block.get("input"))})]
        if kind == "tool_result":
            use = str(block.get("tool_use_id"))
            return [("result", {"kind": "tool", "id": use, "name": self.tools.get(use),
                                "is_error": bool(block.get("is_error")),
                                "output": clip(result_text(block.get("content")))})]
        return []

    def _result(self, item: dict[str, Any]) -> list[Event]:
        self.answer = str(item.get("result") or "")
        self.is_error = bool(item.get("is_error"))
        self.turns = item.get("num_turns") if isinstance(item.get("num_turns"), int) else None
        self.conversation_id = item.get("session_id") or self.conversation_id
        if self.is_error:
            return [("error", {"message": f"Claude stopped with an error: {clip(self.answer, 500)}"})]
        return [("status", {"message": "Claude has finished", "turns": self.turns})]
