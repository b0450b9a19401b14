"""Shared by the AI handlers: the client, and answers as JSON or as server-sent events.

With ``Accept: text/event-stream`` a call streams ``status``, ``text``, ``tool``,
``result`` and ``error`` events and ends with ``complete`` (the final document)
or a fatal ``error`` carrying the HTTP status it would have had. Everything that
can be refused (bad input, missing project, no LLM) is refused before the stream
starts, with a plain HTTP status.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cached_property
from typing import Any

from tornado import web

from ...handlers import sse
from ...handlers.analysis import DataStudioBase
from ...handlers.errors import INTERNAL, http_error_text
from ..client import LLMClient

Work = Callable[[], Awaitable[dict[str, Any]]]


class AIHandler(DataStudioBase):
    """Base of the AI endpoints."""

    @property
    def llm(self) -> LLMClient:
        """The gateway client (503 from ``require()`` when none is configured)."""
        client: LLMClient = self.orpheus.llm
        return client

    @property
    def streaming(self) -> bool:
        """Whether the caller asked for server-sent events."""
        return sse.wanted(self)

    @cached_property
    def stream(self) -> sse.EventStream:
        """This response's event stream (used only when ``streaming``)."""
        return sse.EventStream(self)

    async def send(self, event: str, data: dict[str, Any]) -> None:
        """One event (dropped when not streaming or once the client has gone)."""
        if self.streaming:
            await self.stream.send(event, data)

    async def respond(self, work: Work, status: int = 200) -> None:
        """Run ``work`` and answer with its result, as JSON or as the final ``complete`` event."""
        if not self.streaming:
            self.write_json(await work(), status=status)
            return
        self.stream.start()
        await self.send("status", {"message": "started"})
        try:
            result = await work()
        except web.HTTPError as e:
            await self.send("error", {"message": http_error_text(e), "status": e.status_code,
                                      "fatal": True})
        except Exception:
            self.log.exception("AI request %s failed", self.request.path)
            await self.send("error", {"message": INTERNAL, "status": 500, "fatal": True})
        else:
            await self.send("complete", result)
        self.stream.finish()

    def text_field(self, body: dict[str, Any], key: str, limit: int = 4000, required: bool = True) -> str | None:
        """A string field of the body: 400 when missing (if required), empty, or too long."""
        value = body.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise web.HTTPError(400, f"{key} must be a non-empty string")
        if len(value) > limit:
            raise web.HTTPError(400, f"{key} is longer than {limit} characters")
        return value.strip()

    def only_fields(self, body: dict[str, Any], allowed: set[str]) -> None:
        """400 naming unknown fields."""
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise web.HTTPError(400, f"unknown field(s): {', '.join(unknown)}")
