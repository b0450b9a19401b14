"""A running session: its terminado terminal, recorder, and activity counters.

Input, resizes and connections are observed on the terminal objects terminado
already has, without subclassing or re-implementing it:

- ``ptyproc.write`` (called by ``TermSocket.stdin_to_ptyproc``) is wrapped to
  count submitted lines and note input activity;
- ``ptyproc.setwinsize`` (called by ``PtyWithClients.resize_to_smallest`` when a
  websocket sends ``set_size``) is wrapped to keep the last size and record an
  ``r`` event;
- ``clients`` becomes a list that notes when a websocket has attached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .recorder import AsciicastRecorder


def count_submitted_lines(text: str) -> int:
    """How many lines ``text`` submits (Enter is ``\\r`` in xterm; ``\\r\\n`` counts once)."""
    return text.count("\r") + text.count("\n") - text.count("\r\n")


class _ClientList(list):  # type: ignore[type-arg]
    """terminado's client list, noting when a real (websocket) client attaches."""

    def __init__(self, items: list[Any], on_attach: Callable[[], None]) -> None:
        super().__init__(items)
        self._on_attach = on_attach

    def append(self, item: Any) -> None:
        super().append(item)
        self._on_attach()


class LiveSession:
    """Bookkeeping for one session whose terminal is running."""

    def __init__(
        self,
        session_id: str,
        terminal_name: str,
        terminal: Any,
        recorder: AsciicastRecorder,
        clock: Callable[[], float],
        base_commands: int = 0,
    ) -> None:
        self.session_id = session_id
        self.terminal_name = terminal_name
        self.terminal = terminal
        self.recorder = recorder
        self.clock = clock
        self.started = clock()
        self.last_activity = self.started
        # Lines submitted before this terminal (earlier runs of a resumed session).
        self.base_commands = base_commands
        self.commands_executed = 0
        self.size: tuple[int, int] | None = None
        self.ever_connected = False
        # The session record as of this terminal's start (the manager sets it).
        self.record: dict[str, Any] = {}
        self.dirty = False

    def attach(self) -> None:
        """Hook the recorder and the input/size/client observers into the terminal."""
        term = self.terminal
        term.clients = _ClientList([self.recorder, *term.clients], self._on_attach)
        ptyproc = term.ptyproc
        original_write = ptyproc.write
        original_setwinsize = ptyproc.setwinsize

        def write(text: str) -> Any:
            self.note_input(text)
            return original_write(text)

        def setwinsize(rows: int, cols: int) -> Any:
            result = original_setwinsize(rows, cols)
            self.note_resize(cols, rows)
            return result

        ptyproc.write = write
        ptyproc.setwinsize = setwinsize

    def _on_attach(self) -> None:
        self.ever_connected = True

    def note_input(self, text: str) -> None:
        """Input reached the terminal (runs in terminado's stdin thread)."""
        self.commands_executed += count_submitted_lines(text)
        self.last_activity = self.clock()
        self.dirty = True

    def note_output(self) -> None:
        """Output left the terminal."""
        self.last_activity = self.clock()
        self.dirty = True

    def note_resize(self, cols: int, rows: int) -> None:
        """The PTY was resized (through terminado's ``set_size``)."""
        self.size = (cols, rows)
        self.recorder.resize(cols, rows)
        self.dirty = True

    def counters(self) -> dict[str, Any]:
        """The record fields this terminal keeps current."""
        return {
            "last_activity": self.last_activity,
            "commands_executed": self.base_commands + self.commands_executed,
            "size": {"cols": self.size[0], "rows": self.size[1]} if self.size else None,
        }

    def websocket_clients(self) -> int:
        """How many clients other than the recorder are attached."""
        return sum(1 for c in self.terminal.clients if c is not self.recorder)

    def status(self) -> str:
        """created (never opened), active (a client is attached) or disconnected."""
        if self.websocket_clients():
            return "active"
        return "disconnected" if self.ever_connected else "created"
