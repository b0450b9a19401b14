"""``POST /orpheus/api/projects/{name}/data/import``: copy workspace files into ``data/``."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from . import resources
from .base import API_PREFIX, OrpheusHandler
from .projects import PROJECT, check_fields


class DataImportHandler(OrpheusHandler):
    """Import files from elsewhere in the Jupyter root into a project."""

    auth_resource = resources.PROJECTS

    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        """``{paths: [...], on_conflict?: rename|overwrite|error}``; 201 with what was copied."""
        body = self.get_json_object()
        check_fields(body, {"paths", "on_conflict"})
        if "paths" not in body:
            raise web.HTTPError(400, "paths is required: a list of files relative to your Jupyter root")
        result = await self.orpheus.data_importer.import_files(
            name, body["paths"], body.get("on_conflict")
        )
        self.write_json(result, status=201)


default_handlers = [(rf"{API_PREFIX}/projects/{PROJECT}/data/import", DataImportHandler)]
