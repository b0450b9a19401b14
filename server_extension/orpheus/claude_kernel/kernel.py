"""The Claude kernel: every cell is a message to Claude, the notebook is the conversation.

An answer streams into one ``display_data`` output (Markdown, updated in place with
``update_display_data``), so JupyterLab shows it as it comes and the saved notebook,
and its nbconvert HTML export, hold the rendered answer. Python code in the answer
is offered as a new cell (``set_next_input``) for the user to run in a Python
kernel; the Claude kernel never runs code. Failures are Markdown messages in the
cell's output, never tracebacks.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from pathlib import Path
from typing import Any

from ipykernel.kernelbase import Kernel

from .. import __version__
from . import OUTPUT_KEY
from .history import Exchange, Memory, exchanges, messages, notebook_path, read_cells
from .model import ModelError, Settings, stream_answer
from .proposals import is_proposal, next_input_payload, proposed_cell

THINKING = "*Claude is thinking…*"
INTERRUPTED = "*(Interrupted.)*"
PROPOSAL_NOTE = (
    "*Claude proposed code: it is in a new cell below, not run. Run it in a Python kernel "
    "(copy it into a Python notebook, or open a console for one) after reading it.*"
)
NOT_A_MESSAGE = (
    "This cell holds code Claude proposed; the Claude kernel does not run code and does not send "
    "it to Claude. Run it in a Python kernel: copy it into a notebook or console with a Python kernel."
)
#: Seconds between two updates of a streaming answer (more text arriving sooner waits for the next).
UPDATE_INTERVAL = 0.05


class AnswerDisplay:
    """One Markdown output that grows while the answer streams."""

    def __init__(self, kernel: ClaudeKernel) -> None:
        self.kernel = kernel
        self.display_id = "claude-" + secrets.token_hex(8)
        self.text = ""
        self.last_update = 0.0
        self.publish("display_data", THINKING, "pending")

    def publish(self, kind: str, markdown: str, role: str) -> None:
        """Send (``display_data``) or replace (``update_display_data``) the output."""
        self.kernel.send_response(self.kernel.iopub_socket, kind, {  # type: ignore[no-untyped-call]
            "data": {"text/markdown": markdown, "text/plain": markdown},
            "metadata": {OUTPUT_KEY: {"role": role}},
            "transient": {"display_id": self.display_id},
        })

    async def add(self, text: str) -> None:
        """Append streamed text; the output is updated at most every ``UPDATE_INTERVAL`` seconds."""
        self.text += text
        now = time.monotonic()
        if now - self.last_update >= UPDATE_INTERVAL:
            self.last_update = now
            self.publish("update_display_data", self.text, "pending")

    def finish(self, markdown: str, role: str = "answer") -> None:
        """The final content: the answer (read back as history), or a message (``role="error"``)."""
        self.publish("update_display_data", markdown, role)


class ClaudeKernel(Kernel):  # type: ignore[misc]
    """Sends each cell, with the conversation above it, to Claude through the hub's gateway."""

    implementation = "orpheus-claude"
    implementation_version = __version__
    language_info = {"name": "markdown", "mimetype": "text/markdown", "file_extension": ".md"}
    banner = "Claude through the hub's LLM gateway: each cell is a message, the notebook is the conversation."

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)  # type: ignore[no-untyped-call]
        self.memory = Memory()
        self.settings = Settings.from_env()
        self._answering: tuple[asyncio.AbstractEventLoop, asyncio.Future[str]] | None = None

    async def do_execute(
        self, code: str, silent: bool, store_history: bool = True,
        user_expressions: dict[str, Any] | None = None, allow_stdin: bool = False,
        *, cell_meta: dict[str, Any] | None = None, cell_id: str | None = None,
    ) -> dict[str, Any]:
        """Answer one cell; a proposed code block comes back as a ``set_next_input`` payload."""
        question = code.strip()
        if silent or not question:
            return self.reply()
        if is_proposal(code):
            self.note(NOT_A_MESSAGE)
            return self.reply()
        history = exchanges(read_cells(self.notebook()), cell_id, self.memory)
        display = AnswerDisplay(self)
        try:
            answer = await self.answer(messages(history, question), display)
        except ModelError as e:
            display.finish(f"**Claude could not answer.** {e}", "error")
            return self.reply(error=("ModelError", str(e)))
        except asyncio.CancelledError:  # interrupted: what arrived stays, marked, and is part of the conversation
            shown = f"{display.text}\n\n{INTERRUPTED}".lstrip()
            display.finish(shown, "answer" if display.text else "error")
            if display.text:
                self.memory.record(Exchange(question, shown, cell_id))
            return self.reply(error=("KeyboardInterrupt", "interrupted"))
        display.finish(answer)
        self.memory.record(Exchange(question, answer, cell_id))
        proposal = proposed_cell(answer)
        if proposal is None:
            return self.reply()
        self.note(PROPOSAL_NOTE)
        return self.reply(payload=[next_input_payload(proposal)])

    async def answer(self, conversation: list[dict[str, Any]], display: AnswerDisplay) -> str:
        """Stream the model's answer into ``display``; an interrupt cancels it."""
        task = asyncio.ensure_future(stream_answer(self.settings, conversation, display.add))
        self._answering = (asyncio.get_running_loop(), task)
        try:
            return await task
        finally:
            self._answering = None

    async def interrupt_request(self, stream: Any, ident: Any, parent: Any) -> None:
        """Stop the answer being streamed (the kernelspec uses message interrupts).

        No SIGINT to itself, unlike the base class: the kernel has no child process to
        interrupt, and a KeyboardInterrupt landing inside the event loop could wedge it.
        """
        answering = self._answering
        if answering is not None:
            loop, task = answering
            loop.call_soon_threadsafe(task.cancel)
        if self.session:
            self.session.send(stream, "interrupt_reply", {"status": "ok"}, parent, ident=ident)

    def notebook(self) -> Path | None:
        """The notebook this kernel serves, from ``JPY_SESSION_NAME`` (``None``: a console, or unknown)."""
        return notebook_path(os.environ.get("JPY_SESSION_NAME", ""), Path.cwd())

    def note(self, markdown: str) -> None:
        """A Markdown output that is not part of the conversation."""
        self.send_response(self.iopub_socket, "display_data", {  # type: ignore[no-untyped-call]
            "data": {"text/markdown": markdown, "text/plain": markdown},
            "metadata": {OUTPUT_KEY: {"role": "note"}},
        })

    def reply(self, payload: list[dict[str, Any]] | None = None,
              error: tuple[str, str] | None = None) -> dict[str, Any]:
        """The ``execute_reply`` content (an error reply carries no traceback)."""
        if error is not None:
            return {"status": "error", "execution_count": self.execution_count,
                    "ename": error[0], "evalue": error[1], "traceback": []}
        return {"status": "ok", "execution_count": self.execution_count,
                "payload": payload or [], "user_expressions": {}}

    async def do_complete(self, code: str, cursor_pos: int) -> dict[str, Any]:
        """No completion: cells are prose."""
        return {"status": "ok", "matches": [], "cursor_start": cursor_pos, "cursor_end": cursor_pos,
                "metadata": {}}

    async def do_is_complete(self, code: str) -> dict[str, Any]:
        """A message is always complete (Enter in a console sends it)."""
        return {"status": "complete"}
