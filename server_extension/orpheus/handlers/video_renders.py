"""Video Studio renders: list, stream with HTTP ranges, delete."""

from __future__ import annotations

import asyncio
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import JupyterHandler
from tornado import web

from . import resources
from .base import API_PREFIX, OrpheusMixin
from .video import PROJECT, VideoBase


class RendersHandler(VideoBase):
    """``GET`` the renders of a project, newest first."""

    @web.authenticated
    @authorized
    async def get(self, project: str) -> None:
        folder = self.project_dir(project)
        self.video.video_dir(folder)  # 404 before the scaffold
        # Reading each MP4's boxes is file I/O: off the event loop.
        self.write_json(await asyncio.to_thread(self.video.renders, folder))


class RenderFileHandler(OrpheusMixin, JupyterHandler,  # type: ignore[misc,override]
                        web.StaticFileHandler):
    """``GET``/``HEAD`` one MP4 with range support (tornado's); ``DELETE`` removes it.

    Only names of the form ``<scene>-<timestamp>.mp4`` inside ``video/out/`` are
    served, so no other file of the user's can be reached through this route.
    """

    auth_resource = resources.VIDEO

    def initialize(self, name: str, **kwargs: Any) -> None:  # type: ignore[override]
        self.name = name
        web.StaticFileHandler.initialize(self, path="")  # the root is set per request

    def _locate(self, project: str, file: str) -> str:
        path = self.orpheus.video.render_path(self.orpheus.projects.path(project), file)
        self.root = str(path.parent)
        return path.name

    @web.authenticated
    @authorized
    async def get(self, project: str, file: str, include_body: bool = True) -> None:  # type: ignore[override]
        name = self._locate(project, file)
        if self.get_argument("download", None):
            self.set_attachment_header(name)
        await web.StaticFileHandler.get(self, name, include_body=include_body)  # type: ignore[misc]

    @web.authenticated
    @authorized
    async def head(self, project: str, file: str) -> None:  # type: ignore[override]
        await self.get(project, file, include_body=False)  # type: ignore[misc]

    @web.authenticated
    @authorized
    async def delete(self, project: str, file: str) -> None:
        self.orpheus.video.delete_render(self.orpheus.projects.path(project), file)
        self.set_status(204)
        self.finish()

    def get_login_url(self) -> str:
        # An API route: refuse with 403 like APIHandler instead of redirecting to a login page.
        raise web.HTTPError(403)

    def get_content_type(self) -> str:
        return "video/mp4"

    def compute_etag(self) -> str | None:
        return None


default_handlers = [
    (rf"{API_PREFIX}{PROJECT}/renders", RendersHandler),
    (rf"{API_PREFIX}{PROJECT}/renders/(?P<file>[^/]+)", RenderFileHandler),
]
