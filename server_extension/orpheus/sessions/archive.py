"""A session folder as a zip, produced piece by piece (never the whole archive in memory).

``zipfile`` writes to a non-seekable sink using data descriptors, so each file is
compressed in blocks and every block's output is handed on as soon as it exists.
``.claude/`` (Claude's local settings) and symbolic links are left out.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

EXCLUDED_DIRS = frozenset({".claude"})
BLOCK = 1024 * 1024


class _Sink:
    """A write-only, non-seekable file object that collects bytes until drained."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._written = 0

    def write(self, data: bytes) -> int:
        self._buffer += data
        self._written += len(data)
        return len(data)

    def tell(self) -> int:
        return self._written

    def flush(self) -> None:
        """Nothing to flush: bytes stay until drained."""

    def drain(self) -> bytes:
        data = bytes(self._buffer)
        self._buffer.clear()
        return data


def archive_members(folder: Path) -> Iterator[tuple[Path, str]]:
    """(path, name in the archive) for each regular file, skipping ``.claude/`` and links."""
    for current, dirs, files in os.walk(folder, followlinks=False):
        base = Path(current)
        dirs[:] = sorted(
            d for d in dirs if d not in EXCLUDED_DIRS and not (base / d).is_symlink()
        )
        for name in sorted(files):
            path = base / name
            try:
                mode = path.lstat().st_mode
            except OSError:
                continue
            if stat.S_ISREG(mode):
                yield path, path.relative_to(folder).as_posix()


def zip_chunks(folder: Path) -> Iterator[bytes]:
    """The zip of ``folder``, as successive byte chunks (run it in a thread)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as zf:  # type: ignore[call-overload]
        for path, name in archive_members(folder):
            try:
                # O_NOFOLLOW: a file swapped for a link after the walk is not followed.
                src = os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb")
            except OSError:
                continue
            info = zipfile.ZipInfo.from_file(path, name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with src, zf.open(info, "w", force_zip64=True) as dst:
                while block := src.read(BLOCK):
                    dst.write(block)
                    if chunk := sink.drain():
                        yield chunk
            if chunk := sink.drain():
                yield chunk
    if chunk := sink.drain():
        yield chunk
