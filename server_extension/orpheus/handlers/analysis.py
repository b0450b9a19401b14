"""Data Studio analysis: ``POST /projects/{name}/analyze`` (SSE) and ``GET .../analysis``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..datastudio.manager import DataStudioManager
from . import resources, sse
from .base import API_PREFIX, OrpheusHandler

PROJECT = r"/projects/(?P<name>[^/]+)"
APP = "datastudio"


class DataStudioBase(OrpheusHandler):
    """Shared lookups for the Data Studio handlers."""

    auth_resource = resources.DATASTUDIO

    @property
    def studio(self) -> DataStudioManager:
        """The Data Studio manager."""
        return self.orpheus.datastudio

    def project_dir(self, name: str) -> Path:
        """The folder of an existing project (400 bad name, 404 missing), once none of its
        Data Studio folders is a link leading out of it (403): analysis, dashboards,
        insights, chat and edits all start here."""
        path: Path = self.orpheus.projects.path(name)
        return self.studio.checked(path)


class AnalyzeHandler(DataStudioBase):
    """``POST`` {mode}: analyse the project's ``data/`` folder.

    With ``Accept: text/event-stream`` the answer streams ``status``, ``progress``
    (file, fraction, overall), ``result`` and ``error`` (one per table or failed
    file) and finally ``complete`` (the summary). Otherwise one JSON answer with
    the whole metadata once the run ends.
    """

    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        body = self.get_json_object()
        folder = self.project_dir(name)
        mode = body.get("mode", "combined")
        self.studio.options(mode)  # 400 before any streaming starts
        if not sse.wanted(self):
            metadata = await self.studio.analyze(folder, mode, lambda event, data: None)
            await self.orpheus.projects.touch(name, app=APP)
            self.write_json(metadata)
            return
        await self._stream(name, folder, mode)

    async def _stream(self, name: str, folder: Path, mode: str) -> None:
        stream = sse.EventStream(self)
        stream.start()
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[str, dict[str, Any]] | None] = asyncio.Queue()

        def emit(event: str, data: dict[str, Any]) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, (event, data))

        async def run() -> dict[str, Any]:
            try:
                return await self.studio.analyze(folder, mode, emit)
            finally:
                queue.put_nowait(None)

        task = asyncio.ensure_future(run())
        await stream.send("status", {"message": "queued", "project": name})
        while (item := await queue.get()) is not None:
            await stream.send(*item)  # dropped once the client has gone; the run goes on
        try:
            metadata = await task
        except Exception:
            self.log.exception("Analysis of project %s failed", name)
            await stream.send("error", {"message": "the analysis failed; the server log has the "
                                                   "details", "fatal": True})
        else:
            await self.orpheus.projects.touch(name, app=APP)
            await stream.send("complete", {"summary": metadata["summary"],
                                           "duration_seconds": metadata["duration_seconds"]})
        stream.finish()


class AnalysisHandler(DataStudioBase):
    """``GET`` the stored analysis; ``?file=<name>`` narrows it to one data file's entries."""

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        metadata = await self.studio.analysis(self.project_dir(name))
        wanted = self.get_query_argument("file", None)
        if wanted is None:
            self.write_json(metadata)
            return
        entries = [f for f in metadata["files"] if f.get("file") == wanted]
        if not entries:
            raise web.HTTPError(404, f"no analysed data file is named {wanted!r}")
        self.write_json({"project_name": metadata["project_name"],
                         "analyzed_at": metadata["analyzed_at"], "file": wanted, "tables": entries})


default_handlers = [
    (rf"{API_PREFIX}{PROJECT}/analyze", AnalyzeHandler),
    (rf"{API_PREFIX}{PROJECT}/analysis", AnalysisHandler),
]
