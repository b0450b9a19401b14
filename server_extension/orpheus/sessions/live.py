"""A running session: its terminado terminal, recorder, and activity counters.

Output, resizes and connections are observed through terminado's client
protocol: the recorder is one of the terminal's ``clients`` (``on_pty_read``,
``on_pty_died``, a ``size`` of none), and after terminado re-sizes the PTY (a
websocket's ``set_size`` or departure) the session reads the size the PTY got
(``ptyproc.getwinsize``), keeps it and records an ``r`` event. A websocket counts
as having attached once it is seen among the clients (at output, input, a
re-size or a status check).

Input is the one thing neither terminado nor jupyter_server_terminals offers a
hook for (``TermSocket`` writes it straight to ``ptyproc.write``); the Orpheus
terminal manager gives every terminal an :class:`InputTap`, and the
session listens to it to count submitted lines and note input activity. Under an
operator's terminal manager that is not Orpheus's, input is not counted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .recorder import AsciicastRecorder


def count_submitted_lines(text: str) -> int:
    """How many lines ``text`` submits (Enter is ``\\r`` in xterm; ``\\r\\n`` counts once)."""
    return text.count("\r") + text.count("\n") - text.count("\r\n")


class InputTap:
    """A terminal's process handle that calls its ``listeners`` with each write (the
    terminal's input) before passing it on; everything else is the process's own."""

    def __init__(self, ptyproc: Any) -> None:
        self.ptyproc = ptyproc
        self.listeners: list[Callable[[str], None]] = []

    def write(self, text: str) -> Any:
        """Tell the listeners, then write to the process."""
        for listener in list(self.listeners):
            listener(text)
        return self.ptyproc.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ptyproc, name)


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
        """Join the terminal as a terminado client (the recorder) and observe its input."""
        term = self.terminal
        self.recorder.on_sizing = self.note_sizing
        term.clients.insert(0, self.recorder)
        if isinstance(term.ptyproc, InputTap):
            term.ptyproc.listeners.append(self.note_input)

    def note_input(self, text: str) -> None:
        """Input reached the terminal (runs in terminado's stdin thread)."""
        self.commands_executed += count_submitted_lines(text)
        self.ever_connected = True  # only a websocket sends input
        self.last_activity = self.clock()
        self.dirty = True

    def note_output(self) -> None:
        """Output left the terminal."""
        self.websocket_clients()
        self.last_activity = self.clock()
        self.dirty = True

    def note_sizing(self) -> None:
        """terminado has just re-sized the PTY to its clients: keep and record the new size."""
        self.websocket_clients()
        if self.recorder.closed:  # the terminal has ended: its PTY is gone
            return
        try:
            rows, cols = self.terminal.ptyproc.getwinsize()
        except (OSError, ValueError):
            return
        if (cols, rows) != self.size:
            self.note_resize(cols, rows)

    def note_resize(self, cols: int, rows: int) -> None:
        """The PTY has a new size."""
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
        """How many clients other than the recorder are attached (noting that one has been)."""
        count = sum(1 for c in self.terminal.clients if c is not self.recorder)
        if count:
            self.ever_connected = True
        return count

    def status(self) -> str:
        """created (never opened), active (a client is attached) or disconnected."""
        if self.websocket_clients():
            return "active"
        return "disconnected" if self.ever_connected else "created"
