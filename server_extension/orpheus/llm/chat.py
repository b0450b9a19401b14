"""Chat with data: the model answers questions about a project's data by calling
``run_python``, whose code runs in the project's chat kernel; text, tables and plotly
figures come back as events, and every step is stored with the conversation."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from .chat_store import ChatStore
from .client import LLMClient, tool_result
from .kernels import ChatKernels

Emit = Callable[[str, dict[str, Any]], Awaitable[None]]

RUN_PYTHON = {
    "name": "run_python",
    "description": "Run Python code in the user's Jupyter kernel. The project's data files are "
    "loaded as pandas DataFrames in `dfs` (file name -> DataFrame; `df` when there is one "
    "file); pandas is `pd`, plotly express is `px`. Print results, display DataFrames, and "
    "call fig.show() for charts. State persists between calls.",
    "input_schema": {"type": "object", "required": ["code"], "additionalProperties": False,
                     "properties": {"code": {"type": "string", "description": "Python source"}}},
}
SYSTEM = (
    "You help a user explore their data. Answer by running small, focused Python steps with "
    "the run_python tool, look at the results, then explain what you found in plain language. "
    "Prefer tables and plotly charts the user can see. Never modify or delete files in data/."
)
MAX_TOOL_CHARS = 6000


def summarize(outputs: list[dict[str, Any]]) -> tuple[str, bool]:
    """What the model is told about a step's outputs (text, truncated) and whether it failed."""
    parts: list[str] = []
    failed = False
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            parts.append(out["text"])
        elif kind == "error":
            failed = True
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
        else:
            data = out.get("data", {})
            if "application/vnd.plotly.v1+json" in data:
                parts.append("[a plotly figure was shown to the user]")
            elif "image/png" in data:
                parts.append("[an image was shown to the user]")
            elif "text/plain" in data:
                parts.append(str(data["text/plain"]))
    text = "\n".join(parts).strip() or "(no output)"
    if len(text) > MAX_TOOL_CHARS:
        text = text[:MAX_TOOL_CHARS] + "\n…(output truncated)"
    return text, failed


class ChatSession:
    """One user message in one conversation: the tool loop until the model answers."""

    def __init__(self, llm: LLMClient, kernels: ChatKernels, folder: Path, api_path: str,
                 emit: Emit, max_steps: int) -> None:
        self.llm, self.kernels, self.folder, self.api_path = llm, kernels, folder, api_path
        self.emit, self.max_steps = emit, max_steps
        self.store = ChatStore(folder)

    async def run(self, message: str, chat_id: str | None) -> dict[str, Any]:
        """Answer ``message``; returns the conversation id, the reply and the steps run."""
        conv = self.store.load(chat_id) if chat_id else self.store.new(message)
        async with self.kernels.lock(self.folder):
            await self.emit("status", {"message": "starting the kernel", "conversation_id": conv["id"]})
            kernel = await self.kernels.ensure(self.folder, self.api_path)
            system = SYSTEM + "\n\nLoaded data (name -> rows, column types):\n" + json.dumps(kernel.data)
            conv["messages"].append({"role": "user", "content": message})
            reply, steps = await self.loop(conv, system, kernel.kernel_id)
        return {"conversation_id": conv["id"], "reply": reply, "steps": steps, "model": conv["model"]}

    async def loop(self, conv: dict[str, Any], system: str, kernel_id: str) -> tuple[str, int]:
        """Model turn, run its code, feed results back; stop at an answer or ``max_steps``."""
        steps = 0
        while True:
            await self.emit("status", {"message": "asking the model"})
            turn = await self.llm.turn(system, conv["messages"], [RUN_PYTHON], on_text=self.text)
            conv["model"] = turn.model or conv["model"]
            conv["messages"].append(turn.as_message())
            if not turn.tool_uses:
                self.store.save(conv)
                return turn.text, steps
            if steps >= self.max_steps:
                note = f"(Stopped after {self.max_steps} steps.)"
                conv["messages"].append({"role": "user", "content": [
                    tool_result(u.id, note, is_error=True) for u in turn.tool_uses]})
                conv["messages"].append({"role": "assistant", "content": note})
                self.store.save(conv)
                return note, steps
            results = [await self.step(conv, kernel_id, use.id, use.input) for use in turn.tool_uses]
            steps += len(results)
            conv["messages"].append({"role": "user", "content": results})
            self.store.save(conv)

    async def step(self, conv: dict[str, Any], kernel_id: str, use_id: str,
                   args: dict[str, Any]) -> dict[str, Any]:
        """Run one ``run_python`` call in the kernel and store it."""
        code = args.get("code")
        if not isinstance(code, str) or not code.strip():
            await self.emit("error", {"message": "run_python needs a non-empty 'code' string"})
            return tool_result(use_id, "run_python needs a non-empty 'code' string", is_error=True)
        await self.emit("tool", {"name": "run_python", "code": code})
        outputs = await self.kernels.execute(kernel_id, code)
        conv["steps"].append({"tool_use_id": use_id, "code": code, "outputs": outputs})
        await self.emit("result", {"outputs": outputs})
        text, failed = summarize(outputs)
        return tool_result(use_id, text, is_error=failed)

    async def text(self, delta: str) -> None:
        """Pass the model's words on as they arrive."""
        await self.emit("text", {"text": delta})
