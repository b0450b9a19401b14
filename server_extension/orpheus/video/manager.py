"""Video Studio files: the scaffold, scene names, and the renders in ``video/out/``."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Any

from tornado import web
from traitlets import Instance
from traitlets.config import LoggingConfigurable

from .. import folders, ids
from ..fsutil import atomic_write_text, contain
from .jobs import RenderJob, RenderQueue, describe
from .quality import PRESETS

_TEMPLATES = Path(__file__).parent / "templates"
# The folders Video Studio reads and writes; none may be a link out of the project.
STARTER = f"{folders.VIDEO_SCENES}/starter.py"
GUIDE = f"{folders.VIDEO}/CLAUDE.md"
VIDEO_FOLDERS = (folders.VIDEO, folders.VIDEO_SCENES, folders.VIDEO_ASSETS, folders.VIDEO_OUT,
                 STARTER, GUIDE)
SCENE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
RENDER_NAME = ids.RENDER_NAME


class VideoManager(LoggingConfigurable):
    """Scaffolds ``projects/<name>/video/`` and manages its renders."""

    queue = Instance(RenderQueue)

    @staticmethod
    def checked(project_dir: Path) -> Path:
        """``video/`` of a project, once none of its parts leads outside the project (403)."""
        for name in VIDEO_FOLDERS:
            contain(project_dir, project_dir / name, name)
        return project_dir / folders.VIDEO

    def scaffold(self, project_dir: Path) -> tuple[dict[str, Any], bool]:
        """Create the video folder (never overwriting the user's files); (model, created)."""
        created = not self.checked(project_dir).exists()
        for sub in (folders.VIDEO_SCENES, folders.VIDEO_ASSETS, folders.VIDEO_OUT):
            (project_dir / sub).mkdir(parents=True, exist_ok=True)
        starter = project_dir / STARTER
        if not starter.exists():
            shutil.copyfile(_TEMPLATES / "starter.py", starter)
        guide = project_dir / GUIDE
        if not guide.exists():
            text = (_TEMPLATES / "CLAUDE.md").read_text()
            atomic_write_text(guide, text.replace("{max_seconds:g}", f"{self.queue.max_seconds:g}"))
        return self.model(project_dir), created

    def model(self, project_dir: Path) -> dict[str, Any]:
        """The video folder's scenes and renders."""
        self.video_dir(project_dir)
        scenes_dir = project_dir / folders.VIDEO_SCENES
        scenes = sorted(p.stem for p in scenes_dir.glob("*.py") if SCENE_NAME.match(p.stem))
        return {
            "scenes": scenes,
            "renders": self.renders(project_dir),
            "qualities": sorted(PRESETS),
        }

    def video_dir(self, project_dir: Path) -> Path:
        """``video/`` of a scaffolded project (404 before the scaffold, 403 for links out)."""
        video = self.checked(project_dir)
        if not (project_dir / folders.VIDEO_SCENES).is_dir():
            raise web.HTTPError(404, "this project has no video folder yet; POST .../video first")
        return video

    def start_render(self, project_dir: Path, scene: object, quality: object) -> RenderJob:
        """Validate a render request and queue it."""
        video = self.video_dir(project_dir)
        if not isinstance(scene, str) or not SCENE_NAME.match(scene):
            raise web.HTTPError(
                400, "scene must be a scene name like 'starter' (a-z, 0-9, - and _)"
            )
        if quality not in PRESETS:
            raise web.HTTPError(400, f"quality must be one of {', '.join(sorted(PRESETS))}")
        source = project_dir / folders.VIDEO_SCENES / f"{scene}.py"
        if not source.is_file() or source.is_symlink():
            raise web.HTTPError(404, f"no scene named {scene!r} in {folders.VIDEO_SCENES}/")
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        output = project_dir / folders.VIDEO_OUT / f"{scene}-{stamp}.mp4"
        n = 1
        while any(p.exists() or p.is_symlink() for p in (output, output.with_suffix(".log"))):
            output = project_dir / folders.VIDEO_OUT / f"{scene}-{stamp}-{n}.mp4"
            n += 1
        return self.queue.submit(RenderJob(video, scene, str(quality), output))

    def renders(self, project_dir: Path) -> list[dict[str, Any]]:
        """Every finished render, newest first."""
        self.checked(project_dir)
        out = project_dir / folders.VIDEO_OUT
        if not out.is_dir():
            return []
        files = [
            p
            for p in out.iterdir()
            if RENDER_NAME.match(p.name) and p.is_file() and not p.is_symlink()
        ]
        return sorted((describe(p) for p in files), key=lambda r: str(r["created"]), reverse=True)

    def render_path(self, project_dir: Path, name: str) -> Path:
        """The file of one render; 400 for a bad name, 404 when missing."""
        ids.check("file", name)
        self.video_dir(project_dir)
        path = project_dir / folders.VIDEO_OUT / name
        if not path.is_file() or path.is_symlink():
            raise web.HTTPError(404, f"no render named {name}")
        return path

    def delete_render(self, project_dir: Path, name: str) -> None:
        """Remove a render and its log."""
        path = self.render_path(project_dir, name)
        path.unlink()
        path.with_suffix(".log").unlink(missing_ok=True)
