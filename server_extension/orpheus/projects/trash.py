"""Deleted projects: moved to a trash folder inside the Jupyter root, listed, restored or purged."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from tornado import web

from ..ids import TRASH_ENTRY

_STAMP = "%Y%m%dT%H%M%S%fZ"
ENTRY = TRASH_ENTRY


def trash_target(trash_root: Path, name: str) -> Path:
    """A fresh ``<trash>/<name>-<UTC timestamp>`` path (suffixed if that exists)."""
    stamp = datetime.now(timezone.utc).strftime(_STAMP)
    target = trash_root / f"{name}-{stamp}"
    n = 1
    while target.exists():
        n += 1
        target = trash_root / f"{name}-{stamp}-{n}"
    return target


def move_to_trash(folder: Path, trash_root: Path, name: str) -> Path:
    """Rename ``folder`` into ``trash_root``; returns where it went.

    A rename keeps everything (including symlinks, unfollowed) and never touches
    anything outside the project folder.
    """
    trash_root.mkdir(parents=True, exist_ok=True)
    target = trash_target(trash_root, name)
    # Same filesystem (both inside the Jupyter root), so this is a rename.
    shutil.move(str(folder), str(target))
    return target


def purge(folder: Path) -> None:
    """Delete ``folder`` for good. ``shutil.rmtree`` unlinks symlinks, never follows them."""
    shutil.rmtree(folder)


def describe(entry: Path) -> dict[str, Any] | None:
    """``{entry, name, deleted_at}`` for a trash folder of ours, else None."""
    match = ENTRY.match(entry.name)
    if not match or entry.is_symlink() or not entry.is_dir():
        return None
    deleted = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=timezone.utc)
    return {"entry": entry.name, "name": match["name"], "deleted_at": deleted.isoformat()}


def entries(trash_root: Path) -> list[dict[str, Any]]:
    """Every deleted project in the trash, most recently deleted first."""
    if not trash_root.is_dir() or trash_root.is_symlink():
        return []
    found = [d for d in (describe(p) for p in trash_root.iterdir()) if d]
    return sorted(found, key=lambda d: str(d["deleted_at"]), reverse=True)


def expired(trash_root: Path, keep_days: float) -> list[Path]:
    """Trash entries deleted more than ``keep_days`` ago (none when ``keep_days`` <= 0)."""
    if keep_days <= 0:
        return []
    cutoff = datetime.now(timezone.utc) - timedelta(days=keep_days)
    return [
        trash_root / str(e["entry"])
        for e in entries(trash_root)
        if datetime.fromisoformat(str(e["deleted_at"])) < cutoff
    ]


def entry_path(trash_root: Path, entry: str) -> Path:
    """The folder of one trash entry: 400 for a malformed entry name, 404 if missing."""
    if not isinstance(entry, str) or not ENTRY.match(entry):
        raise web.HTTPError(400, "not a trash entry name (expected <project>-<timestamp>)")
    path = trash_root / entry
    if describe(path) is None:
        raise web.HTTPError(404, f"trash entry {entry!r} does not exist")
    return path
