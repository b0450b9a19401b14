"""``POST /projects/{name}/analysis/insights``: the model explains the stored analysis
(saved next to it); ``GET`` returns the stored insights."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ...handlers.analysis import APP, PROJECT
from ...handlers.base import API_PREFIX
from .. import insights
from .base import AIHandler


class InsightsHandler(AIHandler):
    """Narrative insights of a project's analysis."""

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        """The stored insights (404 before the first POST)."""
        stored = await self.studio.run(insights.load, self.project_dir(name))
        if stored is None:
            raise web.HTTPError(404, f"project {name!r} has no insights yet; POST to create them")
        self.write_json(stored)

    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        """Ask the model (streamed text with ``Accept: text/event-stream``)."""
        self.only_fields(self.get_json_object(), set())
        folder = self.project_dir(name)
        metadata = await self.studio.analysis(folder)  # 404 when not analysed
        self.llm.require()

        async def work() -> dict[str, object]:
            doc = await insights.explain(self.llm, folder, metadata,
                                         on_text=lambda t: self.send("text", {"text": t}))
            await self.orpheus.projects.touch(name, app=APP)
            return doc

        await self.respond(work, status=201)


default_handlers = [
    (rf"{API_PREFIX}{PROJECT}/analysis/insights", InsightsHandler),
]
