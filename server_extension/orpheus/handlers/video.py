"""Video Studio: ``/projects/{name}/video`` scaffold, scene session and render jobs."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from .. import folders
from ..video.manager import VideoManager
from . import resources, sse
from .base import API_PREFIX, OrpheusHandler

PROJECT = r"/projects/(?P<project>[^/]+)/video"
MAX_IDEA = 4000


class VideoBase(OrpheusHandler):
    """Shared lookups for the Video Studio handlers."""

    auth_resource = resources.VIDEO

    @property
    def video(self) -> VideoManager:
        """The Video Studio manager."""
        return self.orpheus.video

    def project_dir(self, project: str) -> Path:
        """The folder of an existing project (404/400 from the project manager)."""
        path: Path = self.orpheus.projects.path(project)
        return path


class VideoHandler(VideoBase):
    """``GET`` the video folder's scenes and renders; ``POST`` scaffolds it."""

    @web.authenticated
    @authorized
    async def get(self, project: str) -> None:
        folder = self.project_dir(project)
        self.write_json(await asyncio.to_thread(self.video.model, folder))

    @web.authenticated
    @authorized
    async def post(self, project: str) -> None:
        folder = await self.orpheus.projects.ensure(project, app="video")
        model, created = await asyncio.to_thread(self.video.scaffold, folder)
        await self.orpheus.projects.touch(project, app="video")
        self.write_json(model, status=201 if created else 200)


class RenderHandler(VideoBase):
    """``POST`` {scene, quality}: queue a render; progress as server-sent events.

    Clients that do not accept ``text/event-stream`` get one JSON answer when the
    render ends: 201 with the render, or 422 with the renderer's error message.
    """

    @web.authenticated
    @resources.authorized_to_execute
    async def post(self, project: str) -> None:
        body = self.get_json_object()
        job = self.video.start_render(
            self.project_dir(project), body.get("scene"), body.get("quality", "low")
        )
        if sse.wanted(self):
            await self._stream(job.follow())
            return
        last: dict[str, Any] = {}
        error: dict[str, Any] | None = None
        async for event in job.follow():
            if event["event"] == "result":
                last = event
            elif event["event"] == "error":
                error = event
        if error is not None:
            raise web.HTTPError(422, f"the render failed: {error['message']}")
        self.write_json({k: v for k, v in last.items() if k != "event"}, status=201)

    async def _stream(self, events: Any) -> None:
        stream = sse.EventStream(self)
        stream.start()
        async for event in events:
            data = {k: v for k, v in event.items() if k != "event"}
            if not await stream.send(event.get("event", "message"), data):
                return  # the client left; the render goes on and its log stays
        stream.finish()


class VideoSessionHandler(VideoBase):
    """``POST`` {idea}: a Claude session in the video folder, the idea as its first prompt."""

    @web.authenticated
    @resources.authorized_to_execute
    async def post(self, project: str) -> None:
        body = self.get_json_object()
        idea = body.get("idea")
        if not isinstance(idea, str) or not idea.strip():
            raise web.HTTPError(400, "idea must be a non-empty string")
        if len(idea) > MAX_IDEA or "\x00" in idea:
            raise web.HTTPError(400, f"idea must be at most {MAX_IDEA} characters, without NUL")
        self.video.video_dir(self.project_dir(project))  # 404 before the scaffold
        session = await self.orpheus.sessions.create(
            title=f"Video: {idea.strip()[:60]}", project=project, mode="claude", files=[],
            subdir=folders.VIDEO, prompt=idea.strip(),
        )
        self.write_json(session, status=201)


default_handlers = [
    (rf"{API_PREFIX}{PROJECT}", VideoHandler),
    (rf"{API_PREFIX}{PROJECT}/render", RenderHandler),
    (rf"{API_PREFIX}{PROJECT}/session", VideoSessionHandler),
]
