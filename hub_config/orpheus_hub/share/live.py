"""Live session shares: one feed in from the owner's server, fanned out to every viewer.

The owner's user server pushes the session's terminal output (asciicast v2
events, already redacted) over ONE outbound websocket (``live_routes.LiveFeedHandler``);
the service keeps a bounded backlog for late joiners and copies each event to every
viewer socket (``live_routes.LiveViewHandler``), so a hundred viewers cost the user's
server one stream. Viewer sockets only ever receive: nothing they send goes anywhere.

Close codes viewers see: 1000 when the session ended or the link was revoked (the
page reloads and shows the recording, or the link's 404/410), 1012 when the owner's
server reconnected its feed (the player reconnects and gets a fresh backlog), 1013
when a viewer fell too far behind, 1008 when a viewer sent something.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from tornado.ioloop import IOLoop
from traitlets import Float, Integer
from traitlets.config import LoggingConfigurable

from .accountstate import AccountStateUnavailable

if TYPE_CHECKING:
    from .app import ShareService

ENDED = 1000
RESTARTED = 1012
TOO_SLOW = 1013
POLICY = 1008
#: Close code of the feed when the share is revoked, expired or disabled: do not reconnect.
FEED_GONE = 4404
_CODES = ("o", "r")


class Viewer(Protocol):
    """What the hub needs of a viewer socket."""

    def send(self, message: str | bytes) -> None:
        """Queue one websocket text message (never blocks)."""

    def end(self, code: int, reason: str) -> None:
        """Close the socket with ``code``."""


class Feed(Protocol):
    """What the hub needs of the owner's feed socket."""

    def end(self, code: int, reason: str) -> None:
        """Close the feed with ``code``."""


class FeedError(ValueError):
    """A feed message that is not an asciicast v2 header or events."""


def parse_header(message: str) -> dict[str, Any]:
    """The first feed message: an asciicast v2 header with a sane size (only public keys kept)."""
    try:
        header = json.loads(message)
    except ValueError:
        raise FeedError("the first message must be an asciicast v2 header") from None
    if not isinstance(header, dict) or header.get("version") != 2:
        raise FeedError("the first message must be an asciicast v2 header")
    width, height = header.get("width"), header.get("height")
    if not all(isinstance(v, int) and 1 <= v <= 1000 for v in (width, height)):
        raise FeedError("the header's width and height must be whole numbers from 1 to 1000")
    return {"version": 2, "width": width, "height": height}


def parse_events(message: str) -> list[str]:
    """Event lines of one feed message, each checked to be ``[time, "o"|"r", text]``;
    consecutive output events are sent on as one (fewer messages per viewer)."""
    events: list[list[Any]] = []
    for line in message.split("\n"):
        if not line:
            continue
        try:
            event = json.loads(line)
        except ValueError:
            raise FeedError("feed events must be asciicast v2 event lines") from None
        if not (isinstance(event, list) and len(event) == 3 and isinstance(event[0], (int, float))
                and event[1] in _CODES and isinstance(event[2], str)):
            raise FeedError('feed events must be [time, "o" or "r", text]')
        if events and event[1] == "o" and events[-1][1] == "o":
            events[-1] = [event[0], "o", events[-1][2] + event[2]]
        else:
            events.append(event)
    return [json.dumps(event) for event in events]


