"""``/orpheus/api/projects``: the unified project listing and one project's record."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from . import resources
from .base import API_PREFIX, OrpheusHandler

PROJECT = r"(?P<name>[^/]+)"
_CREATE_FIELDS = {"name", "description"}
_PATCH_FIELDS = {"description"}


def check_fields(body: dict[str, object], allowed: set[str]) -> None:
    """400 naming any field the endpoint does not take."""
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise web.HTTPError(
            400, f"unknown field(s): {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )


class ProjectsHandler(OrpheusHandler):
    """List every project (with each app's use of it) and create projects."""

    auth_resource = resources.PROJECTS

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """``{"projects": [...]}``, most recently changed first."""
        projects = await self.orpheus.projects.list()
        self.write_json({"projects": projects})

    @web.authenticated
    @authorized
    async def post(self) -> None:
        """Create a project from ``{name, description}``; 201 with its model."""
        body = self.get_json_object()
        check_fields(body, _CREATE_FIELDS)
        if "name" not in body:
            raise web.HTTPError(400, "name is required")
        model = await self.orpheus.projects.create(body["name"], body.get("description", ""))
        self.set_header("Location", f"{self.base_url.rstrip('/')}{API_PREFIX}/projects/{model['name']}")
        self.write_json(model, status=201)


class ProjectHandler(OrpheusHandler):
    """One project: read, change its description, delete (to the trash by default)."""

    auth_resource = resources.PROJECTS

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        """The project's record, path and what each app holds in it."""
        self.write_json(await self.orpheus.projects.get(name))

    @web.authenticated
    @authorized
    async def patch(self, name: str) -> None:
        """Change the description: ``{description}``."""
        body = self.get_json_object()
        check_fields(body, _PATCH_FIELDS)
        if "description" not in body:
            raise web.HTTPError(400, "description is required")
        self.write_json(await self.orpheus.projects.update(name, body["description"]))

    @web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        """Move the project to the trash, or delete it for good with ``?purge=1``."""
        purge = self.get_query_argument("purge", "0").lower()
        if purge not in ("0", "1", "true", "false", ""):
            raise web.HTTPError(400, "purge must be 1 or 0")
        result = await self.orpheus.projects.delete(name, purge=purge in ("1", "true"))
        self.write_json(result)


default_handlers = [
    (rf"{API_PREFIX}/projects", ProjectsHandler),
    (rf"{API_PREFIX}/projects/{PROJECT}", ProjectHandler),
]
