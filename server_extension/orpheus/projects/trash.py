"""Deleting a project: move it to a trash folder inside the Jupyter root, or purge it."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path


def trash_target(trash_root: Path, name: str) -> Path:
    """A fresh ``<trash>/<name>-<UTC timestamp>`` path (suffixed if that exists)."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
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
