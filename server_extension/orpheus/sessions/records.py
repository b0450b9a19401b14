"""Session records on disk: ``projects/<project>/.orpheus/sessions/<id>.json``.

The record is the session's durable state (title, project, mode, timestamps,
counters, last terminal size); the recording sits beside it as ``<id>.cast``
and the working folder is ``projects/<project>/sessions/<id>/``.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tornado import web

from .. import folders, ids, names
from ..fsutil import atomic_write_json, contain, is_within

RECORDS_DIR = folders.SESSION_RECORDS
WORK_DIR = folders.SESSIONS
SESSION_ID = ids.SESSION_ID
# Project subfolders another app may run a session in (Video Studio: ``video``).
SUBDIRS = frozenset({folders.VIDEO})
STATUSES = ("created", "active", "disconnected", "terminated", "error")
MAX_TITLE = names.MAX_TITLE


def new_session_id() -> str:
    """A fresh random session id (12 hex digits)."""
    return secrets.token_hex(6)


def check_session_id(raw: str) -> str:
    """The id if well-formed; 400 otherwise (never used as a path before this check)."""
    return ids.check("session_id", raw)


def check_title(raw: object) -> str:
    """A display title in any script, as :func:`orpheus.names.check_title` takes it."""
    if isinstance(raw, str) and not raw.strip():
        raise web.HTTPError(400, "title must be a non-empty string")
    return names.check_title(raw)


def session_names(project_dir: Path) -> set[str]:
    """The slug names of the sessions recorded in a project."""
    folder = project_dir / RECORDS_DIR
    if not folder.is_dir() or not is_within(project_dir, folder):
        return set()
    found = set()
    for path in folder.glob("*.json"):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(raw, dict) and isinstance(raw.get("name"), str):
            found.add(raw["name"])
    return found


def free_session_name(project_dir: Path, title: str) -> tuple[str, bool]:
    """The slug a new session titled ``title`` gets in this project, and whether it is
    the title's own slug (false when taken, so a -2, -3 … suffix was added)."""
    base = names.slug_for(title, "session")
    taken = session_names(project_dir)
    slug = names.unique_slug(base, taken.__contains__)
    return slug, slug == base


def iso(timestamp: float) -> str:
    """A POSIX timestamp as an ISO 8601 UTC string."""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat()


@dataclass(frozen=True)
class SessionPaths:
    """Where one session's files live."""

    project_dir: Path
    session_id: str
    # A project subfolder the session works in (e.g. ``video``) instead of its own folder.
    subdir: str = ""

    @property
    def owns_workdir(self) -> bool:
        """Whether the working folder belongs to this session alone (purge may delete it)."""
        return not self.subdir

    @property
    def record(self) -> Path:
        """The JSON record."""
        return self.project_dir / RECORDS_DIR / f"{self.session_id}.json"

    @property
    def recording(self) -> Path:
        """The asciicast v2 recording."""
        return self.project_dir / RECORDS_DIR / f"{self.session_id}.cast"

    @property
    def workdir(self) -> Path:
        """The working folder (the terminal's cwd)."""
        if self.subdir:
            return self.project_dir / self.subdir
        return self.project_dir / WORK_DIR / self.session_id

    def check(self) -> SessionPaths:
        """These paths, once the record, recording and working folder all resolve inside
        the project (403 naming the first link that leads out)."""
        contain(self.project_dir, self.record, "the session record")
        contain(self.project_dir, self.recording, "the session recording")
        contain(self.project_dir, self.workdir, "the session folder")
        return self

    def with_record(self, record: dict[str, Any]) -> SessionPaths:
        """These paths with the working subfolder the record names (validated)."""
        subdir = record.get("workdir") or ""
        if not isinstance(subdir, str) or (subdir and subdir not in SUBDIRS):
            raise web.HTTPError(409, f"session {self.session_id} names an invalid working folder")
        return SessionPaths(self.project_dir, self.session_id, subdir)


class RecordStore:
    """Reads, writes and finds session records under the projects folder."""

    def __init__(self, projects_root: Path) -> None:
        self.projects_root = projects_root

    def write(self, paths: SessionPaths, record: dict[str, Any]) -> None:
        """Atomically replace the record (never through a link out of the project).

        A record written without a ``name`` (a new session) gets its slug name here: the
        title's slug, unique among the project's sessions; it never changes afterwards.
        """
        if not isinstance(record.get("name"), str) and isinstance(record.get("title"), str):
            record["name"] = free_session_name(paths.project_dir, record["title"])[0]
        atomic_write_json(contain(paths.project_dir, paths.record, "the session record"), record)

    def read(self, paths: SessionPaths) -> dict[str, Any]:
        """The stored record; 404 when missing or unreadable."""
        try:
            raw = json.loads(paths.record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise web.HTTPError(404, f"no such session: {paths.session_id}") from None
        if not isinstance(raw, dict):
            raise web.HTTPError(404, f"no such session: {paths.session_id}")
        if not isinstance(raw.get("name"), str) and isinstance(raw.get("title"), str):
            raw["name"] = names.slug_for(raw["title"], "session")  # a record older than names
        return raw

    def find(self, session_id: str) -> SessionPaths:
        """The paths of session ``session_id`` in whichever project holds it; 404 if none."""
        check_session_id(session_id)
        for project_dir in self._project_dirs():
            paths = SessionPaths(project_dir, session_id)
            if paths.record.is_file() and is_within(project_dir, paths.record):
                return paths.with_record(self.read(paths))
        raise web.HTTPError(404, f"no such session: {session_id}")

    def all(self) -> list[tuple[SessionPaths, dict[str, Any]]]:
        """Every readable record in every project."""
        found = []
        for project_dir in self._project_dirs():
            folder = project_dir / RECORDS_DIR
            if not folder.is_dir() or not is_within(project_dir, folder):
                continue
            for path in sorted(folder.glob("*.json")):
                if not SESSION_ID.fullmatch(path.stem):
                    continue
                paths = SessionPaths(project_dir, path.stem)
                try:
                    record = self.read(paths)
                    found.append((paths.with_record(record), record))
                except web.HTTPError:
                    continue
        return found

    def _project_dirs(self) -> list[Path]:
        try:
            return [p for p in self.projects_root.iterdir() if p.is_dir() and not p.is_symlink()]
        except OSError:
            return []
