"""Session folder actions: ``archive`` (streamed zip), ``clone`` {url, branch?}, ``fetch`` {url}."""

from __future__ import annotations

import asyncio

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..sessions.archive import zip_chunks
from . import resources
from .base import API_PREFIX
from .sessions import SESSION, SessionsBase


class SessionArchiveHandler(SessionsBase):
    """``GET /sessions/{id}/archive``: the session folder as a zip, streamed as it is made."""

    @web.authenticated
    @authorized
    async def get(self, session_id: str) -> None:
        paths = await self.sessions.workdir_of(session_id)
        self.set_header("Content-Type", "application/zip")
        self.set_header(
            "Content-Disposition", f'attachment; filename="session-{paths.session_id}.zip"'
        )
        chunks = zip_chunks(paths.workdir)
        while True:
            chunk = await asyncio.to_thread(next, chunks, None)
            if chunk is None:
                break
            self.write(chunk)
            await self.flush()
        self.finish()


class SessionCloneHandler(SessionsBase):
    """``POST /sessions/{id}/clone`` {url, branch?}: a shallow clone into the session folder."""

    @web.authenticated
    @resources.authorized_to_execute
    async def post(self, session_id: str) -> None:
        body = self.get_json_object()
        result = await self.sessions.clone(session_id, body.get("url"), body.get("branch"))
        self.write_json(result, status=201)


class SessionFetchHandler(SessionsBase):
    """``POST /sessions/{id}/fetch`` {url}: a web page saved as Markdown in the session folder."""

    @web.authenticated
    @resources.authorized_to_execute
    async def post(self, session_id: str) -> None:
        body = self.get_json_object()
        result = await self.sessions.fetch(session_id, body.get("url"))
        self.write_json(result, status=201)


default_handlers = [
    (rf"{API_PREFIX}/sessions/{SESSION}/archive", SessionArchiveHandler),
    (rf"{API_PREFIX}/sessions/{SESSION}/clone", SessionCloneHandler),
    (rf"{API_PREFIX}/sessions/{SESSION}/fetch", SessionFetchHandler),
]
