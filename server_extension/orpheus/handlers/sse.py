"""Server-sent events: the one writer every streaming Orpheus handler uses.

A client asks for a stream with ``Accept: text/event-stream``; each event is
``event: <name>`` and one line of JSON ``data``. A client that leaves does not
stop the work: sending just reports that nobody listens any more.
"""

from __future__ import annotations

import json
from typing import Any

from tornado import web
from tornado.iostream import StreamClosedError

CONTENT_TYPE = "text/event-stream"


def wanted(handler: web.RequestHandler) -> bool:
    """Whether the caller asked for server-sent events."""
    return CONTENT_TYPE in handler.request.headers.get("Accept", "")


def format_event(event: str, data: Any) -> str:
    """One event as written on the wire."""
    return f"event: {event}\ndata: {json.dumps(data, default=str)}\n\n"


class EventStream:
    """Events on one handler's response, from ``start()`` to ``finish()``."""

    def __init__(self, handler: web.RequestHandler) -> None:
        self.handler = handler
        self.connected = True

    def start(self) -> None:
        """Headers of an unbuffered stream (no proxy buffering, no caching)."""
        self.handler.set_header("Content-Type", CONTENT_TYPE)
        self.handler.set_header("Cache-Control", "no-cache")
        self.handler.set_header("X-Accel-Buffering", "no")

    async def send(self, event: str, data: Any) -> bool:
        """Write and flush one event; False once the client has gone."""
        if not self.connected:
            return False
        try:
            self.handler.write(format_event(event, data))
            await self.handler.flush()
        except StreamClosedError:
            self.connected = False
        return self.connected

    def finish(self) -> None:
        """End the response, unless the client already left."""
        if self.connected:
            self.handler.finish()
