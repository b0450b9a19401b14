"""Data Studio dashboards: list/create, generate, get/replace/delete, undo, static export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join
from tornado import web

from .analysis import APP, PROJECT, DataStudioBase
from .base import API_PREFIX

DASHBOARD = r"(?P<dashboard_id>[^/]+)"


class DashboardBase(DataStudioBase):
    """Turns specs into response models with the notebook path and Voila URL."""

    def model(self, folder: Path, spec: dict[str, Any]) -> dict[str, Any]:
        """``{spec, notebook, render_url, undo_available}`` of a stored dashboard."""
        summary = self.studio.store(folder).summary(spec)
        notebook = folder / summary["notebook"]
        rel = self.orpheus.projects.relative(notebook)
        return {
            "spec": spec,
            "notebook": rel,
            "render_url": url_path_join(self.base_url, "voila", "render", rel),
            "undo_available": summary["undo_available"],
        }

    def spec_body(self) -> dict[str, Any]:
        """The request body as a spec (400 when it is not a JSON object)."""
        return self.get_json_object()


class DashboardsHandler(DashboardBase):
    """``GET`` the project's dashboards; ``POST`` a new spec (201)."""

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        folder = self.project_dir(name)
        listing = await self.studio.dashboards(folder, "list")
        for item in listing:
            rel = self.orpheus.projects.relative(folder / item["notebook"])
            item["notebook"] = rel
            item["render_url"] = url_path_join(self.base_url, "voila", "render", rel)
        self.write_json({"dashboards": listing})

    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        folder = self.project_dir(name)
        body = self.spec_body()
        body.setdefault("version", 1)
        spec = await self.studio.dashboards(folder, "create", body)
        await self.orpheus.projects.touch(name, app=APP)
        self.write_json(self.model(folder, spec), status=201)


class GenerateHandler(DashboardBase):
    """``POST`` {table?, title?}: a first dashboard from the analysis (analysing if needed)."""

    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        body = self.get_json_object()
        unknown = sorted(set(body) - {"table", "title"})
        if unknown:
            raise web.HTTPError(400, f"unknown field(s): {', '.join(unknown)}")
        folder = self.project_dir(name)
        spec = await self.studio.generate(folder, body.get("table"), body.get("title"))
        await self.orpheus.projects.touch(name, app=APP)
        self.write_json(self.model(folder, spec), status=201)


class DashboardHandler(DashboardBase):
    """``GET``, ``PUT`` (replace; the previous version is kept) and ``DELETE`` one dashboard."""

    @web.authenticated
    @authorized
    async def get(self, name: str, dashboard_id: str) -> None:
        folder = self.project_dir(name)
        spec = await self.studio.dashboards(folder, "load", dashboard_id)
        self.write_json(self.model(folder, spec))

    @web.authenticated
    @authorized
    async def put(self, name: str, dashboard_id: str) -> None:
        folder = self.project_dir(name)
        body = self.spec_body()
        if "id" in body and body["id"] != dashboard_id:
            raise web.HTTPError(400, "id: does not match the dashboard in the URL")
        body.setdefault("version", 1)
        spec = await self.studio.dashboards(folder, "save", dashboard_id, body)
        await self.orpheus.projects.touch(name, app=APP)
        self.write_json(self.model(folder, spec))

    @web.authenticated
    @authorized
    async def delete(self, name: str, dashboard_id: str) -> None:
        folder = self.project_dir(name)
        await self.studio.dashboards(folder, "delete", dashboard_id)
        self.set_status(204)
        self.finish()


class UndoHandler(DashboardBase):
    """``POST``: restore the previous version (409 when there is none)."""

    @web.authenticated
    @authorized
    async def post(self, name: str, dashboard_id: str) -> None:
        folder = self.project_dir(name)
        spec = await self.studio.dashboards(folder, "undo", dashboard_id)
        self.write_json(self.model(folder, spec))


class ExportHandler(DashboardBase):
    """``GET``: the static HTML export (interactive plotly, data inlined, no kernel)."""

    @web.authenticated
    @authorized
    async def get(self, name: str, dashboard_id: str) -> None:
        folder = self.project_dir(name)
        html = await self.studio.export(folder, dashboard_id)
        self.set_header("Content-Disposition", f'attachment; filename="{dashboard_id}.html"')
        self.set_header("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; "
                                                   "style-src 'unsafe-inline'; img-src data:")
        self.finish(html, set_content_type="text/html; charset=utf-8")


default_handlers = [
    (rf"{API_PREFIX}{PROJECT}/dashboards", DashboardsHandler),
    (rf"{API_PREFIX}{PROJECT}/dashboards/generate", GenerateHandler),
    (rf"{API_PREFIX}{PROJECT}/dashboards/{DASHBOARD}", DashboardHandler),
    (rf"{API_PREFIX}{PROJECT}/dashboards/{DASHBOARD}/undo", UndoHandler),
    (rf"{API_PREFIX}{PROJECT}/dashboards/{DASHBOARD}/export", ExportHandler),
]
