"""``/orpheus/api/sessions``: create, list, read, rename, stop/purge, resume, recording.

A session's terminal is a named terminado terminal, opened by clients with the
standard ``/terminals/websocket/<terminal>``.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..fsutil import contain
from . import resources
from .base import API_PREFIX, OrpheusHandler

if TYPE_CHECKING:
    from ..sessions.manager import ClaudeSessionManager

SESSION = r"(?P<session_id>[^/]+)"
SIZE_LIMITS = {"cols": (10, 1000), "rows": (5, 500)}
CHUNK = 256 * 1024


class SessionsBase(OrpheusHandler):
    """Access to the session manager."""

    auth_resource = resources.SESSIONS

    @property
    def sessions(self) -> ClaudeSessionManager:
        """The extension's session manager."""
        return self.orpheus.sessions

    def form(self) -> dict[str, Any]:
        """Fields of a multipart/urlencoded form, or of a JSON object body, exactly as sent.

        Not ``get_body_argument``: it turns control characters into spaces, so a title
        the JSON body would refuse for them was silently rewritten instead.
        """
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json"):
            return self.get_json_object()
        return {k: self.decode_argument(v[-1], k) for k, v in self.request.body_arguments.items()}


def parse_size(form: dict[str, Any]) -> tuple[int, int] | None:
    """Optional initial ``cols``/``rows``; 400 when present but unusable."""
    if form.get("cols") in (None, "") and form.get("rows") in (None, ""):
        return None
    values = []
    for key, (low, high) in SIZE_LIMITS.items():
        try:
            value = int(form.get(key, ""))
        except (TypeError, ValueError, OverflowError):
            raise web.HTTPError(400, f"{key} must be a whole number") from None
        if not low <= value <= high:
            raise web.HTTPError(400, f"{key} must be between {low} and {high}")
        values.append(value)
    return values[0], values[1]


class SessionCollectionHandler(SessionsBase):
    """``GET /sessions`` lists; ``POST /sessions`` (multipart) creates and starts one."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.write_json({"sessions": await self.sessions.list()})

    @web.authenticated
    @resources.authorized_to_execute
    async def post(self) -> None:
        form = self.form()
        files = [*self.request.files.get("files", []), *self.request.files.get("files[]", [])]
        project = form.get("project") or None
        if project is not None and not isinstance(project, str):
            raise web.HTTPError(400, "project must be a string")
        model = await self.sessions.create(
            form.get("title"),
            project,
            str(form.get("mode") or "claude"),
            files,
            access_key=str(form.get("access_key") or ""),
            size=parse_size(form),
        )
        self.set_header("Location", f"{self.base_url.rstrip('/')}{API_PREFIX}/sessions/{model['id']}")
        self.write_json(model, status=201)


class SessionHandler(SessionsBase):
    """``GET``, ``PATCH`` (title only) and ``DELETE`` (``?purge=1``) one session."""

    @web.authenticated
    @authorized
    async def get(self, session_id: str) -> None:
        self.write_json(await self.sessions.get(session_id))

    @web.authenticated
    @authorized
    async def patch(self, session_id: str) -> None:
        body = self.get_json_object()
        unknown = sorted(set(body) - {"title"})
        if unknown:
            raise web.HTTPError(400, f"only the title can be changed, not {', '.join(unknown)}")
        if "title" not in body:
            raise web.HTTPError(400, "send the new title as {\"title\": ...}")
        self.write_json(await self.sessions.rename(session_id, body["title"]))

    @web.authenticated
    @authorized
    async def delete(self, session_id: str) -> None:
        purge = self.get_query_argument("purge", "0")
        if purge not in ("0", "1", "true", "false"):
            raise web.HTTPError(400, "purge must be 1 or 0")
        self.write_json(await self.sessions.delete(session_id, purge in ("1", "true")))


class SessionResumeHandler(SessionsBase):
    """``POST /sessions/{id}/resume``: a new terminal in the same folder."""

    @web.authenticated
    @resources.authorized_to_execute
    async def post(self, session_id: str) -> None:
        body = self.get_json_object()
        key = body.get("access_key") or ""
        if not isinstance(key, str):
            raise web.HTTPError(400, "access_key must be a string")
        self.write_json(await self.sessions.resume(session_id, key))


class SessionRecordingHandler(SessionsBase):
    """``GET /sessions/{id}/recording``: the asciicast v2 file, streamed."""

    @web.authenticated
    @authorized
    async def get(self, session_id: str) -> None:
        paths = await self.sessions.paths_of(session_id)
        recording = contain(paths.project_dir, paths.recording, "the session recording")
        try:
            f = recording.open("rb")
        except OSError:
            raise web.HTTPError(404, "this session has no recording yet") from None
        self.set_header("Content-Type", "application/x-asciicast")
        self.set_header(
            "Content-Disposition", f'attachment; filename="session-{paths.session_id}.cast"'
        )
        with f:
            while chunk := await asyncio.to_thread(f.read, CHUNK):
                self.write(chunk)
                await self.flush()
        self.finish()


default_handlers = [
    (rf"{API_PREFIX}/sessions", SessionCollectionHandler),
    (rf"{API_PREFIX}/sessions/{SESSION}", SessionHandler),
    (rf"{API_PREFIX}/sessions/{SESSION}/resume", SessionResumeHandler),
    (rf"{API_PREFIX}/sessions/{SESSION}/recording", SessionRecordingHandler),
]
