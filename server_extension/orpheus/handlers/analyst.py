"""The Claude data analyst of a Data Studio project (agentic analysis runs).

``POST /projects/{name}/analyst`` {request}: a run of ``claude -p`` in the project folder,
starting from the stored analysis; with ``Accept: text/event-stream`` it streams ``status``,
``text``, ``tool``, ``result`` and ``error`` and ends with ``complete`` (the run's summary)
or, when cancelled, a fatal ``error``. ``GET`` the last run's summary and whether one runs;
``DELETE`` stops the running one (so does a client that leaves the stream).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join
from tornado import web

from ..datastudio.analysis.engine import analysis_dir, load_metadata
from ..datastudio.analyst import record
from ..datastudio.analyst.manager import AnalystManager, RunRequest
from ..datastudio.analyst.paths import conversation_id
from ..llm.handlers.base import AIHandler
from ..sessions import model_access
from . import resources
from .analysis import APP, PROJECT
from .base import API_PREFIX

NOT_ANALYSED = ("project {name!r} has not been analysed yet: analyze it first (the Analyze "
                "button, or POST .../projects/{name}/analyze), then ask Claude")
NO_ACCESS = ("Claude could not get access to the hub's AI service for this run; ask the hub's "
            "operator to check it.")


class AnalystHandler(AIHandler):
    """Start, follow, read and cancel the project's analyst run."""

    _running_in: Path | None = None

    @property
    def analyst(self) -> AnalystManager:
        """The analyst runs of this server."""
        manager: AnalystManager = self.orpheus.analyst
        return manager

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        """``{"running": bool, "last_run": summary or null}``."""
        folder = self.project_dir(name)
        last = await self.studio.run(record.last_run, folder)
        self.write_json({"running": self.analyst.running(folder), "last_run": last})

    @web.authenticated
    @resources.authorized_to_execute
    async def delete(self, name: str) -> None:
        """Stop the running analysis (409 when none runs)."""
        if not self.analyst.cancel(self.project_dir(name)):
            raise web.HTTPError(409, "Claude is not analysing this project now: nothing to cancel")
        self.set_status(204)
        self.finish()

    @web.authenticated
    @resources.authorized_to_execute
    async def post(self, name: str) -> None:
        """Run the analyst (every refusal comes before the stream starts)."""
        body = self.get_json_object()
        self.only_fields(body, {"request"})
        request = self.text_field(body, "request", 20_000) or ""
        folder = self.project_dir(name)
        metadata = await self.studio.run(load_metadata, analysis_dir(folder))
        if metadata is None:
            raise web.HTTPError(409, NOT_ANALYSED.format(name=name))
        if self.analyst.running(folder):
            self.analyst.begin(folder)  # the 409
        user = self.current_user.username
        token, token_id = await self._model_token(f"analyst {name}")
        req = RunRequest(name, folder, conversation_id(user, name), request, metadata, token, self._link)
        try:
            run = self.analyst.begin(folder)
            self._running_in = folder

            async def work() -> dict[str, Any]:
                summary = await self.analyst.run(req, run, self.send)
                await self.orpheus.projects.touch(name, app=APP)
                if summary["status"] == "cancelled":
                    raise web.HTTPError(409, "the run was cancelled")
                return summary

            await self.respond(work)
        finally:
            self._running_in = None
            if token_id:
                await model_access.revoke(self.orpheus.sessions, f"analyst {name}", token_id)

    def on_connection_close(self) -> None:
        """A client that leaves stops the run it started."""
        if self._running_in is not None:
            self.analyst.cancel(self._running_in)
        super().on_connection_close()

    async def _model_token(self, note: str) -> tuple[str | None, str | None]:
        """(token, id to revoke it): as a Claude session gets one; 503 when AI is off."""
        sessions = self.orpheus.sessions
        if not sessions.anthropic_auth_token:
            enabled, message = await self.llm.availability()
            if not enabled:
                raise web.HTTPError(503, "%s", message)
        access = await model_access.prepare(sessions, note, "claude")
        if access.banner or not access.token:
            if access.token_id:
                await model_access.revoke(sessions, note, access.token_id)
            reason = (access.banner or NO_ACCESS).split("\n")[0]
            raise web.HTTPError(503, "%s", reason)
        return access.token, access.token_id

    def _link(self, path: Path) -> tuple[str, str]:
        """A project file as the Jupyter root names it, and its Voila URL."""
        rel = self.orpheus.projects.relative(path)
        return rel, url_path_join(self.base_url, "voila", "render", rel)


default_handlers: list[tuple[str, Any]] = [
    (rf"{API_PREFIX}{PROJECT}/analyst", AnalystHandler),
]
