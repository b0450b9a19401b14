"""``NoteManager``: Markdown notes with YAML front matter in ``<project>/notes/<id>.md``.

Notes are ordinary files, so a note edited in JupyterLab and read here agree:
every read parses the file again, nothing is cached. A note's revision is a hash
of its bytes; writes that carry a stale revision are refused (409) instead of
overwriting someone else's edit.
"""

from __future__ import annotations

import asyncio
import builtins
import hashlib
import re
import threading
from pathlib import Path
from typing import Any

from tornado import web
from traitlets import Instance, Integer
from traitlets.config import LoggingConfigurable

from .. import folders
from ..fsutil import atomic_write_text
from ..ids import NOTE_ID
from ..names import sanitize_name, slug_for
from . import frontmatter, noteinput
from .listing import iso
from .manager import ProjectManager
from .records import now_iso

NOTES_DIR = folders.NOTES
SUFFIX = ".md"
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def revision_of(data: bytes) -> str:
    """A note's revision: the first 16 hex digits of the SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


class NoteManager(LoggingConfigurable):  # type: ignore[misc]
    """Create, read, update and delete a project's notes."""

    projects = Instance(ProjectManager, help="The project manager notes live under.")

    max_note_bytes = Integer(
        1024 * 1024,
        help="Largest note (front matter and body, UTF-8 bytes) the API accepts; larger is a 413.",
    ).tag(config=True)

    max_tags = Integer(50, help="Most tags one note may carry.").tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Check-revision-then-write must be one step for writers in this server.
        self._lock = threading.Lock()

    # ---- files -------------------------------------------------------------
    def _dir(self, project: str) -> Path:
        folder = self.projects.path(project) / NOTES_DIR
        if folder.is_symlink():
            raise web.HTTPError(403, "the notes folder is a link; notes must live in the project")
        return folder

    def _file(self, project: str, note_id: str) -> Path:
        note_id = noteinput.check_note_id(note_id)
        path = self._dir(project) / f"{note_id}{SUFFIX}"
        if path.is_symlink():
            raise web.HTTPError(403, f"note {note_id!r} is a link, not a note file")
        return path

    def _read(self, path: Path, with_body: bool) -> dict[str, Any]:
        """Parse a note file into its model (a broken front matter is reported, not fatal)."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise web.HTTPError(404, f"note {path.stem!r} does not exist") from None
        except IsADirectoryError:
            raise web.HTTPError(404, f"note {path.stem!r} is a folder, not a note") from None
        text = data.decode("utf-8", errors="replace")
        problem = None
        try:
            meta, body = frontmatter.split(text)
        except frontmatter.FrontMatterError as e:
            meta, body, problem = {}, text, str(e)
        model = self._model(path, meta, body, data)
        if problem:
            model["problem"] = problem
        if with_body:
            model["body"] = body
        return model

    def _model(self, path: Path, meta: dict[str, Any], body: str, data: bytes) -> dict[str, Any]:
        changed = iso(path.stat().st_mtime)
        heading = _HEADING.search(body)
        title = meta.get("title")
        tags = meta.get("tags")
        return {
            "id": path.stem,
            "title": str(title) if title else (heading.group(1) if heading else path.stem),
            "tags": [str(t) for t in tags] if isinstance(tags, list) else [],
            "created_at": str(meta.get("created_at") or changed),
            "updated_at": str(meta.get("updated_at") or changed),
            "revision": revision_of(data),
            "path": self.projects.relative(path),
        }

    def _check_revision(self, path: Path, if_match: str | None, updated_at: str | None) -> dict[str, Any]:
        """The current note (with body); 409 if the caller's revision is stale."""
        current = self._read(path, with_body=True)
        if if_match is not None and not noteinput.revision_matches(if_match, current["revision"]):
            raise web.HTTPError(
                409,
                f"note {path.stem!r} changed since you loaded it (your revision {if_match.strip()}, "
                f"current {current['revision']}); reload it and merge your edit",
            )
        if if_match is None and updated_at is not None and updated_at != current["updated_at"]:
            raise web.HTTPError(
                409,
                f"note {path.stem!r} was updated at {current['updated_at']}, after the version you "
                f"edited ({updated_at}); reload it and merge your edit",
            )
        return current

    def _write(self, path: Path, meta: dict[str, Any], body: str) -> dict[str, Any]:
        text = frontmatter.join(meta, body)
        size = len(text.encode("utf-8"))
        if size > self.max_note_bytes:
            raise web.HTTPError(413, f"note is {size} bytes; the limit is {self.max_note_bytes}")
        atomic_write_text(path, text)
        return self._read(path, with_body=True)

    # ---- blocking implementations --------------------------------------------
    def _list(self, project: str) -> builtins.list[dict[str, Any]]:
        folder = self._dir(project)
        if not folder.is_dir():
            return []
        models = []
        for path in folder.glob(f"*{SUFFIX}"):
            if path.is_symlink() or not path.is_file() or not NOTE_ID.fullmatch(path.stem):
                continue  # links, folders and names the API could not address are not notes
            try:
                models.append(self._read(path, with_body=False))
            except (web.HTTPError, OSError):
                continue  # removed between glob and read
        models.sort(key=lambda m: m["updated_at"], reverse=True)
        return models

    def _new_id(self, folder: Path, title: str) -> str:
        base = slug_for(title, "note")  # "数据" → note-<hash>, not "note" for every CJK title
        candidate, n = base, 1
        while (folder / f"{candidate}{SUFFIX}").exists() or (folder / f"{candidate}{SUFFIX}").is_symlink():
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def _create(self, project: str, fields: dict[str, Any]) -> dict[str, Any]:
        folder = self._dir(project)
        title = fields.get("title") or "Untitled"
        with self._lock:
            folder.mkdir(parents=True, exist_ok=True)
            if "id" in fields:
                note_id = sanitize_name(fields["id"], "note id")
                if (folder / f"{note_id}{SUFFIX}").exists():
                    raise web.HTTPError(409, f"a note with id {note_id!r} already exists")
            else:
                note_id = self._new_id(folder, title)
            stamp = now_iso()
            meta = {"id": note_id, "title": title, "tags": fields.get("tags", []),
                    "created_at": stamp, "updated_at": stamp}
            model = self._write(folder / f"{note_id}{SUFFIX}", meta, fields.get("body", ""))
        self.log.info("Created note %s in project %s", note_id, project)
        return model

    def _update(self, project: str, note_id: str, fields: dict[str, Any], if_match: str | None) -> dict[str, Any]:
        path = self._file(project, note_id)
        with self._lock:
            current = self._check_revision(path, if_match, fields.pop("updated_at", None))
            try:
                meta, _ = frontmatter.split(path.read_text(encoding="utf-8", errors="replace"))
            except frontmatter.FrontMatterError:
                meta = {}  # rewritten below with a valid front matter
            meta.update({"id": path.stem, "title": fields.get("title", current["title"]),
                         "tags": fields.get("tags", current["tags"]),
                         "created_at": current["created_at"], "updated_at": now_iso()})
            return self._write(path, meta, fields.get("body", current["body"]))

    def _delete(self, project: str, note_id: str, if_match: str | None) -> None:
        path = self._file(project, note_id)
        with self._lock:
            self._check_revision(path, if_match, None)
            path.unlink()
        self.log.info("Deleted note %s in project %s", path.stem, project)

    # ---- the async API -------------------------------------------------------
    async def list(self, project: str) -> builtins.list[dict[str, Any]]:
        """A project's notes without bodies, most recently updated first."""
        return await asyncio.to_thread(self._list, project)

    async def get(self, project: str, note_id: str) -> dict[str, Any]:
        """One note with its body and revision."""
        path = self._file(project, note_id)
        return await asyncio.to_thread(self._read, path, True)

    async def create(self, project: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Create a note from ``{title, body, tags, id?}``."""
        checked = noteinput.check_fields(fields, self.max_tags, creating=True)
        return await asyncio.to_thread(self._create, project, checked)

    async def update(self, project: str, note_id: str, fields: dict[str, Any],
                     if_match: str | None = None) -> dict[str, Any]:
        """Change title, body and/or tags; 409 if ``if_match`` is not the current revision."""
        checked = noteinput.check_fields(fields, self.max_tags, creating=False)
        return await asyncio.to_thread(self._update, project, note_id, checked, if_match)

    async def delete(self, project: str, note_id: str, if_match: str | None = None) -> None:
        """Delete a note (refused with 409 if ``if_match`` is stale)."""
        await asyncio.to_thread(self._delete, project, note_id, if_match)
