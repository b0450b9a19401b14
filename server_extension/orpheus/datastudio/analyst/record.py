"""What a project remembers of its analyst: the conversation (``state.json``), the last
run's summary (``last_run.json``) and ``context.md``; and the files prepared before a run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from ... import folders
from ...fsutil import atomic_write_json, atomic_write_text, contain
from .. import schemas
from . import prompt
from .paths import CLAUDE_MD, CONTEXT, LAST_RUN, SCHEMA_COPY, STAGED, STATE


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object file, or None when missing or unreadable."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def inside(project_dir: Path, relative: str) -> Path:
    """``project_dir/relative``, never through a link leading out of the project (403)."""
    return contain(project_dir, project_dir / relative, relative)


def prepare(project_dir: Path, project: str) -> None:
    """Before a run: an empty staging folder, the dashboard schema to read, a ``CLAUDE.md``
    when the project has none (blocking)."""
    staged = inside(project_dir, STAGED)
    if staged.is_symlink():
        staged.unlink()
    elif staged.is_dir():
        shutil.rmtree(staged)
    staged.mkdir(parents=True)
    atomic_write_json(inside(project_dir, SCHEMA_COPY), schemas.load("dashboard"))
    claude_md = inside(project_dir, CLAUDE_MD)
    if claude_md.is_symlink():
        claude_md.unlink()
    if not claude_md.exists():
        atomic_write_text(claude_md, prompt.claude_md(project))


def state(project_dir: Path) -> dict[str, Any]:
    """``{"conversation_id", "runs"}`` of the project's analyst (empty before the first run)."""
    return read_json(inside(project_dir, STATE)) or {}


def last_run(project_dir: Path) -> dict[str, Any] | None:
    """The last run's summary."""
    return read_json(inside(project_dir, LAST_RUN))


def finish(project_dir: Path, summary: dict[str, Any], conversation_id: str, continued: bool) -> None:
    """After a run: its summary, the conversation state and ``context.md`` (blocking).

    ``continued``: Claude's conversation holds this run, so the next run resumes it.
    """
    atomic_write_json(inside(project_dir, LAST_RUN), summary)
    previous = state(project_dir)
    runs = int(previous.get("runs") or 0) + (1 if continued else 0)
    atomic_write_json(inside(project_dir, STATE), {"conversation_id": conversation_id, "runs": runs})
    context = inside(project_dir, CONTEXT)
    try:
        before = context.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        before = ""
    atomic_write_text(context, prompt.updated_context(before, summary))


def data_snapshot(project_dir: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file under ``data/`` (to see what a run changed)."""
    data = project_dir / folders.DATA
    if not data.is_dir() or data.is_symlink():
        return {}
    seen: dict[str, tuple[int, int]] = {}
    for path in data.rglob("*"):
        if path.is_file() and not path.is_symlink():
            stat = path.stat()
            seen[path.relative_to(data).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return seen
