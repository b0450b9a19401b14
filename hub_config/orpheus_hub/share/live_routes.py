"""Websocket routes of live session shares (see ``live``).

- ``api/shares/{id}/live`` (owner, hub token): the owner's user server pushes the
  session's events; one connection per live share. Messages in: the asciicast v2
  header, then event lines. Nothing is ever sent back but the close.
- ``s/{token}/live`` (PUBLIC, read-only): a viewer gets the header, the backlog and
  every later event, one event per message (asciinema-player's ``v2.asciicast``
  websocket protocol). Anything a viewer sends closes its socket (1008): there is no
  input path.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tornado import web
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from . import live
from .owner_api import OwnerAPIHandler
from .store import iso
from .views import SHARE_KEY, PublicHandler

PROTOCOL = "v2.asciicast"


class LiveFeedHandler(OwnerAPIHandler, WebSocketHandler):
    """``api/shares/{id}/live``: the owner's server streams a live share's terminal."""

    channel: live.Channel | None = None
    share_id = ""

    @web.authenticated
    async def get(self, share_id: str) -> None:  # type: ignore[override]
        """The owner's own live, unexpired share only; then the websocket upgrade."""
        app = self.share_app
        share = await self.owned(share_id, admin_ok=False)
        if share.kind != "live":
            raise web.HTTPError(409, f"share {share_id!r} is a {share.kind} share, not a live one")
        if share.is_expired(app.clock.now()):
            raise web.HTTPError(410, f"this share link expired at {iso(share.expires_at)}")
        self.share_id = share.id
        await WebSocketHandler.get(self, share_id)

    def get_compression_options(self) -> None:
        """Terminal text is small; no per-message deflate."""
        return None

    def on_message(self, message: str | bytes) -> None:
        """The header first, then event lines; anything else ends the feed (1003)."""
        text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
        hub = self.share_app.live
        try:
            if self.channel is None:
                self.channel = hub.open_feed(self.share_id, self, live.parse_header(text))
                self.log.info("Live share %s: feed connected", self.share_id)
            else:
                self.channel.publish(live.parse_events(text))
        except live.FeedError as e:
            self.close(1003, str(e))

    def end(self, code: int, reason: str) -> None:
        """Close this feed (the share was revoked, or a newer feed replaced it)."""
        self.channel = None
        self.close(code, reason)

    def on_close(self) -> None:
        """The owner's server closed the feed (session ended) or the connection dropped."""
        if self.channel is not None:
            self.share_app.live.feed_closed(self.share_id, self)
            self.log.info("Live share %s: feed closed", self.share_id)
        self.channel = None


class LiveViewHandler(PublicHandler, WebSocketHandler):
    """PUBLIC ``s/{token}/live``: watch a live share's terminal; receive only."""

    channel: live.Channel | None = None
    pending = 0

    async def get(self, token: str) -> None:
        """404/410 as for every view; 404 while the session is not live (the page shows
        the recording); then the websocket upgrade."""
        await self.resolve(token)
        if self.share.kind != "live" or self.share_app.live.live(self.share.id) is None:
            raise web.HTTPError(404, "this session is not live now; reload the page for its recording")
        await WebSocketHandler.get(self, token)

    def select_subprotocol(self, subprotocols: list[str]) -> str | None:
        """asciinema-player offers several protocols; we speak asciicast v2."""
        return PROTOCOL if PROTOCOL in subprotocols else None

    def get_compression_options(self) -> None:
        """No per-message deflate: each viewer would cost a compressor."""
        return None

    def open(self, *args: Any) -> None:
        """Join the channel (it may have ended during the upgrade)."""
        hub = self.share_app.live
        channel = hub.live(self.share.id)
        if channel is None:
            self.close(live.ENDED, "the session ended")
            return
        if hub.viewer_count() >= hub.max_viewers:
            self.close(live.TOO_SLOW, "too many viewers right now; try again later")
            return
        self.channel = channel
        channel.add(self)

    def on_message(self, message: str | bytes) -> None:
        """Viewers cannot send anything: the socket is closed, the message dropped."""
        self.end(live.POLICY, "viewers are read-only")

    def send(self, message: str | bytes) -> None:
        """Queue one message; a viewer too far behind is dropped (it may reconnect)."""
        if self.ws_connection is None or self.pending > self.share_app.live.viewer_buffer_bytes:
            self.end(live.TOO_SLOW, "this viewer fell too far behind")
            return
        size = len(message)
        self.pending += size
        try:
            self.write_message(message).add_done_callback(lambda f: self._sent(f, size))
        except WebSocketClosedError:
            self.end(live.ENDED, "closed")

    def _sent(self, future: asyncio.Future[None], size: int) -> None:
        self.pending -= size
        if not future.cancelled():
            future.exception()  # a viewer that went away: nothing to report

    def end(self, code: int, reason: str) -> None:
        """Leave the channel and close the socket."""
        if self.channel is not None:
            self.channel.viewers.discard(self)
            self.channel = None
        if self.ws_connection is not None:
            self.close(code, reason)

    def on_close(self) -> None:
        """The viewer left."""
        if self.channel is not None:
            self.channel.viewers.discard(self)
        self.channel = None


default_handlers = [
    (r"api/shares/([A-Za-z0-9_-]{1,32})/live", LiveFeedHandler),
    (rf"s/{SHARE_KEY}/live", LiveViewHandler),
]
