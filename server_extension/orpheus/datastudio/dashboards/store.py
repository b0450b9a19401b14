"""DashboardStore: specs on disk with version history, undo, and derived notebooks.

``dashboards/<id>.json`` is the source of truth. Each save moves the previous
spec to ``dashboards/.history/<id>/<version>.json`` (so undo is one call) and
regenerates ``<id>.ipynb`` plus its Parquet cache. Every write is atomic. The
methods block (file and Parquet I/O): call them from a worker thread.
"""

from __future__ import annotations

import builtins
import json
import secrets
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ... import folders
from ...fsutil import atomic_write_json, contain, is_within
from ...ids import DASHBOARD_ID
from ...names import slugify
from ..analysis.engine import analysis_dir, load_metadata
from . import cache, notebook
from .spec import SpecError, validate

ID = DASHBOARD_ID
HISTORY = ".history"


class NotFound(LookupError):
    """No dashboard with that id (or nothing to undo): the message says which."""


class Conflict(LookupError):
    """The dashboard exists already, or there is no earlier version to undo to."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class DashboardStore:
    """The dashboards of one project folder."""

    def __init__(self, project_dir: Path, history_limit: int = 50,
                 cache_max_rows: int = 2_000_000, block_size: int = 4 << 20) -> None:
        self.project_dir = project_dir
        self.dir = project_dir / folders.DASHBOARDS
        self.history_limit = history_limit
        self.cache_max_rows = cache_max_rows
        self.block_size = block_size

    # ---- lookups ---------------------------------------------------------
    def check_id(self, dashboard_id: str) -> str:
        """A valid id or SpecError (400) naming ``id``."""
        if not isinstance(dashboard_id, str) or not ID.match(dashboard_id):
            raise SpecError("id", "must be 1-64 lower-case letters, digits, '-' or '_'")
        return dashboard_id

    def inside(self, path: Path) -> Path:
        """``path`` if it resolves inside the project (403 for a link leading out)."""
        return contain(self.project_dir, path, path.relative_to(self.project_dir).as_posix())

    def path(self, dashboard_id: str) -> Path:
        """The spec file of an id (existing or not); never a link out of the project."""
        return self.inside(self.dir / f"{self.check_id(dashboard_id)}.json")

    def load(self, dashboard_id: str) -> dict[str, Any]:
        """The current spec; NotFound when missing."""
        path = self.path(dashboard_id)  # SpecError (400) for a bad id, before any reading
        try:
            spec = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise NotFound(f"dashboard {dashboard_id!r} does not exist") from None
        except (OSError, ValueError):
            raise Conflict(f"dashboard {dashboard_id!r} is unreadable (not valid JSON); "
                           "fix or delete its .json file") from None
        if not isinstance(spec, dict):
            raise Conflict(f"dashboard {dashboard_id!r} is unreadable (not a JSON object)")
        return spec

    def list(self) -> builtins.list[dict[str, Any]]:
        """Summaries of every dashboard, newest change first."""
        out = []
        folder = self.inside(self.dir)
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            if not is_within(self.project_dir, path):
                continue  # a link out of the project is not a dashboard of this project
            try:
                spec = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(spec, dict):
                out.append(self.summary(spec))
        return sorted(out, key=lambda s: s.get("updated_at") or "", reverse=True)

    def summary(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Id, title, version, widget count, notebook path and how many undos are possible."""
        rel = self.dir.relative_to(self.project_dir).as_posix()
        return {"id": spec.get("id"), "title": spec.get("title"), "version": spec.get("version"),
                "updated_at": spec.get("updated_at"), "widgets": len(spec.get("widgets", [])),
                "notebook": f"{rel}/{spec.get('id')}.ipynb",
                "undo_available": len(self._history(str(spec.get("id"))))}

    def analysis_columns(self, spec: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The analysis entry of the spec's data source and its columns by name."""
        metadata = load_metadata(analysis_dir(self.project_dir))
        if metadata is None:
            raise SpecError("data_source.file", "the project has not been analysed yet")
        src = spec["data_source"]
        for table in metadata["files"]:
            if table["file"] == src["file"] and table.get("table") == src.get("table") \
                    and table["status"] == "ok":
                return table, {c["name"]: c for c in table["column_profiles"]}
        where = src["file"] + (f"#{src['table']}" if src.get("table") else "")
        raise SpecError("data_source.file", f"{where!r} is not an analysed table of this project")

    def validate(self, spec: Any) -> dict[str, Any]:
        """Schema and column checks; returns the analysis entry of the data source."""
        validate(spec, None)
        table, columns = self.analysis_columns(spec)
        validate(spec, columns)
        return table

    # ---- writes ----------------------------------------------------------
    def new_id(self, title: str) -> str:
        """A fresh id from the title plus a short random suffix."""
        base = slugify(title, 40) or "dashboard"
        return f"{base}-{secrets.token_hex(3)}"

    def create(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Store a new dashboard (id generated when absent); Conflict if the id is taken."""
        spec = dict(spec)
        spec.setdefault("id", self.new_id(str(spec.get("title") or "dashboard")))
        spec["version"] = 1
        spec["created_at"] = spec["updated_at"] = _now()
        if self.path(spec["id"]).exists():
            raise Conflict(f"dashboard {spec['id']!r} exists already")
        self._write(spec)
        return spec

    def save(self, dashboard_id: str, spec: dict[str, Any]) -> dict[str, Any]:
        """Replace a dashboard's spec, keeping the previous version for undo."""
        previous = self.load(dashboard_id)
        spec = {**spec, "id": dashboard_id, "version": int(previous.get("version", 1)) + 1,
                "created_at": previous.get("created_at", _now()), "updated_at": _now()}
        table = self.validate(spec)
        self.render(spec, table)  # a failure here leaves the stored spec and history untouched
        history = self.inside(self.dir / HISTORY / dashboard_id)
        atomic_write_json(history / f"{previous.get('version', 1):06d}.json", previous)
        atomic_write_json(self.path(dashboard_id), spec)
        self._prune(dashboard_id)
        return spec

    def undo(self, dashboard_id: str) -> dict[str, Any]:
        """Restore the previous version; Conflict when there is none."""
        self.load(dashboard_id)
        versions = self._history(dashboard_id)
        if not versions:
            raise Conflict(f"dashboard {dashboard_id!r} has no earlier version to undo to")
        restored: dict[str, Any] = json.loads(versions[-1].read_text(encoding="utf-8"))
        restored["updated_at"] = _now()
        self._write(restored)
        versions[-1].unlink()
        return restored

    def delete(self, dashboard_id: str) -> None:
        """Remove the spec, its notebook, cache and history."""
        path = self.path(dashboard_id)
        if not path.exists():
            raise NotFound(f"dashboard {dashboard_id!r} does not exist")
        notebook_path = self.inside(self.dir / f"{dashboard_id}.ipynb")
        cache_dir = self.inside(cache.cache_path(self.dir, dashboard_id).parent)
        history = self.inside(self.dir / HISTORY / dashboard_id)
        path.unlink()
        notebook_path.unlink(missing_ok=True)
        shutil.rmtree(cache_dir, ignore_errors=True)
        shutil.rmtree(history, ignore_errors=True)

    def render(self, spec: dict[str, Any], table: dict[str, Any] | None = None) -> Path:
        """(Re)build the Parquet cache and the notebook of a stored spec."""
        table = table or self.validate(spec)
        self.inside(self.dir / f"{spec['id']}.ipynb")
        self.inside(cache.cache_path(self.dir, spec["id"]).parent)
        cache.build(self.project_dir, spec, table, self.cache_max_rows, self.block_size)
        return notebook.write(self.dir, spec)

    def _write(self, spec: dict[str, Any], table: dict[str, Any] | None = None) -> None:
        table = table or self.validate(spec)
        self.render(spec, table)
        atomic_write_json(self.path(spec["id"]), spec)

    def _history(self, dashboard_id: str) -> builtins.list[Path]:
        folder = self.inside(self.dir / HISTORY / dashboard_id)
        found = sorted(folder.glob("*.json")) if folder.is_dir() else []
        return [p for p in found if is_within(self.project_dir, p)]

    def _prune(self, dashboard_id: str) -> None:
        versions = self._history(dashboard_id)
        for old in versions[: max(0, len(versions) - self.history_limit)]:
            old.unlink(missing_ok=True)
