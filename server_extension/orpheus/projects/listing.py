"""What each app holds in a project folder, counted by folder convention.

The folder conventions (docs/use/projects.md) let every app's artefacts show up in
the unified listing without the apps registering anything:

- sessions: ``.orpheus/sessions/*.json`` records
- notes: ``notes/*.md``
- data: regular files anywhere under ``data/`` (hidden ones skipped)
- dashboards: ``dashboards/*.json`` specs
- videos: ``video/out/*.mp4`` renders
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import folders
from ..fsutil import is_within

# app key -> (folder relative to the project, file suffix, recursive)
CONVENTIONS: dict[str, tuple[str, str, bool]] = {
    "sessions": (folders.SESSION_RECORDS, ".json", False),
    "notes": (folders.NOTES, ".md", False),
    "data": (folders.DATA, "", True),
    "dashboards": (folders.DASHBOARDS, ".json", False),
    "videos": (folders.VIDEO_OUT, ".mp4", False),
}


def iso(timestamp: float) -> str:
    """A POSIX timestamp as an ISO 8601 UTC string."""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat()


def _regular_files(folder: Path, suffix: str, recursive: bool) -> Iterator[os.stat_result]:
    """``lstat`` of the visible regular files in ``folder`` (symlinks are not followed)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode) and recursive:
            yield from _regular_files(Path(entry.path), suffix, recursive)
        elif stat.S_ISREG(st.st_mode) and entry.name.endswith(suffix):
            yield st


def _leads_out(project_dir: Path, rel: str) -> bool:
    """Whether a link among ``rel``'s parts leads out of the project (one lstat per part;
    the full :func:`orpheus.fsutil.is_within` check runs only when there is a link)."""
    path = project_dir
    for part in Path(rel).parts:
        path = path / part
        if path.is_symlink():
            return not is_within(project_dir, path)
    return False


def app_summary(project_dir: Path) -> dict[str, dict[str, Any]]:
    """``{app: {"count": n, "last_change": iso or None}}`` for every convention."""
    summary: dict[str, dict[str, Any]] = {}
    for app, (rel, suffix, recursive) in CONVENTIONS.items():
        folder = project_dir / rel
        count, latest = 0, 0.0
        if not folder.is_symlink() and not _leads_out(project_dir, rel):
            for st in _regular_files(folder, suffix, recursive):
                count += 1
                latest = max(latest, st.st_mtime)
        summary[app] = {"count": count, "last_change": iso(latest) if count else None}
    return summary


def last_change(record: dict[str, Any], summary: dict[str, dict[str, Any]]) -> str:
    """The newest of the record's ``updated_at`` and every app's last change."""
    stamps = [str(record.get("updated_at") or "")]
    stamps += [str(s["last_change"]) for s in summary.values() if s["last_change"]]
    return max(stamps, key=sort_key)


def sort_key(stamp: str) -> float:
    """An ISO 8601 timestamp as seconds since the epoch (0 when unparsable), for sorting."""
    try:
        return datetime.fromisoformat(stamp).timestamp()
    except ValueError:
        return 0.0
