"""Snapshot intake: a tar (optionally gzip) upload, checked entry by entry before it is kept.

Snapshot layout per kind (what the user server's builder sends)::

    session    session.json (record), recording.cast (optional), files/... (the session folder)
    live       as session (what the link shows when the session is not streaming)
    notebook   notebook.ipynb
    dashboard  dashboard.json (spec), figures.json (optional), static.html (optional)
    file       files/<name> (exactly one)

Refused with a 4xx and nothing stored: absolute names, ``..``, links, device
files, FIFOs, duplicate names, unexpected top-level entries, more entries or
more bytes than the limits (413, naming the limit) and archives that expand
far beyond their compressed size (decompression bombs).
"""

from __future__ import annotations

import io
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from orpheus.shares.redact import Matcher, redact_cast

from ..refusal import Refusal

LAYOUT: dict[str, set[str]] = {
    "session": {"session.json", "recording.cast", "files"},
    "notebook": {"notebook.ipynb"},
    "dashboard": {"dashboard.json", "figures.json", "static.html"},
    "file": {"files"},
    "live": {"session.json", "recording.cast", "files"},
}
REQUIRED: dict[str, set[str]] = {
    "session": {"session.json"},
    "notebook": {"notebook.ipynb"},
    "dashboard": {"dashboard.json"},
    "file": set(),
    "live": {"session.json"},
}
_CHUNK = 1 << 16


class SnapshotError(Refusal):
    """A refused snapshot: ``status`` (400/413/415) and a message safe to show the caller."""


@dataclass(frozen=True)
class Limits:
    """Intake limits (from the ``ShareService`` traitlets)."""

    max_bytes: int
    max_files: int
    max_ratio: float


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def check_name(name: str) -> PurePosixPath:
    """A safe relative path for an archive entry, or a 400 saying what is wrong."""
    if not name or "\x00" in name or "\\" in name or any(ord(ch) < 32 for ch in name):
        raise SnapshotError(400, "snapshot entry has an empty or malformed name")
    path = PurePosixPath(name)
    if path.is_absolute():
        raise SnapshotError(400, f"snapshot entry {name!r} is an absolute path")
    if ".." in path.parts:
        raise SnapshotError(400, f"snapshot entry {name!r} leaves the snapshot ('..')")
    parts = [p for p in path.parts if p not in ("", ".")]
    if not parts:
        raise SnapshotError(400, f"snapshot entry {name!r} has no name")
    if len(name) > 1024:
        raise SnapshotError(400, "snapshot entry name is longer than 1024 characters")
    return PurePosixPath(*parts)


def _check_type(member: tarfile.TarInfo) -> None:
    if member.issym() or member.islnk():
        raise SnapshotError(400, f"snapshot entry {member.name!r} is a link; links are not allowed")
    if member.ischr() or member.isblk() or member.isfifo():
        raise SnapshotError(400, f"snapshot entry {member.name!r} is a device file or FIFO")
    if not (member.isfile() or member.isdir()):
        raise SnapshotError(400, f"snapshot entry {member.name!r} is not a file or folder")


