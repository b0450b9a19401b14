"""``/orpheus/api/trash``: deleted projects, restore and purge.

The trash folder is hidden in the file browser (it starts with a dot), so this
is how a user gets a project back.
"""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from . import resources
from .base import API_PREFIX, OrpheusHandler
from .projects import check_fields

ENTRY = r"(?P<entry>[^/]+)"


class TrashHandler(OrpheusHandler):
    """List deleted projects."""

    auth_resource = resources.PROJECTS

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """``{"trash": [{entry, name, deleted_at, path}]}``, most recently deleted first."""
        self.write_json({"trash": await self.orpheus.projects.list_trash()})


class TrashEntryHandler(OrpheusHandler):
    """Delete one trash entry for good."""

    auth_resource = resources.PROJECTS

    @web.authenticated
    @authorized
    async def delete(self, entry: str) -> None:
        """Purge the entry; 204."""
        await self.orpheus.projects.purge_trash(entry)
        self.set_status(204)
        self.finish()


class RestoreHandler(OrpheusHandler):
    """Put a deleted project back."""

    auth_resource = resources.PROJECTS

    @web.authenticated
    @authorized
    async def post(self, entry: str) -> None:
        """``{name?}``: restore (under ``name`` if given); 201 with the project's model."""
        body = self.get_json_object()
        check_fields(body, {"name"})
        model = await self.orpheus.projects.restore(entry, body.get("name"))
        self.write_json(model, status=201)


default_handlers = [
    (rf"{API_PREFIX}/trash", TrashHandler),
    (rf"{API_PREFIX}/trash/{ENTRY}", TrashEntryHandler),
    (rf"{API_PREFIX}/trash/{ENTRY}/restore", RestoreHandler),
]
