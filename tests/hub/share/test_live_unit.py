"""Live shares without a hub: the feed's message checks, the fan-out channel and the
streaming redaction of terminal output."""

from __future__ import annotations

import json
import secrets

import pytest

from orpheus.shares.livestream import StreamRedactor
from orpheus.shares.redact import Matcher
from orpheus_hub.share import live

SECRET = secrets.token_hex(16)
GATEWAY = "orpheus-llm-" + secrets.token_urlsafe(32)


class FakeSocket:
    """A viewer or feed that records what it is sent and how it was closed."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.closed: tuple[int, str] | None = None

    def send(self, message: str | bytes) -> None:
        self.sent.append(message.decode() if isinstance(message, bytes) else message)

    def end(self, code: int, reason: str) -> None:
        self.closed = (code, reason)


def test_header_and_events_are_checked() -> None:
    assert live.parse_header('{"version": 2, "width": 80, "height": 24, "env": {"X": "y"}}') == {
        "version": 2, "width": 80, "height": 24}
    for bad in ("nope", "[]", '{"version": 3, "width": 80, "height": 24}', '{"version": 2, "width": 0, "height": 24}'):
        with pytest.raises(live.FeedError):
            live.parse_header(bad)
    lines = live.parse_events('[1.0, "o", "a"]\n[1.1, "o", "b"]\n[1.2, "r", "80x24"]\n[1.3, "o", "c"]\n')
    assert [json.loads(x) for x in lines] == [[1.1, "o", "ab"], [1.2, "r", "80x24"], [1.3, "o", "c"]]
    for bad in ('[1.0, "i", "ls\\r"]', '{"a": 1}', "[1.0, \"o\"]", "not json"):
        with pytest.raises(live.FeedError):
            live.parse_events(bad)  # input events are refused: a feed carries output only


def test_channel_fans_out_and_a_late_joiner_gets_the_backlog() -> None:
    hub = live.LiveHub(backlog_bytes=200, batch_seconds=0.0)
    feed = FakeSocket()
    channel = hub.open_feed("s1", feed, {"version": 2, "width": 80, "height": 24})
    early = FakeSocket()
    channel.add(early)
    channel.publish(live.parse_events('[0.5, "r", "100x30"]\n[1.0, "o", "hello "]'))
    channel.publish(live.parse_events('[2.0, "o", "world"]'))
    assert [json.loads(m) for m in early.sent[1:]] == [[0.5, "r", "100x30"], [1.0, "o", "hello "], [2.0, "o", "world"]]
    for i in range(10):
        channel.publish(live.parse_events(json.dumps([3.0 + i, "o", "x" * 40])))
    late = FakeSocket()
    channel.add(late)
    assert json.loads(late.sent[0]) == {"version": 2, "width": 100, "height": 30}  # the resize left the backlog
    assert len(late.sent) == 2  # header + the backlog as one merged output event
    assert json.loads(late.sent[1])[2] == "x" * 40 * 3  # the last events that fit in 200 bytes
    hub.cut("s1", "revoked")
    assert feed.closed == (live.FEED_GONE, "revoked")
    assert early.closed == late.closed == (live.ENDED, "revoked")
    assert hub.live("s1") is None


def test_a_new_feed_replaces_the_old_one_and_old_viewers_reconnect() -> None:
    hub = live.LiveHub(batch_seconds=0.0)
    first, second, viewer = FakeSocket(), FakeSocket(), FakeSocket()
    hub.open_feed("s1", first, {"version": 2, "width": 80, "height": 24}).add(viewer)
    channel = hub.open_feed("s1", second, {"version": 2, "width": 80, "height": 24})
    assert first.closed is not None
    assert first.closed[0] == live.RESTARTED
    assert viewer.closed is not None
    assert viewer.closed[0] == live.RESTARTED
    hub.feed_closed("s1", first)  # the old feed's close does not end the new channel
    assert hub.live("s1") is channel
    hub.feed_closed("s1", second)
    assert hub.live("s1") is None


def feed_all(redactor: StreamRedactor, chunks: list[str]) -> str:
    return "".join(redactor.feed(c) for c in chunks) + redactor.flush()


@pytest.mark.parametrize("split", ["whole", "by-char", "by-char-sgr", "by-3"])
@pytest.mark.parametrize("secret", [SECRET, GATEWAY], ids=["hub-token", "gateway-token"])
def test_a_streamed_secret_never_leaves_whole(secret: str, split: str) -> None:
    text = f"$ env\r\nTOKEN={secret}\r\n$ "
    if split == "whole":
        chunks = [text]
    elif split == "by-char":
        chunks = list(text)
    elif split == "by-char-sgr":
        chunks = [f"\x1b[3{i % 8}m{ch}\x1b[0m" for i, ch in enumerate(text)]
    else:
        chunks = [text[i:i + 3] for i in range(0, len(text), 3)]
    out = feed_all(StreamRedactor(Matcher([SECRET])), chunks)
    visible = live_visible(out)
    assert secret not in visible
    assert secret[4:] not in visible  # at most the first 3 characters could have left early
    assert visible.endswith("\r\n$ ")
    assert visible.startswith("$ env\r\nTOKEN=")


def test_ordinary_output_is_not_held_back() -> None:
    redactor = StreamRedactor(Matcher([SECRET]))
    for chunk in ("$ ls\r\n", "notes.md  data.csv\r\n", "$ ", "e", "c", "h", "o"):
        assert redactor.feed(chunk) == chunk
    # A tail that begins the secret waits for the next chunk, then leaves if it is not one.
    assert redactor.feed(" " + SECRET[:6]) == " "
    assert redactor.feed("!") == SECRET[:6] + "!"


def live_visible(text: str) -> str:
    """What a terminal shows of ``text`` (colour codes removed)."""
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)
