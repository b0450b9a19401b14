"""``/orpheus/api/projects``: the unified project listing and one project's record."""

from __future__ import annotations

import asyncio

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..names import check_title
from ..sessions import records as session_records
from . import resources
from .base import API_PREFIX, OrpheusHandler

PROJECT = r"(?P<name>[^/]+)"
_CREATE_FIELDS = {"title", "name", "description"}
_PATCH_FIELDS = {"title", "description"}
SLUG_KINDS = ("project", "session")


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
        """Create a project from ``{title, name?, description?}``; 201 with its model.

        The folder is the title's slug made unique (``-2``, ``-3`` …) unless ``name`` asks for
        one (409 if taken); ``{name}`` alone is the older form: the name is also the title.
        """
        body = self.get_json_object()
        check_fields(body, _CREATE_FIELDS)
        if "name" not in body and "title" not in body:
            raise web.HTTPError(400, "title is required")
        name = body.get("name")
        if name is not None and not isinstance(name, str):
            raise web.HTTPError(400, "project name must be a string")
        if "title" in body and not isinstance(body["title"], str):
            raise web.HTTPError(400, "title must be a string")
        model = await self.orpheus.projects.create(
            name, body.get("description", ""), title=body.get("title")
        )
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
        """Change ``{title?, description?}``; the folder (``name``) never moves."""
        body = self.get_json_object()
        check_fields(body, _PATCH_FIELDS)
        if not body:
            raise web.HTTPError(400, "send title and/or description")
        for field in _PATCH_FIELDS:
            if field in body and body[field] is None:
                raise web.HTTPError(400, f"{field} must be a string")
        self.write_json(
            await self.orpheus.projects.update(name, body.get("description"), body.get("title"))
        )

    @web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        """Move the project to the trash, or delete it for good with ``?purge=1``."""
        purge = self.get_query_argument("purge", "0").lower()
        if purge not in ("0", "1", "true", "false", ""):
            raise web.HTTPError(400, "purge must be 1 or 0")
        result = await self.orpheus.projects.delete(name, purge=purge in ("1", "true"))
        self.write_json(result)


class SlugHandler(OrpheusHandler):
    """``GET /names/slug?title=&kind=project|session[&project=]``: the folder a title makes."""

    auth_resource = resources.PROJECTS

    def raw_query(self, name: str) -> str | None:
        """The last ``name`` query argument exactly as sent: tornado's own getter turns
        control characters into spaces, and a title must be refused for them instead."""
        values = self.request.query_arguments.get(name)
        return self.decode_argument(values[-1], name) if values else None

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """``{"title", "slug", "available"}``, nothing written; 400 for a bad title or kind."""
        title = self.raw_query("title")
        if title is None:
            raise web.HTTPError(400, "title is required (?title=...)")
        kind = self.get_query_argument("kind", "project")
        if kind not in SLUG_KINDS:
            raise web.HTTPError(400, f"kind must be one of {', '.join(SLUG_KINDS)}, not {kind[:40]!r}")
        project = self.get_query_argument("project", None)
        if project is not None and kind != "session":
            raise web.HTTPError(400, "project is only for kind=session")
        if project:
            checked = check_title(title)
            folder = self.orpheus.projects.path(project)
            slug, available = await asyncio.to_thread(session_records.free_session_name, folder, checked)
            self.write_json({"title": checked, "slug": slug, "available": available})
            return
        self.write_json(await self.orpheus.projects.slug_preview(title, kind))


default_handlers = [
    (rf"{API_PREFIX}/projects", ProjectsHandler),
    (rf"{API_PREFIX}/projects/{PROJECT}", ProjectHandler),
    (rf"{API_PREFIX}/names/slug", SlugHandler),
]
