"""``ClaudeSessionManager``: Claude (or shell) sessions as project folders + named terminals."""

from __future__ import annotations

import asyncio
import builtins
import secrets
import shutil
from pathlib import Path
from typing import Any

from tornado import web

from ..fsutil import is_within
from ..names import sanitize_name, slug_for, unique_slug
from . import pages
from .claude_config import ClaudeSettings
from .clone import SessionCloner
from .lifecycle import SessionLifecycle
from .records import SessionPaths, check_title, iso, new_session_id
from .terminal import check_workdir, terminal_name
from .uploads import UploadPolicy, store
from .webfetch import WebFetcher

MODES = ("claude", "shell")
APP_NAME = "sessions"
MODEL_KEYS = (
    "id", "title", "name", "project", "mode", "status", "created", "started", "last_activity",
    "commands_executed", "size", "ended", "error",
)


class ClaudeSessionManager(SessionLifecycle):
    """Creates, lists, renames, stops and resumes sessions (reaping is in the base class).

    A session's working folder is ``projects/<project>/sessions/<id>/``; its record
    and recording are ``projects/<project>/.orpheus/sessions/<id>.json`` / ``.cast``.
    """

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.claude = ClaudeSettings(parent=self, log=self.log)
        self.uploads = UploadPolicy(parent=self, log=self.log)
        self.cloner = SessionCloner(parent=self, log=self.log)
        self.fetcher = WebFetcher(parent=self, log=self.log)
        self.claude.write_managed_settings()

    def relative(self, path: Path) -> str:
        """A path as the contents API names it (relative to the Jupyter root)."""
        return path.relative_to(self.jupyter_root).as_posix()

    # ---- access and projects --------------------------------------------------
    async def check_shell_access(self, access_key: str) -> None:
        """403 unless the user is in the hub's shell group or holds the access key."""
        key = self.shell_access_key
        if key and access_key and secrets.compare_digest(access_key.encode(), key.encode()):
            return
        account = await self.app.hub_client.get_account()
        groups = (account or {}).get("groups") or []
        if self.shell_group and self.shell_group in groups:
            return
        raise web.HTTPError(
            403,
            f"shell sessions are only for members of the hub group {self.shell_group!r} "
            "or holders of the shell access key",
        )

    async def _project(self, project: str | None, title: str) -> tuple[str, Path]:
        """The session's project (named, or a new one named from the title) and its folder,
        existing or not: nothing is written here (403 for a project folder that is a link
        leaving the projects folder)."""
        projects = getattr(self.app, "projects", None)
        if project:
            name = sanitize_name(project, "project")
        else:
            name = await asyncio.to_thread(self._free_project_name, slug_for(title, "session"))
        if projects is not None:
            slug, folder = projects.locate(name)
            return slug, Path(folder)
        folder = self.projects_root / name
        if not is_within(self.projects_root, folder):
            raise web.HTTPError(403, f"project {name!r} is a link that leaves the projects folder")
        return name, folder

    async def _make_project(self, name: str, folder: Path, title: str | None) -> None:
        """Create (or touch) the session's project once every check has passed (a new
        project made for the session is titled with the session's title)."""
        projects = getattr(self.app, "projects", None)
        if projects is not None:
            await projects.ensure(name, APP_NAME, title=title)
        else:
            await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)

    @staticmethod
    def _check_folders(paths: SessionPaths, projects_root: Path) -> None:
        """Before any write: record, recording and working folder stay in the project (403),
        another app's folder (``video``) is a real folder, and a new folder is free."""
        paths.check()
        if not paths.owns_workdir:
            check_workdir(paths, projects_root)
        elif paths.workdir.exists() or paths.workdir.is_symlink():
            raise web.HTTPError(409, "a session folder with this id exists; try again")

    def _free_project_name(self, base: str) -> str:
        return unique_slug(base, lambda slug: (self.projects_root / slug).exists())

    # ---- models ---------------------------------------------------------------
    def model(self, paths: SessionPaths, record: dict[str, Any]) -> dict[str, Any]:
        """The JSON model of a session, with live state merged in."""
        live = self.current(paths.session_id)
        record = self.ending.get(paths.session_id, record)
        folded = self.fold(record, live)
        model = {k: folded.get(k) for k in MODEL_KEYS}
        model["commands_executed"] = folded.get("commands_executed") or 0
        model["path"] = self.relative(paths.workdir)
        model["recording"] = self.relative(paths.recording)
        # A restored tab reattaches to ``terminal_name`` only while ``terminal_running``.
        model["terminal_name"] = terminal_name(paths.session_id)
        model["terminal_running"] = live is not None
        if live is not None:
            model.update(status=live.status(), terminal=live.terminal_name)
        else:
            model["terminal"] = None
            if model["status"] != "error":
                model["status"] = "terminated"
        return model

    # ---- the API ------------------------------------------------------------------
    async def create(
        self, title: object, project: str | None, mode: str, files: list[Any],
        access_key: str = "", size: tuple[int, int] | None = None,
        subdir: str = "", prompt: str = "",
    ) -> dict[str, Any]:
        """Validate everything, then make the folder, store uploads, write the record, start.

        ``subdir`` runs the session in an existing project subfolder (Video Studio's
        ``video``) instead of its own; ``prompt`` is the first message to claude.
        """
        title = check_title(title)
        if mode not in MODES:
            raise web.HTTPError(400, f"mode must be one of {', '.join(MODES)}")
        if mode == "shell":
            await self.check_shell_access(access_key)
        uploads = self.uploads.check(files)
        project_name, project_dir = await self._project(project, title)
        paths = SessionPaths(project_dir, new_session_id(), subdir)
        await asyncio.to_thread(self._check_folders, paths, self.projects_root)
        # Every check has passed: from here on, write.
        await self._make_project(project_name, project_dir, None if project else title)
        if paths.owns_workdir:
            await asyncio.to_thread(paths.workdir.mkdir, parents=True)
        names = await asyncio.to_thread(store, paths.workdir, uploads)
        if mode == "claude":
            await asyncio.to_thread(self.claude.prepare_folder, paths.workdir, project_name, names)
            await asyncio.to_thread(self.claude.trust_folder, Path(self.home_dir), paths.workdir)
        record: dict[str, Any] = {
            "id": paths.session_id, "title": title, "project": project_name, "mode": mode,
            "created": iso(self.clock()), "commands_executed": 0, "files": names,
            "size": {"cols": size[0], "rows": size[1]} if size else None,
            **({"workdir": subdir} if subdir else {}), **({"prompt": prompt} if prompt else {}),
        }
        record = await self.start_terminal(paths, record, resume=False)
        self.log.info("Created %s session %s in project %s", mode, paths.session_id, project_name)
        return self.model(paths, record)

    async def get(self, session_id: str) -> dict[str, Any]:
        """One session's model; 404 if unknown."""
        paths = await asyncio.to_thread(self.store.find, session_id)
        record = await asyncio.to_thread(self.store.read, paths)
        return self.model(paths, record)

    async def list(self) -> builtins.list[dict[str, Any]]:
        """Every session in every project, newest first."""
        found = await asyncio.to_thread(self.store.all)
        models = [self.model(paths, record) for paths, record in found]
        return sorted(models, key=lambda m: str(m.get("created") or ""), reverse=True)

    async def rename(self, session_id: str, title: object) -> dict[str, Any]:
        """Change the title only; the folder never moves."""
        title = check_title(title)
        paths = await asyncio.to_thread(self.store.find, session_id)
        record = await asyncio.to_thread(self.store.read, paths)
        record["title"] = title
        live = self.current(session_id)
        if live is not None:
            live.record["title"] = title
        await asyncio.to_thread(self.store.write, paths, self.fold(record, live))
        return self.model(paths, record)

    async def delete(self, session_id: str, purge: bool) -> dict[str, Any]:
        """Stop the terminal; with ``purge`` also delete the folder, record and recording."""
        paths = await asyncio.to_thread(self.store.find, session_id)
        await self.stop_terminal(session_id, "deleted")
        record = await asyncio.to_thread(self.store.read, paths)
        model = self.model(paths, record)
        if purge:
            await asyncio.to_thread(self._purge, paths)
            model["status"] = "purged"
        return model

    def _purge(self, paths: SessionPaths) -> None:
        workdir = paths.workdir
        if not paths.owns_workdir:
            pass  # another app's folder (e.g. video/): only the record and recording go
        elif workdir.is_symlink():
            workdir.unlink()
        elif workdir.is_dir() and is_within(self.projects_root, workdir):
            shutil.rmtree(workdir)
        paths.recording.unlink(missing_ok=True)
        paths.record.unlink(missing_ok=True)
        self.log.info("Purged session %s", paths.session_id)

    async def resume(self, session_id: str, access_key: str = "") -> dict[str, Any]:
        """Start a new terminal in the same folder (``claude --continue`` in claude mode)."""
        paths = await asyncio.to_thread(self.store.find, session_id)
        if self.current(session_id) is not None:
            raise web.HTTPError(409, "this session is still running; open its terminal instead")
        record = await asyncio.to_thread(self.store.read, paths)
        paths.check()  # before anything is written into the folder
        if record.get("mode") == "shell":
            await self.check_shell_access(access_key)
        elif record.get("mode") == "claude" and paths.workdir.is_dir():
            await asyncio.to_thread(self.claude.prepare_folder, paths.workdir, record["project"], [])
            await asyncio.to_thread(self.claude.trust_folder, Path(self.home_dir), paths.workdir)
        record = await self.start_terminal(paths, record, resume=True)
        return self.model(paths, record)

    async def paths_of(self, session_id: str) -> SessionPaths:
        """A session's paths (404 if unknown); flushes its recording so readers see it all."""
        paths = await asyncio.to_thread(self.store.find, session_id)
        await self.recording_written(session_id)
        return paths

    async def workdir_of(self, session_id: str) -> SessionPaths:
        """A session's paths, after checking its folder is a real folder inside the projects."""
        paths = await asyncio.to_thread(self.store.find, session_id)
        paths.check()
        check_workdir(paths, self.projects_root)
        return paths

    async def clone(self, session_id: str, url: object, branch: object) -> dict[str, Any]:
        """``git clone --depth 1`` into the session folder."""
        paths = await self.workdir_of(session_id)
        dest = await self.cloner.clone(url, branch, paths.workdir)
        self.log.info("Session %s: cloned a repository into %s", session_id, dest.name)
        return {"path": self.relative(dest), "name": dest.name}

    async def fetch(self, session_id: str, url: object) -> dict[str, Any]:
        """Fetch a page (SSRF-guarded) and save it as Markdown under ``web/``."""
        paths = await self.workdir_of(session_id)
        page = await self.fetcher.fetch(url)
        title, markdown = await asyncio.to_thread(pages.to_markdown, page)
        target = await asyncio.to_thread(pages.save, paths.workdir, page, title, markdown)
        return {"path": self.relative(target), "title": title, "url": page.url,
                "bytes": len(markdown.encode("utf-8"))}
