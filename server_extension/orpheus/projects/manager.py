"""``ProjectManager``: project folders, their ``.project.json`` records, and the listing."""

from __future__ import annotations

import asyncio
import builtins
import threading
from pathlib import Path
from typing import Any

from tornado import web
from traitlets import Bool, Float, TraitError, Unicode, default, validate
from traitlets.config import LoggingConfigurable

from .. import folders
from ..fsutil import contain, is_within
from ..names import check_title, sanitize_name, slug_for, unique_slug
from . import listing, records, trash, trashops


class ProjectManager(LoggingConfigurable):  # type: ignore[misc]
    """Projects are folders under ``<jupyter root>/<projects_dir>``, each with a record.

    Every app (sessions, notes, Data Studio, Video Studio) works inside one; the
    record says when it was made and which apps used it, and the listing counts
    each app's files by folder convention (see :mod:`.listing`).
    """

    root_dir = Unicode(help="The Jupyter server's root directory (absolute).").tag(config=False)

    projects_dir = Unicode(
        folders.PROJECTS,
        help="Folder, relative to the Jupyter root, that holds the user's projects "
        "(defaults to OrpheusApp.projects_dir).",
    ).tag(config=True)

    @default("projects_dir")
    def _default_projects_dir(self) -> str:
        return str(getattr(self.parent, "projects_dir", None) or folders.PROJECTS)

    @validate("projects_dir", "trash_dir")
    def _check_relative(self, proposal: Any) -> str:
        value = str(proposal["value"]).strip("/")
        parts = Path(value).parts
        if not value or ".." in parts or Path(proposal["value"]).is_absolute():
            raise TraitError(
                f"ProjectManager.{proposal['trait'].name} must be a folder relative to the "
                f"Jupyter root, got {proposal['value']!r}"
            )
        return value

    trash_dir = Unicode(
        ".orpheus-trash",
        help="Folder, relative to the Jupyter root, where deleted projects are moved "
        "(unless deleted with ?purge=1).",
    ).tag(config=True)

    trash_keep_days = Float(
        30.0,
        help="Deleted projects older than this many days are purged from the trash when "
        "another project is deleted; 0 keeps them forever.",
    ).tag(config=True)

    allow_purge = Bool(
        True,
        help="Whether DELETE /projects/{name}?purge=1 may delete a project for good "
        "instead of moving it to the trash.",
    ).tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Record read-modify-writes run in worker threads; one lock keeps them whole.
        self._lock = threading.RLock()

    # ---- folders ---------------------------------------------------------
    @property
    def jupyter_root(self) -> Path:
        """The Jupyter root, resolved."""
        return Path(self.root_dir).expanduser().resolve()

    @property
    def root(self) -> Path:
        """The projects folder (``<jupyter root>/<projects_dir>``); 403 when it is a link
        leading out of the Jupyter root."""
        return contain(self.jupyter_root, self.jupyter_root / self.projects_dir,
                       f"{self.projects_dir}/", "your Jupyter root")

    @property
    def trash_root(self) -> Path:
        """Where deleted projects go; 403 when it is a link leading out of the Jupyter root."""
        return contain(self.jupyter_root, self.jupyter_root / self.trash_dir,
                       f"{self.trash_dir}/", "your Jupyter root")

    def relative(self, path: Path) -> str:
        """``path`` relative to the Jupyter root, as the contents API names it."""
        return path.relative_to(self.jupyter_root).as_posix()

    def _folder(self, name: str) -> tuple[str, Path]:
        """Sanitized name and its folder (existing or not); 403 for escaping symlinks."""
        slug = sanitize_name(name, "project name")
        folder = self.root / slug
        if folder.is_symlink() and not is_within(self.jupyter_root, folder):
            raise web.HTTPError(403, f"project {slug!r} is a link that leaves your Jupyter root")
        return slug, folder

    def locate(self, name: str) -> tuple[str, Path]:
        """Sanitized name and folder of a project, existing or not; nothing is written
        (400 for a bad name, 403 for a folder that is a link leaving the root)."""
        return self._folder(name)

    def path(self, name: str) -> Path:
        """The folder of an existing project: 400 for a bad name, 404 if missing."""
        slug, folder = self._folder(name)
        if not folder.is_dir():
            raise web.HTTPError(404, f"project {slug!r} does not exist")
        return folder

    # ---- records ---------------------------------------------------------
    def _model(self, slug: str, folder: Path) -> dict[str, Any]:
        """The JSON model: record + path + what each app holds + last change."""
        record = records.read_record(slug, folder, self.log)
        summary = listing.app_summary(folder)
        return {
            **record,
            "path": self.relative(folder),
            "contents": summary,
            "last_change": listing.last_change(record, summary),
        }

    # ---- blocking implementations (run in threads) -------------------------
    def _free(self, slug: str) -> bool:
        """Whether no project folder (nor link) of this slug exists."""
        folder = self.root / slug
        return not (folder.exists() or folder.is_symlink())

    def _slug_of(self, title: str, name: str | None) -> str:
        """The folder for a new project: ``name`` as asked (409 if taken), else the title's
        slug made unique with -2, -3 …"""
        if name is not None:
            slug = self._folder(sanitize_name(name, "project name", fallback="project"))[0]
            if not self._free(slug):
                raise web.HTTPError(409, f"a project named {slug!r} already exists")
            return slug
        return unique_slug(slug_for(title, "project"), lambda s: not self._free(s))

    def _create(self, title: str, name: str | None, description: str, app: str | None) -> dict[str, Any]:
        with self._lock:
            slug = self._slug_of(title, name)
            folder = self._folder(slug)[1]
            with records.filesystem_errors(f"project {slug!r}"):
                folder.mkdir(parents=True)
                stamp = records.now_iso()
                record = {"name": slug, "title": title, "description": description, "created_at": stamp,
                          "updated_at": stamp, "apps": [app] if app else []}
                records.write_record(folder, record)
        self.log.info("Created project %s", slug)
        return self._model(slug, folder)

    def _preview(self, title: str, kind: str) -> dict[str, Any]:
        base = slug_for(title, kind)
        with self._lock:
            slug = unique_slug(base, lambda s: not self._free(s))
        return {"title": title, "slug": slug, "available": slug == base}

    def _touch(self, name: str, app: str | None, create: bool, title: str | None = None) -> Path:
        slug, folder = self._folder(name)
        with self._lock, records.filesystem_errors(f"project {slug!r}"):
            made = not folder.is_dir()
            if made:
                if not create:
                    raise web.HTTPError(404, f"project {slug!r} does not exist")
                folder.mkdir(parents=True)
                self.log.info("Created project %s for %s", slug, app)
            record = records.read_record(slug, folder, self.log)
            record["updated_at"] = records.now_iso()
            if made and title:
                record["title"] = title
            if app and app not in record["apps"]:
                record["apps"].append(app)
            records.write_record(folder, record)
        return folder

    def _update(self, name: str, changes: dict[str, str]) -> dict[str, Any]:
        folder = self.path(name)
        slug = folder.name
        with self._lock, records.filesystem_errors(f"project {slug!r}"):
            record = records.read_record(slug, folder, self.log)
            record.update(changes)
            record["updated_at"] = records.now_iso()
            records.write_record(folder, record)
        return self._model(slug, folder)

    def _list(self) -> list[dict[str, Any]]:
        if not self.root.is_dir():
            return []
        models = []
        for entry in sorted(self.root.iterdir()):
            if entry.name.startswith(".") or not entry.is_dir() or entry.is_symlink():
                continue
            try:
                if sanitize_name(entry.name) != entry.name:
                    continue  # a folder the user made by hand with a name we would not make
            except web.HTTPError:
                continue
            models.append(self._model(entry.name, entry))
        models.sort(key=lambda m: listing.sort_key(m["last_change"]), reverse=True)
        return models

    # ---- the async API -----------------------------------------------------
    async def create(self, name: str | None = None, description: str = "", app: str | None = None,
                     title: object = None) -> dict[str, Any]:
        """Create a project from a ``title`` (any script; its folder is the title's slug, made
        unique with -2, -3 …) and/or an explicit folder ``name`` (400 if unusable, 409 if
        taken). With only ``name``, the name as given is also the title."""
        if title is None and name is None:
            raise web.HTTPError(400, "title is required")
        checked = check_title(title) if title is not None else check_title(name, "project name")
        description = records.check_description(description)
        app = records.check_app(app) if app is not None else None
        return await asyncio.to_thread(self._create, checked, name, description, app)

    async def slug_preview(self, title: object, kind: str = "project") -> dict[str, Any]:
        """``{"title", "slug", "available"}``: the folder a project titled so would get now
        (``kind`` names the fallback for titles without ASCII letters or digits);
        ``available`` is false when the title's own slug is taken and a suffix was added."""
        return await asyncio.to_thread(self._preview, check_title(title), kind)

    async def ensure(self, name: str, app: str, title: str | None = None) -> Path:
        """The project's folder, created if missing (titled ``title`` when given; the slug
        otherwise); records ``app`` as used."""
        checked = check_title(title) if title is not None else None
        return await asyncio.to_thread(self._touch, name, records.check_app(app), True, checked)

    async def touch(self, name: str, app: str | None = None) -> None:
        """Bump ``updated_at`` (and record ``app`` as used); 404 if missing."""
        app = records.check_app(app) if app is not None else None
        await asyncio.to_thread(self._touch, name, app, False)

    async def get(self, name: str) -> dict[str, Any]:
        """One project's model with what each app holds in it."""
        folder = self.path(name)
        return await asyncio.to_thread(self._model, folder.name, folder)

    async def list(self) -> builtins.list[dict[str, Any]]:
        """Every project, most recently changed first."""
        return await asyncio.to_thread(self._list)

    async def update(self, name: str, description: object = None, title: object = None) -> dict[str, Any]:
        """Change a project's description and/or title; the folder never moves."""
        changes: dict[str, str] = {}
        if description is not None:
            changes["description"] = records.check_description(description)
        if title is not None:
            changes["title"] = check_title(title)
        return await asyncio.to_thread(self._update, name, changes)

    async def delete(self, name: str, purge: bool = False) -> dict[str, Any]:
        """Move a project to the trash (or delete it for good with ``purge``)."""
        return await asyncio.to_thread(trashops.delete, self, name, purge)

    async def list_trash(self) -> builtins.list[dict[str, Any]]:
        """Deleted projects in the trash, most recently deleted first."""
        entries = await asyncio.to_thread(trash.entries, self.trash_root)
        return [{**e, "path": f"{self.trash_dir}/{e['entry']}"} for e in entries]

    async def restore(self, entry: str, name: str | None = None) -> dict[str, Any]:
        """Move a trash entry back to the projects (as ``name``, default its old name)."""
        return await asyncio.to_thread(trashops.restore, self, entry, name)

    async def purge_trash(self, entry: str) -> None:
        """Delete one trash entry for good."""
        await asyncio.to_thread(trashops.purge_entry, self, entry)
