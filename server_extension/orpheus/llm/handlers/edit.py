"""``POST /projects/{name}/dashboards/{id}/edit`` {request, widget_id?}: a natural-language edit."""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ...handlers.analysis import APP, PROJECT
from ...handlers.base import API_PREFIX
from ...handlers.dashboards import DASHBOARD, DashboardBase
from ..edit import DashboardEditor
from .base import AIHandler


class EditHandler(AIHandler, DashboardBase):  # type: ignore[misc,override]
    """The model edits the spec through tools; one validated save, undoable with ``/undo``."""

    @web.authenticated
    @authorized
    async def post(self, name: str, dashboard_id: str) -> None:
        """Edit (events with ``Accept: text/event-stream``); 422 when the edit stays invalid."""
        body = self.get_json_object()
        self.only_fields(body, {"request", "widget_id"})
        request = self.text_field(body, "request") or ""
        widget_id = self.text_field(body, "widget_id", 64, required=False)
        folder = self.project_dir(name)
        await self.studio.dashboards(folder, "load", dashboard_id)  # 400/404 before anything else
        self.llm.require()
        editor = DashboardEditor(self.llm, self.studio, folder, dashboard_id, self.send)

        async def work() -> dict[str, Any]:
            outcome = await editor.run(request, widget_id)
            await self.orpheus.projects.touch(name, app=APP)
            return {"changed": outcome["changed"], "message": outcome["message"],
                    **self.model(folder, outcome["spec"])}

        await self.respond(work)


default_handlers = [
    (rf"{API_PREFIX}{PROJECT}/dashboards/{DASHBOARD}/edit", EditHandler),
]
