"""``DataImporter``: copy files from elsewhere in the Jupyter root into a project's ``data/``.

Every source is checked before anything is copied (so a request either imports
all its files or none): inside the root after following links, an existing
regular file, not too large, and content that fits its extension. Each copy
goes to a temp file in ``data/`` and is renamed into place, so a half-copied
file never appears.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tornado import web
from traitlets import Enum, Instance, Integer
from traitlets.config import LoggingConfigurable

from .. import folders
from ..filetypes import content_problem
from ..fsutil import is_within
from .manager import ProjectManager

DATA_DIR = folders.DATA
POLICIES = ("rename", "overwrite", "error")


@dataclass
class _Source:
    raw: str
    path: Path
    size: int


class DataImporter(LoggingConfigurable):  # type: ignore[misc]
    """Import workspace files into ``projects/<name>/data/``."""

    projects = Instance(ProjectManager, help="The project manager imports go into.")

    max_files = Integer(100, help="Most files one import request may name.").tag(config=True)

    max_file_bytes = Integer(
        2 * 1024**3, help="Largest single file an import copies; larger is a 413."
    ).tag(config=True)

    on_conflict = Enum(
        list(POLICIES),
        default_value="rename",
        help="What an import does when data/ already has a file of that name, unless the "
        "request says: 'rename' (keep both, the new one as name-2.ext), 'overwrite', or "
        "'error' (409).",
    ).tag(config=True)

    def _check_paths(self, paths: object) -> list[str]:
        if not isinstance(paths, list) or not paths:
            raise web.HTTPError(400, "paths must be a non-empty list of file paths in your Jupyter root")
        if len(paths) > self.max_files:
            raise web.HTTPError(400, f"at most {self.max_files} files can be imported at once")
        if not all(isinstance(p, str) and p.strip() for p in paths):
            raise web.HTTPError(400, "every path must be a non-empty string")
        if any("\x00" in p for p in paths):
            raise web.HTTPError(400, "a path contains a NUL character")
        return list(paths)

    def _source(self, raw: str) -> _Source:
        root = self.projects.jupyter_root
        candidate = Path(os.path.normpath(root / raw.strip()))
        try:
            candidate.relative_to(root)
        except ValueError:
            raise web.HTTPError(400, f"{raw!r} is outside your Jupyter root") from None
        if not is_within(root, candidate):
            raise web.HTTPError(400, f"{raw!r} is a link that leads outside your Jupyter root")
        real = Path(os.path.realpath(candidate))
        if not candidate.exists():
            raise web.HTTPError(404, f"{raw!r} does not exist in your Jupyter root")
        if real.is_dir():
            raise web.HTTPError(400, f"{raw!r} is a folder; import the files in it instead")
        if not real.is_file():
            raise web.HTTPError(400, f"{raw!r} is not a regular file")
        size = real.stat().st_size
        if size > self.max_file_bytes:
            raise web.HTTPError(413, f"{raw!r} is {size} bytes; the import limit is {self.max_file_bytes}")
        with real.open("rb") as f:
            # Checked against the name it will have in data/ (a link's own name).
            problem = content_problem(candidate.name, f.read(8192))
        if problem:
            raise web.HTTPError(415, f"{raw!r} {problem}")
        return _Source(raw, real, size)

    @staticmethod
    def _free_name(folder: Path, name: str, taken: set[str]) -> str:
        stem, suffix = os.path.splitext(name)
        candidate, n = name, 1
        while candidate in taken or (folder / candidate).exists() or (folder / candidate).is_symlink():
            n += 1
            candidate = f"{stem}-{n}{suffix}"
        return candidate

    def _plan(self, folder: Path, sources: list[_Source], policy: str) -> list[tuple[_Source, str]]:
        """Destination names for every source under ``policy`` (409 before any copy)."""
        plan: list[tuple[_Source, str]] = []
        taken: set[str] = set()
        for src in sources:
            name = Path(src.raw.strip()).name
            if name in taken and policy != "rename":
                raise web.HTTPError(409, f"two of the files are named {name!r}")
            exists = (folder / name).exists() or (folder / name).is_symlink()
            if exists and policy == "error":
                raise web.HTTPError(409, f"data/{name} already exists in this project")
            # A link or a folder in the way is never replaced, whatever the policy.
            keep = policy == "rename" or (folder / name).is_symlink() or (folder / name).is_dir()
            dest_name = self._free_name(folder, name, taken) if keep else name
            taken.add(dest_name)
            plan.append((src, dest_name))
        return plan

    def _copy(self, src: Path, dest: Path) -> None:
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
        os.close(fd)
        try:
            shutil.copyfile(src, tmp)
            shutil.copystat(src, tmp)
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _import(self, project: str, paths: list[str], policy: str) -> dict[str, Any]:
        folder = self.projects.path(project) / DATA_DIR
        if folder.is_symlink():
            raise web.HTTPError(403, "the project's data folder is a link; imports must stay in the project")
        sources = [self._source(p) for p in paths]
        folder.mkdir(exist_ok=True)
        imported = []
        for src, name in self._plan(folder, sources, policy):
            dest = folder / name
            replaced = dest.exists()
            self._copy(src.path, dest)
            imported.append({"source": src.raw, "path": self.projects.relative(dest), "name": name,
                             "size": src.size, "renamed": name != Path(src.raw.strip()).name,
                             "replaced": replaced})
        self.log.info("Imported %d file(s) into project %s", len(imported), folder.parent.name)
        return {"project": folder.parent.name, "imported": imported}

    async def import_files(self, project: str, paths: object, on_conflict: object = None) -> dict[str, Any]:
        """Copy ``paths`` (relative to the Jupyter root) into the project's ``data/``."""
        checked = self._check_paths(paths)
        policy = self.on_conflict if on_conflict is None else on_conflict
        if policy not in POLICIES:
            raise web.HTTPError(400, f"on_conflict must be one of {', '.join(POLICIES)}")
        model = await asyncio.to_thread(self._import, project, checked, str(policy))
        await self.projects.touch(project)
        return model
