"""Credentials out of share snapshots, including from the decoded terminal stream.

A byte search over a recording misses a token that a terminal printed one
character per event, or with colour codes between its characters. Here the
asciicast is decoded: the output (and, separately, the input) events are
joined into one stream, escape sequences and control characters are skipped
for matching, and every character of a match is removed from the events it
came from (the first one becomes ``[redacted]``). What is looked for: the
exact secret values given, and anything shaped like a gateway-only token.
"""

from __future__ import annotations

import json
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

REDACTED = "[redacted]"
#: Gateway-only tokens minted by the hub's llm service (``orpheus_hub.llm.tokens``).
GATEWAY_TOKEN = re.compile(r"orpheus-llm-[A-Za-z0-9_-]{43}")
# Escape sequences (CSI, OSC, DCS/SOS/PM/APC, charset and two-byte ESC forms) and
# control characters: invisible, so skipped when matching.
_NOISE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[()*+\-./#%][\x20-\x7e]?"
    r"|\x1b[\x20-\x7e]?"
    r"|[\x00-\x1f\x7f\x9b]"
)
#: What is invisible on a terminal (skipped when matching).
NOISE = _NOISE
_STREAMS = ("o", "i")


class Matcher:
    """The secrets and token patterns to remove."""

    def __init__(self, secrets: Iterable[str], patterns: Iterable[re.Pattern[str]] = (GATEWAY_TOKEN,)) -> None:
        self.secrets = sorted({s for s in secrets if len(s) >= 16}, key=len, reverse=True)
        self.patterns = list(patterns)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """``[start, end)`` of every secret or token in ``text``."""
        found: list[tuple[int, int]] = []
        for secret in self.secrets:
            start = text.find(secret)
            while start >= 0:
                found.append((start, start + len(secret)))
                start = text.find(secret, start + 1)
        for pattern in self.patterns:
            found += [m.span() for m in pattern.finditer(text)]
        return found

    def plain(self, data: bytes) -> bytes:
        """Byte-level replacement (files that are not terminal streams)."""
        for secret in self.secrets:
            data = data.replace(secret.encode(), REDACTED.encode())
        if self.patterns and b"orpheus-llm-" in data:
            text = data.decode("utf-8", "surrogateescape")
            for pattern in self.patterns:
                text = pattern.sub(REDACTED, text)
            data = text.encode("utf-8", "surrogateescape")
        return data


def runs(stream: str) -> tuple[array[int], array[int]]:
    """Where each visible run of ``stream`` starts: in the visible text, and in the stream."""
    v_starts: array[int] = array("q")
    s_starts: array[int] = array("q")
    seen = pos = 0
    for match in _NOISE.finditer(stream):
        if match.start() > pos:
            v_starts.append(seen)
            s_starts.append(pos)
            seen += match.start() - pos
        pos = match.end()
    if pos < len(stream):
        v_starts.append(seen)
        s_starts.append(pos)
    return v_starts, s_starts


def stream_edits(stream: str, matcher: Matcher) -> dict[int, str]:
    """Positions of ``stream`` to replace (``""`` deletes) so no secret stays visible."""
    spans = matcher.spans(_NOISE.sub("", stream))
    if not spans:
        return {}
    v_starts, s_starts = runs(stream)  # only when something must go
    edits: dict[int, str] = {}
    for start, end in spans:
        for offset, vpos in enumerate(range(start, end)):
            run = bisect_right(v_starts, vpos) - 1
            spos = s_starts[run] + vpos - v_starts[run]
            edits.setdefault(spos, REDACTED if offset == 0 else "")
    return edits


def redact_text(text: str, matcher: Matcher) -> str:
    """``text`` read as one terminal stream, secrets removed even when split by escapes."""
    edits = stream_edits(text, matcher)
    if not edits:
        return text
    return "".join(edits.get(i, ch) for i, ch in enumerate(text))


def _apply(events: list[list[object]], indexes: list[int], edits: dict[int, str]) -> None:
    """Apply stream positions ``edits`` to the events (indexes into ``events``) they came from."""
    positions = sorted(edits)
    base = 0
    for index in indexes:
        data = str(events[index][2])
        first = bisect_left(positions, base)
        if first < len(positions) and positions[first] < base + len(data):
            chars = list(data)
            for pos in positions[first:bisect_left(positions, base + len(data))]:
                chars[pos - base] = edits[pos]
            events[index][2] = "".join(chars)
        base += len(data)


def redact_cast(data: bytes, matcher: Matcher) -> bytes:
    """An asciicast v2 recording with every secret removed from its decoded streams."""
    lines = matcher.plain(data).decode("utf-8", "replace").split("\n")
    events: list[list[object]] = []
    where: list[int] = []
    for number, line in enumerate(lines[1:], start=1):
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, list) and len(event) == 3 and isinstance(event[2], str):
            events.append(event)
            where.append(number)
    changed = False
    for code in _STREAMS:
        indexes = [i for i, e in enumerate(events) if e[1] == code]
        edits = stream_edits("".join(str(events[i][2]) for i in indexes), matcher)
        if edits:
            _apply(events, indexes, edits)
            changed = True
    if changed:
        for event, number in zip(events, where, strict=True):
            lines[number] = json.dumps(event, ensure_ascii=False)
    return "\n".join(lines).encode("utf-8")
