"""Live shares, user-server side: push one running session to the share service.

A :class:`LivePublisher` follows the session's recorder (a ``RecordingTap``), redacts
the output as it comes (``livestream.StreamRedactor``) and sends it over ONE outbound
websocket to ``<ORPHEUS_SHARE_URL>api/shares/<id>/live``, authenticated with this
server's hub token like every other share call. The share service fans it out to
the viewers, so their number costs this server nothing. Nothing ever comes back on
that socket but its close. It starts with the end of the recording so far (the
viewer's player draws the current screen from it); when the session ends the
snapshot behind the link is refreshed with the whole recording, then the feed is
closed and viewers' pages show that recording. A dropped connection is re-opened
(with the recent events again); a refusal (revoked, expired) or a 4404 close ends it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClientConnection, WebSocketClosedError, websocket_connect

from .backlog import read_tail
from .builder import Snapshot, server_secrets
from .livestream import StreamRedactor
from .redact import Matcher

RESEND_BYTES = 512 * 1024
GONE = 4404  # the service's close code for a revoked, expired or disabled share
_REFUSED = (401, 403, 404, 409, 410)


class LivePublisher:
    """Streams one session's terminal to the share service for one live share."""

    def __init__(self, share_id: str, url: str, token: str, recording: Path,
                 flushed: Callable[[], Awaitable[Any]], final: Callable[[], Awaitable[None]],
                 log: logging.Logger) -> None:
        self.share_id, self.url, self.token, self.log = share_id, url, token, log
        self.recording = recording
        self.header: dict[str, Any] = {"version": 2, "width": 80, "height": 24}
        self.flushed, self.final = flushed, final
        self.redactor = StreamRedactor(Matcher(server_secrets()))
        self.queue: list[str] = []
        self.resend: deque[str] = deque()
        self.resend_bytes = 0
        self.wake = asyncio.Event()
        # Events as recorded, redacted off the terminal's read path (by the sending task),
        # once the backlog has gone first.
        self.raw: list[tuple[float, str, str]] = []
        self.loaded = self.tail_sent = False
        self.last_time = 0.0
        self.ended = self.stopped = False
        self.conn: WebSocketClientConnection | None = None
        self.connected = asyncio.Event()  # the feed has been open (header sent) at least once
        self.task: asyncio.Future[None] | None = None

    # ---- RecordingTap -----------------------------------------------------------------
    def on_event(self, time: float, code: str, data: str) -> None:
        """An event of the recording (on the event loop, right as it is recorded): kept for
        the sending task, so the terminal's own clients never wait on the live share."""
        self.raw.append((time, code, data))
        self.wake.set()

    def on_close(self) -> None:
        """The recording ended: send what is held back, then finish."""
        self.ended = True
        self.wake.set()

    def drain(self) -> None:
        """Redact and queue what was recorded since the last call (after the backlog)."""
        if not self.loaded:
            return
        events, self.raw = self.raw, []
        for event in events:
            self.push(*event)
        if self.ended and not self.tail_sent:
            self.tail_sent = True
            self.push(self.last_time, "o", "", final=True)

    def push(self, time: float, code: str, data: str, final: bool = False) -> None:
        """Redact and queue one event."""
        self.last_time = max(self.last_time, time)
        if code == "o":
            data = self.redactor.feed(data) + (self.redactor.flush() if final else "")
            if not data:
                return
        self.queue.append(json.dumps([time, code, data]))

    # ---- the feed -----------------------------------------------------------------------
    def start(self) -> None:
        """Run in the background until the session ends or the share is gone."""
        self.task = asyncio.ensure_future(self.run())

    def stop(self) -> None:
        """Stop streaming now (the share was revoked)."""
        self.stopped = True
        self.wake.set()
        if self.conn is not None:
            self.conn.close(1000, "stopped")

    async def run(self) -> None:
        """Backlog first, then connect (again) until done."""
        await self.load_backlog()
        delay = 0.5
        while not self.stopped:
            conn = await self.connect()
            if conn is None:
                self.connected.set()  # nobody should wait for it any longer
                if self.stopped or self.ended:
                    break
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            delay = 0.5
            if await self.stream(conn):
                break
        if self.ended and not self.stopped:
            await self.finish()

    async def load_backlog(self) -> None:
        """The end of the recording so far, then the events recorded meanwhile."""
        try:
            await self.flushed()
            size, events = await asyncio.to_thread(read_tail, self.recording)
        except OSError:
            size, events = None, []
        if size is not None:
            self.header = {**self.header, "width": size[0], "height": size[1]}
        first_live = self.raw[0][0] if self.raw else None
        for time, code, data in events:
            if first_live is None or time < first_live:
                self.push(time, code, data)
        self.loaded = True
        self.drain()

    async def connect(self) -> WebSocketClientConnection | None:
        """One websocket to the service, or ``None`` (refused: stop; unreachable: retry)."""
        request = HTTPRequest(self.url, headers={"Authorization": f"token {self.token}"},
                              request_timeout=20)
        try:
            self.conn = await websocket_connect(request, ping_interval=30, ping_timeout=60)
        except HTTPClientError as e:
            if e.code in _REFUSED:
                self.log.info("Live share %s: the service refused the feed (%s)", self.share_id, e.code)
                self.stopped = True
            return None
        except OSError as e:
            self.log.warning("Live share %s: share service unreachable: %s", self.share_id, e)
            return None
        return self.conn

    async def stream(self, conn: WebSocketClientConnection) -> bool:
        """Send header, recent events, then events as they come; True when done for good."""
        try:
            return await self._stream(conn)
        except (WebSocketClosedError, StreamClosedError):
            self.stopped = self.stopped or conn.close_code == GONE
            return self.stopped

    async def _stream(self, conn: WebSocketClientConnection) -> bool:
        await conn.write_message(json.dumps(self.header))
        if self.resend:
            await conn.write_message("\n".join(self.resend))
        self.connected.set()
        closed = asyncio.ensure_future(conn.read_message())
        while True:
            self.drain()
            if self.queue:
                batch, self.queue = self.queue, []
                self.remember(batch)
                await conn.write_message("\n".join(batch))
                continue
            if self.ended or self.stopped:
                closed.cancel()
                return True
            self.wake.clear()
            waiter = asyncio.ensure_future(self.wake.wait())
            await asyncio.wait({waiter, closed}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            if closed.done():
                self.stopped = self.stopped or conn.close_code == GONE
                return self.stopped

    def remember(self, batch: list[str]) -> None:
        """Keep recent events to send again after a reconnection."""
        for line in batch:
            self.resend.append(line)
            self.resend_bytes += len(line)
        while self.resend_bytes > RESEND_BYTES and len(self.resend) > 1:
            self.resend_bytes -= len(self.resend.popleft())

    async def finish(self) -> None:
        """Session over: refresh the snapshot (the whole recording), then close the feed."""
        try:
            await self.final()
        except Exception:
            self.log.warning("Live share %s: the final snapshot failed", self.share_id, exc_info=True)
        if self.conn is not None:
            self.conn.close(1000, "the session ended")
        self.log.info("Live share %s: session ended, link shows the recording", self.share_id)


def with_kind(snapshot: Snapshot, kind: str, target: str) -> Snapshot:
    """A session snapshot relabelled as the live share's."""
    return Snapshot(kind, snapshot.title, target, snapshot.data)
