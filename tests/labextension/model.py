"""The fake model behind the e2e hub's LLM gateway, answering by what each caller asks.

Three callers reach it through the gateway, told apart by the tools they offer:
chat with data (``run_python``), "change in words" (``update_widget``) and the
real ``claude`` CLI of a session (anything else). Chat gets a real tool loop: the
model asks the kernel to count the rows of the uploaded file, then answers with
the number the kernel printed, so the answer on screen is only right if the code
really ran. Edits get the change the test asked for (``Model.edit``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.anthropic import FakeAnthropic, Reply, ToolCall
from tests.fakes.base import RecordedRequest

#: What Claude says in a session terminal (checked on screen).
SESSION_REPLY = "Orpheus e2e reply: the uploaded sales figures are ready"

#: The code chat asks the kernel to run (its working folder is the project).
COUNT_ROWS = (
    "import pathlib\nimport pandas as pd\n"
    "path = next(pathlib.Path('.').rglob('sales.csv'))\n"
    "print('ROWS', len(pd.read_csv(path)))"
)


def tool_results(body: dict[str, Any]) -> list[str]:
    """The text of the tool results in the request's last (user) message."""
    last = body["messages"][-1] if body.get("messages") else {}
    content = last.get("content") if isinstance(last, dict) else None
    texts: list[str] = []
    for block in content if isinstance(content, list) else []:
        if isinstance(block, dict) and block.get("type") == "tool_result":
            inner = block.get("content")
            texts.append(inner if isinstance(inner, str) else json.dumps(inner))
    return texts


def printed_rows(results: list[str]) -> str | None:
    """The number after ``ROWS`` in what the kernel printed, if any."""
    for text in results:
        words = text.replace("\\n", " ").replace('"', " ").split()
        for before, after in zip(words, words[1:], strict=False):
            if before == "ROWS" and after.isdigit():
                return after
    return None


@dataclass
class Model:
    """Routes each request of the fake upstream to the caller's script."""

    fake: FakeAnthropic
    edit: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.fake.responder = self.reply

    def reply(self, request: RecordedRequest) -> Reply | None:
        """The scripted answer for ``request``."""
        body = request.json if isinstance(request.json, dict) else {}
        tools = {t.get("name") for t in body.get("tools", []) if isinstance(t, dict)}
        if "run_python" in tools:
            return self.chat(body)
        if "update_widget" in tools:
            return Reply(text="Changed as asked.", tool_calls=[ToolCall("update_widget", dict(self.edit))])
        return Reply(text=SESSION_REPLY)

    def chat(self, body: dict[str, Any]) -> Reply:
        """First ask the kernel to count; then answer with the count it printed."""
        results = tool_results(body)
        if not results:
            return Reply(text="Let me count the rows.", tool_calls=[ToolCall("run_python", {"code": COUNT_ROWS})])
        rows = printed_rows(results)
        if rows is None:
            return Reply(text="The code did not print a row count: " + " ".join(results)[:300])
        return Reply(text=f"The sales file has {rows} rows.")

    def chat_requests(self) -> list[dict[str, Any]]:
        """The bodies of the requests chat sent."""
        return [r.json for r in self.fake.message_requests()
                if isinstance(r.json, dict) and any(t.get("name") == "run_python" for t in r.json.get("tools", []))]
