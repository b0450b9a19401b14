"""asciicast v2 recording of a terminado terminal, attached as a size-neutral client.

terminado hands every chunk it reads from the PTY to each object in
``PtyWithClients.clients`` (``on_pty_read``) and tells them when the PTY dies
(``on_pty_died``); it sizes the PTY to the smallest client ``size``, skipping
``None``. The recorder is such a client with a ``size`` of ``(None, None)``, so it
sees exactly what the websockets see and never changes the terminal's size; as
terminado reads every client's ``size`` whenever it reconsiders the PTY's size (a
websocket's ``set_size`` or departure), the recorder calls ``on_sizing`` once that
pass is over, so its owner can look at the size the PTY got. Events
are encoded with the C string encoder (about a third of what ``json.dumps`` of
the whole event costs), buffered, and handed to one writer thread at most every
``flush_interval`` seconds or 256 KiB, so the terminal's read loop never waits on
the disk. ``taps`` (live share publishers) get every event as it is recorded:
``on_event(time, code, data)`` on the event loop, and ``on_close()`` once, when the
recording ends.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from pathlib import Path
from typing import IO, Protocol

from tornado.ioloop import IOLoop

FLUSH_BYTES = 256 * 1024


def cast_header(width: int, height: int, title: str, timestamp: float, env: dict[str, str]) -> str:
    """The asciicast v2 header line."""
    header = {
        "version": 2,
        "width": width,
        "height": height,
        "timestamp": int(timestamp),
        "title": title,
        "env": env,
    }
    return json.dumps(header) + "\n"


def last_event_time(path: Path) -> float:
    """The time of the last event in an existing recording (0 when none)."""
    try:
        with path.open("rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 65536))
            lines = f.read().splitlines()
    except OSError:
        return 0.0
    for line in reversed(lines):
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, list) and event and isinstance(event[0], (int, float)):
            return float(event[0])
    return 0.0


class RecordingTap(Protocol):
    """Something that follows a recording as it is made (a live share publisher)."""

    def on_event(self, time: float, code: str, data: str) -> None:
        """One ``o`` (output) or ``r`` (resize, ``COLSxROWS``) event."""

    def on_close(self) -> None:
        """The recording has ended (the terminal died or the session stopped)."""


class AsciicastRecorder:
    """A terminado pseudo-client that appends ``o`` and ``r`` events to a ``.cast`` file."""

    def __init__(
        self,
        path: Path,
        *,
        width: int,
        height: int,
        title: str,
        env: dict[str, str],
        on_output: Callable[[], None] | None = None,
        on_died: Callable[[], None] | None = None,
        on_sizing: Callable[[], None] | None = None,
        flush_interval: float = 1.0,
    ) -> None:
        self.path = path
        self.on_output = on_output
        self.on_died = on_died
        self.on_sizing = on_sizing
        self._sizing_scheduled = False
        self.flush_interval = flush_interval
        self._pending: list[str] = []
        self._pending_bytes = 0
        self._flush_scheduled = False
        path.parent.mkdir(parents=True, exist_ok=True)
        # Resuming appends to the same recording, continuing its clock.
        self._offset = 0.0
        if path.exists() and path.stat().st_size > 0:
            self._offset = last_event_time(path) + 0.5
        else:
            path.write_text(cast_header(width, height, title, time.time(), env), encoding="utf-8")
        self._file: IO[str] | None = path.open("a", encoding="utf-8")
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="asciicast")
        self._last_write: Future[None] | None = None
        self._start = time.monotonic()
        self.taps: list[RecordingTap] = []

    def elapsed(self) -> float:
        """Seconds since the recording (or the first recorded terminal) started."""
        return round(self._offset + time.monotonic() - self._start, 6)

    @property
    def size(self) -> tuple[None, None]:
        """terminado client size: none, so ``resize_to_smallest`` skips the recorder.

        terminado reads it while it re-sizes the PTY; ``on_sizing`` runs right after.
        """
        if self.on_sizing is not None and not self._sizing_scheduled:
            self._sizing_scheduled = True
            IOLoop.current().add_callback(self._sizing_done)
        return (None, None)

    def _sizing_done(self) -> None:
        self._sizing_scheduled = False
        if self.on_sizing is not None:
            self.on_sizing()

    def on_pty_read(self, text: str) -> None:
        """terminado client hook: a chunk of terminal output."""
        when = self.elapsed()
        self._add(f"[{when}, \"o\", {encode_basestring_ascii(text)}]\n")
        for tap in self.taps:
            tap.on_event(when, "o", text)
        if self.on_output is not None:
            self.on_output()

    def on_pty_died(self) -> None:
        """terminado client hook: the process ended."""
        self.close()
        if self.on_died is not None:
            self.on_died()

    def resize(self, cols: int, rows: int) -> None:
        """Record a terminal size change as an ``r`` event."""
        when = self.elapsed()
        self._add(json.dumps([when, "r", f"{cols}x{rows}"]) + "\n")
        for tap in self.taps:
            tap.on_event(when, "r", f"{cols}x{rows}")

    def _add(self, line: str) -> None:
        if self._file is None:
            return
        self._pending.append(line)
        self._pending_bytes += len(line)
        if self._pending_bytes >= FLUSH_BYTES:
            self.flush()
        elif not self._flush_scheduled:
            self._flush_scheduled = True
            IOLoop.current().call_later(self.flush_interval, self._scheduled_flush)

    def _scheduled_flush(self) -> None:
        self._flush_scheduled = False
        self.flush()

    def flush(self) -> Future[None] | None:
        """Hand buffered events to the writer thread; the future completes once written."""
        if self._file is not None and self._pending:
            data = "".join(self._pending)
            self._pending.clear()
            self._pending_bytes = 0
            self._last_write = self._writer.submit(self._write, self._file, data)
        return self._last_write

    @staticmethod
    def _write(f: IO[str], data: str) -> None:
        f.write(data)
        f.flush()

    def close(self) -> Future[None] | None:
        """Flush and close the file (idempotent); the future completes once closed."""
        if self._file is None:
            return self._last_write
        self.flush()
        self._last_write = self._writer.submit(self._file.close)
        self._file = None
        self._writer.shutdown(wait=False)
        taps, self.taps = self.taps, []
        for tap in taps:
            tap.on_close()
        return self._last_write

    @property
    def closed(self) -> bool:
        """Whether the recorder has stopped."""
        return self._file is None
