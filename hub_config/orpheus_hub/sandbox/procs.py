"""Processes of a sandboxed server: its tree, and every process of its uid."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

PROC = Path("/proc")


def real_uid(pid: int) -> int | None:
    """The real uid of ``pid`` (``None`` once it is gone)."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return None


def command_name(pid: int) -> str:
    """``/proc/<pid>/comm`` (empty once the process is gone)."""
    try:
        return (PROC / str(pid) / "comm").read_text().strip()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return ""


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in (PROC / str(pid) / "task").iterdir():
            text = (task / "children").read_text()
            found.extend(int(child) for child in text.split())
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return found


def descendants(pid: int) -> Iterator[int]:
    """Every descendant of ``pid``, parents before children."""
    queue = _children(pid)
    while queue:
        child = queue.pop(0)
        yield child
        queue.extend(_children(child))


def pids_of_uid(uid: int) -> list[int]:
    """Every process on the machine whose real uid is ``uid``."""
    pids = [int(entry.name) for entry in PROC.iterdir() if entry.name.isdigit()]
    return [pid for pid in pids if real_uid(pid) == uid]


def kill_uid(uid: int) -> int:
    """SIGKILL every process of ``uid`` (repeatedly, until none is left); returns how many."""
    if uid == 0 or uid == os.getuid():
        raise ValueError(f"refusing to kill every process of uid {uid} (root's or the hub's)")
    killed = 0
    for _ in range(20):  # a fork bomb may spawn while we kill; bounded, not forever
        pids = pids_of_uid(uid)
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
    return killed