class _Intake:
    """Streams one archive into ``dest`` while counting entries and bytes."""

    def __init__(self, data: bytes, dest: Path, kind: str, limits: Limits) -> None:
        self.data, self.dest, self.kind, self.limits = data, dest, kind, limits
        self.total = 0
        self.seen: set[PurePosixPath] = set()

    def run(self) -> int:
        try:
            with tarfile.open(fileobj=io.BytesIO(self.data), mode="r|*") as tar:
                for member in tar:
                    self._member(tar, member)
        except tarfile.TarError as e:
            raise SnapshotError(400, f"snapshot is not a readable tar archive: {e}") from None
        except (EOFError, OSError, ValueError):
            raise SnapshotError(400, "snapshot is not a readable tar archive") from None
        return self.total

    def _member(self, tar: tarfile.TarFile, member: tarfile.TarInfo) -> None:
        _check_type(member)
        if member.isdir() and not member.name.strip("./"):
            return  # the archive's own "./" entry
        rel = check_name(member.name)
        if rel.parts[0] not in LAYOUT[self.kind]:
            raise SnapshotError(400, f"unexpected entry {rel.parts[0]!r} in a {self.kind} snapshot")
        if rel in self.seen:
            raise SnapshotError(400, f"snapshot entry {str(rel)!r} appears twice")
        self.seen.add(rel)
        if len(self.seen) > self.limits.max_files:
            raise SnapshotError(413, f"snapshot has more than {self.limits.max_files} entries (the limit)")
        target = self.dest.joinpath(*rel.parts)
        if member.isdir():
            target.mkdir(parents=True, exist_ok=True)
            return
        self._declared(member.size)
        target.parent.mkdir(parents=True, exist_ok=True)
        source = tar.extractfile(member)
        if source is None:  # pragma: no cover - regular files always have data
            raise SnapshotError(400, f"snapshot entry {member.name!r} has no data")
        with target.open("xb") as out:
            while chunk := source.read(_CHUNK):
                out.write(chunk)

    def _declared(self, size: int) -> None:
        self.total += size
        if self.total > self.limits.max_bytes:
            raise SnapshotError(
                413, f"snapshot is larger than the limit of {_mb(self.limits.max_bytes)} "
                f"({self.limits.max_bytes} bytes) when unpacked")
        if self.total > 1_000_000 and self.total > self.limits.max_ratio * max(len(self.data), 1):
            raise SnapshotError(
                413, f"snapshot expands more than {self.limits.max_ratio:g} times its compressed "
                "size; refused as a possible decompression bomb")


def extract(data: bytes, dest: Path, kind: str, limits: Limits) -> int:
    """Unpack a validated snapshot of ``kind`` into the empty folder ``dest``; returns bytes."""
    if kind not in LAYOUT:
        raise SnapshotError(400, f"unknown share kind {kind!r}; use one of {', '.join(LAYOUT)}")
    if len(data) > limits.max_bytes:
        raise SnapshotError(413, f"snapshot is larger than the limit of {_mb(limits.max_bytes)} "
                            f"({limits.max_bytes} bytes)")
    total = _Intake(data, dest, kind, limits).run()
    check_layout(dest, kind)
    scrub_recording(dest)
    return total


def scrub_recording(dest: Path) -> None:
    """Remove gateway-only tokens from a session's decoded terminal stream (defence in depth:
    the owner's server already removed its own credentials before uploading)."""
    cast = dest / "recording.cast"
    if cast.is_file() and not cast.is_symlink():
        data = cast.read_bytes()
        cleaned = redact_cast(data, Matcher([]))
        if cleaned != data:
            cast.write_bytes(cleaned)


def _json_object(path: Path, what: str) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        raise SnapshotError(400, f"{what} is not valid JSON") from None
    if not isinstance(value, dict):
        raise SnapshotError(400, f"{what} must be a JSON object")
    return value


def check_layout(dest: Path, kind: str) -> None:
    """Kind-specific checks once everything is unpacked."""
    for name in REQUIRED[kind]:
        if not (dest / name).is_file():
            raise SnapshotError(400, f"a {kind} snapshot must contain {name}")
    if kind in ("session", "live"):
        _json_object(dest / "session.json", "session.json")
    elif kind == "notebook":
        nb = _json_object(dest / "notebook.ipynb", "notebook.ipynb")
        if not isinstance(nb.get("cells"), list) or not isinstance(nb.get("nbformat"), int):
            raise SnapshotError(400, "notebook.ipynb is not a Jupyter notebook (cells, nbformat)")
    elif kind == "dashboard":
        _json_object(dest / "dashboard.json", "dashboard.json")
        if (dest / "figures.json").exists():
            _json_object(dest / "figures.json", "figures.json")
    elif kind == "file":
        files = [p for p in (dest / "files").rglob("*") if p.is_file()] if (dest / "files").is_dir() else []
        if len(files) != 1:
            raise SnapshotError(400, "a file snapshot must contain exactly one file under files/")


def manifest(dest: Path) -> list[dict[str, Any]]:
    """The files under ``files/`` of a stored snapshot: path and size, sorted."""
    root = dest / "files"
    if not root.is_dir():
        return []
    entries = [
        {"path": p.relative_to(root).as_posix(), "size": p.stat().st_size}
        for p in root.rglob("*") if p.is_file()
    ]
    return sorted(entries, key=lambda e: str(e["path"]))
