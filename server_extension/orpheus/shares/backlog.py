"""The end of a session's recording, for a live share's first screen (blocking: in a thread)."""

from __future__ import annotations

import json
from pathlib import Path

TAIL_BYTES = 256 * 1024


def read_tail(path: Path, limit: int = TAIL_BYTES) -> tuple[tuple[int, int] | None, list[tuple[float, str, str]]]:
    """The recording's size (its header's, or the last resize before the tail) and its
    last ``o``/``r`` events, at most about ``limit`` bytes of them."""
    with path.open("rb") as f:
        first = f.readline()
        f.seek(0, 2)
        end = f.tell()
        start = max(len(first), end - limit)
        f.seek(start)
        data = f.read()
    lines = data.decode("utf-8", "replace").split("\n")
    if start > len(first):
        lines = lines[1:]  # the first line may be cut
    size = _header_size(first)
    events: list[tuple[float, str, str]] = []
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if (isinstance(event, list) and len(event) == 3 and isinstance(event[0], (int, float))
                and event[1] in ("o", "r") and isinstance(event[2], str)):
            events.append((float(event[0]), event[1], event[2]))
    return size, events


def _header_size(line: bytes) -> tuple[int, int] | None:
    try:
        header = json.loads(line)
    except ValueError:
        return None
    if not isinstance(header, dict):
        return None
    width, height = header.get("width"), header.get("height")
    if isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0:
        return width, height
    return None
