"""``/orpheus/api/projects/{name}/notes``: a project's Markdown notes.

Reads answer with an ``ETag`` (the note's revision); ``PUT`` and ``DELETE`` with
``If-Match`` are refused with 409 when the note changed in between.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from . import resources
from .base import API_PREFIX, OrpheusHandler
from .projects import PROJECT

NOTE = r"(?P<note_id>[^/]+)"


class _NoteBase(OrpheusHandler):
    """Notes belong to projects: the projects resource, answers with an ``ETag``."""

    auth_resource = resources.PROJECTS

    def write_note(self, model: dict[str, Any], status: int = 200) -> None:
        """The note model, with its revision as the ``ETag``."""
        self.set_header("ETag", f'"{model["revision"]}"')
        self.write_json(model, status=status)


class NotesHandler(_NoteBase):
    """List and create a project's notes."""

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        """``{"notes": [...]}`` without bodies, most recently updated first."""
        self.write_json({"notes": await self.orpheus.notes.list(name)})

    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        """Create a note from ``{title, body, tags, id?}``; 201 with the note."""
        model = await self.orpheus.notes.create(name, self.get_json_object())
        project = model["path"].split("/")[-3]
        self.set_header(
            "Location",
            f"{self.base_url.rstrip('/')}{API_PREFIX}/projects/{project}/notes/{model['id']}",
        )
        self.write_note(model, status=201)


class NoteHandler(_NoteBase):
    """Read, update and delete one note."""

    @web.authenticated
    @authorized
    async def get(self, name: str, note_id: str) -> None:
        """The note with its body; ``ETag`` is its revision."""
        self.write_note(await self.orpheus.notes.get(name, note_id))

    @web.authenticated
    @authorized
    async def put(self, name: str, note_id: str) -> None:
        """Change ``{title, body, tags}``; ``If-Match: "<revision>"`` guards stale edits."""
        if_match = self.request.headers.get("If-Match")
        model = await self.orpheus.notes.update(name, note_id, self.get_json_object(), if_match)
        self.write_note(model)

    @web.authenticated
    @authorized
    async def delete(self, name: str, note_id: str) -> None:
        """Delete the note (``If-Match`` honoured); 204."""
        await self.orpheus.notes.delete(name, note_id, self.request.headers.get("If-Match"))
        self.set_status(204)
        self.finish()


default_handlers = [
    (rf"{API_PREFIX}/projects/{PROJECT}/notes", NotesHandler),
    (rf"{API_PREFIX}/projects/{PROJECT}/notes/{NOTE}", NoteHandler),
]