@dataclass
class Channel:
    """One live share: the current feed, its header, the backlog and the viewers."""

    share_id: str
    feed: Feed
    header: dict[str, Any]
    backlog_limit: int
    backlog: deque[str] = field(default_factory=deque)
    backlog_bytes: int = 0
    viewers: set[Viewer] = field(default_factory=set)
    batch_seconds: float = 0.0
    outbox: list[str] = field(default_factory=list)
    scheduled: bool = False

    def add(self, viewer: Viewer) -> None:
        """A new viewer: the header, then the backlog (consecutive output as one event, so a
        joining viewer costs a few messages), then live events."""
        self.flush()
        self.viewers.add(viewer)
        viewer.send(json.dumps(self.header))
        for line in parse_events("\n".join(self.backlog)):
            viewer.send(line)

    def publish(self, lines: Iterable[str]) -> None:
        """Append events to the backlog (trimmed to its limit) and queue them for the viewers:
        what arrives within ``batch_seconds`` goes out as one message per viewer."""
        for line in lines:
            self.backlog.append(line)
            self.backlog_bytes += len(line)
            self.outbox.append(line)
        while self.backlog_bytes > self.backlog_limit and len(self.backlog) > 1:
            dropped = self.backlog.popleft()
            self.backlog_bytes -= len(dropped)
            if '"r"' in dropped:
                self._resized(dropped)
        if self.batch_seconds <= 0:
            self.flush()
        elif not self.scheduled and self.outbox:
            self.scheduled = True
            IOLoop.current().call_later(self.batch_seconds, self.flush)

    def flush(self) -> None:
        """Copy the queued events to every viewer, each message encoded once."""
        self.scheduled = False
        if not self.outbox:
            return
        messages = [m.encode() for m in parse_events("\n".join(self.outbox))]
        self.outbox = []
        for viewer in list(self.viewers):
            for message in messages:
                viewer.send(message)

    def _resized(self, line: str) -> None:
        """A resize left the backlog: late joiners start at that size."""
        event = json.loads(line)
        if event[1] == "r":
            cols, _, rows = str(event[2]).partition("x")
            if cols.isdigit() and rows.isdigit():
                self.header = {**self.header, "width": int(cols), "height": int(rows)}

    def close_viewers(self, code: int, reason: str) -> None:
        """Close every viewer socket."""
        viewers, self.viewers = self.viewers, set()
        for viewer in viewers:
            viewer.end(code, reason)


class LiveHub(LoggingConfigurable):
    """The live channels of the service (in memory; a restart makes owners reconnect)."""

    backlog_bytes = Integer(
        1_000_000, help="Bytes of recent terminal events kept per live share, replayed to a viewer "
        "who joins (the player draws the current screen from them)."
    ).tag(config=True)
    max_viewers = Integer(1000, help="Most live viewers connected at once, all shares together.").tag(config=True)
    viewer_buffer_bytes = Integer(
        4_000_000, help="Bytes queued for one viewer that is not reading; beyond, it is dropped "
        "(close 1013; the player reconnects)."
    ).tag(config=True)
    batch_seconds = Float(
        0.05, help="Events arriving within this many seconds go to each viewer as one message "
        "(fewer messages per viewer; adds at most this delay). 0: send each feed message at once."
    ).tag(config=True)
    check_seconds = Float(
        5.0, help="How often live shares are checked for expiry and their owner's account state "
        "(revocation cuts viewers at once)."
    ).tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.channels: dict[str, Channel] = {}

    def open_feed(self, share_id: str, feed: Feed, header: dict[str, Any]) -> Channel:
        """A feed (re)connected: it replaces any earlier one; earlier viewers reconnect."""
        old = self.channels.pop(share_id, None)
        if old is not None:
            old.feed.end(RESTARTED, "replaced by a new feed")
            old.close_viewers(RESTARTED, "the stream restarted")
        channel = Channel(share_id, feed, header, int(self.backlog_bytes),
                          batch_seconds=float(self.batch_seconds))
        self.channels[share_id] = channel
        return channel

    def feed_closed(self, share_id: str, feed: Feed) -> None:
        """The owner's feed ended: viewers are told the stream ended (they reload the page)."""
        channel = self.channels.get(share_id)
        if channel is not None and channel.feed is feed:
            del self.channels[share_id]
            channel.flush()
            channel.close_viewers(ENDED, "the session ended")

    def cut(self, share_id: str, reason: str) -> None:
        """The share was revoked, expired or disabled: close its feed and every viewer now."""
        channel = self.channels.pop(share_id, None)
        if channel is not None:
            channel.feed.end(FEED_GONE, reason)
            channel.close_viewers(ENDED, reason)

    def live(self, share_id: str) -> Channel | None:
        """The channel of a share whose owner's feed is connected."""
        return self.channels.get(share_id)

    async def check(self, app: ShareService) -> None:
        """Cut live shares that expired, were revoked elsewhere or whose owner is blocked."""
        for share_id in list(self.channels):
            share = await asyncio.to_thread(app.shares.get, share_id)
            if share is None or share.is_expired(app.clock.now()):
                self.cut(share_id, "this share link expired or was revoked")
                continue
            try:
                account = await app.accounts.get(share.owner, stale_ok=True)
            except AccountStateUnavailable:
                continue
            if not account.active:
                self.cut(share_id, "the account that shared this is no longer active")

    def viewer_count(self) -> int:
        """Viewers connected across all channels."""
        return sum(len(c.viewers) for c in self.channels.values())
