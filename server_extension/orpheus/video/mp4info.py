"""Duration and frame size of an MP4, read from its ``moov`` boxes (no ffmpeg)."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts"}


def _boxes(f: BinaryIO, end: int) -> list[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of the boxes between here and ``end``."""
    found = []
    while f.tell() + 8 <= end:
        start = f.tell()
        size, kind = struct.unpack(">I4s", f.read(8))
        header = 8
        if size == 1:
            size = struct.unpack(">Q", f.read(8))[0]
            header = 16
        elif size == 0:
            size = end - start
        if size < header:
            break
        found.append((kind, start + header, start + size))
        f.seek(start + size)
    return found


def probe(path: Path) -> dict[str, float | int | None]:
    """``{"duration": seconds, "width": px, "height": px}``; ``None`` for what is missing."""
    info: dict[str, float | int | None] = {"duration": None, "width": None, "height": None}
    with path.open("rb") as f:
        _walk(f, path.stat().st_size, info)
    return info


def _walk(f: BinaryIO, end: int, info: dict[str, float | int | None]) -> None:
    for kind, start, stop in _boxes(f, end):
        f.seek(start)
        if kind in _CONTAINERS:
            _walk(f, stop, info)
        elif kind == b"mvhd":
            version = f.read(1)[0]
            f.read(3)
            if version == 1:
                f.read(16)
                scale, duration = struct.unpack(">IQ", f.read(12))
            else:
                f.read(8)
                scale, duration = struct.unpack(">II", f.read(8))
            info["duration"] = round(duration / scale, 3) if scale else None
        elif kind == b"tkhd" and not info["width"]:
            version = f.read(1)[0]
            f.seek(start + (84 if version == 1 else 72) + 4)
            width, height = struct.unpack(">II", f.read(8))
            if width:
                info["width"], info["height"] = width >> 16, height >> 16
        f.seek(stop)
