"""``/hub/api/orpheus/credentials...``: the admin REST API of the credential sets.

Every method needs ``admin:users`` and ``admin:groups`` (the admin role); while
``ORPHEUS_CREDENTIALS_KEY`` is missing every call answers 409 with the reason. Values
are accepted, never returned: a set is shown by its variable names, a fingerprint and
its rotation time.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from jupyterhub.apihandlers.base import APIHandler
from pydantic import BaseModel
from tornado import web

from ...bodies import parse_body
from ..admin import CredentialAdmin
from ..rules import CreateBody, EmptyBody, UpdateBody, Values
from .access import require_admin

M = TypeVar("M", bound=BaseModel)


class CredentialsAPIBase(APIHandler):  # type: ignore[misc]
    """Admin check before every method (after the hub's own)."""

    async def prepare(self) -> None:
        """Who is calling; then an admin, not blocked."""
        await super().prepare()
        await require_admin(self)

    def parse(self, model: type[M]) -> M:
        """The JSON body as ``model``; any problem is a 400 naming the field."""
        return parse_body(self.request.body, model)

    @property
    def credentials(self) -> CredentialAdmin:
        """The shared actions."""
        return CredentialAdmin(self)

    def reply(self, model: Any, status: int = 200) -> None:
        """``model`` as JSON with ``status``."""
        self.set_status(status)
        self.write(json.dumps(model))


class CredentialSetsAPIHandler(CredentialsAPIBase):
    """``GET`` lists the sets, ``POST`` creates one."""

    async def get(self) -> None:
        """``{"sets": [set, ...]}``, by name."""
        self.reply({"sets": [s.to_json() for s in await self.credentials.list_sets()]})

    async def post(self) -> None:
        """Create from ``{"name", "description", "variables", "file", "groups", "allow_trial"}``; 201."""
        view = await self.credentials.create(self.parse(CreateBody))
        self.reply(view.to_json(), 201)


class CredentialSetAPIHandler(CredentialsAPIBase):
    """One set: ``GET``, ``PATCH`` (description, allow_trial), ``DELETE``."""

    async def get(self, set_name: str) -> None:
        """The set (names, fingerprint, groups; no values)."""
        self.reply((await self.credentials.get(set_name)).to_json())

    async def patch(self, set_name: str) -> None:
        """Change ``description`` and/or ``allow_trial``."""
        self.reply((await self.credentials.update(set_name, self.parse(UpdateBody))).to_json())

    async def delete(self, set_name: str) -> None:
        """Remove the set and its grants; 204."""
        await self.credentials.delete(set_name)
        self.set_status(204)


class RotateAPIHandler(CredentialsAPIBase):
    """``POST .../rotate``: replace all values with ``{"variables", "file"}``."""

    async def post(self, set_name: str) -> None:
        """The set, with its new fingerprint and rotation time."""
        self.reply((await self.credentials.rotate(set_name, self.parse(Values))).to_json())


class GrantAPIHandler(CredentialsAPIBase):
    """``PUT`` grants the set to a hub group, ``DELETE`` revokes it."""

    async def put(self, set_name: str, group: str) -> None:
        """201 when the grant is new, 200 when it existed; the set."""
        self.parse(EmptyBody)
        created = await self.credentials.grant(set_name, group)
        self.reply((await self.credentials.get(set_name)).to_json(), 201 if created else 200)

    async def delete(self, set_name: str, group: str) -> None:
        """The set without the grant; 404 when the group held no grant."""
        if not await self.credentials.revoke(set_name, group):
            raise web.HTTPError(404, f"{set_name} is not granted to {group[:64]!r}.")
        self.reply((await self.credentials.get(set_name)).to_json())


default_handlers = [
    (r"/api/orpheus/credentials", CredentialSetsAPIHandler),
    (r"/api/orpheus/credentials/([^/]+)", CredentialSetAPIHandler),
    (r"/api/orpheus/credentials/([^/]+)/rotate", RotateAPIHandler),
    (r"/api/orpheus/credentials/([^/]+)/groups/([^/]+)", GrantAPIHandler),
]
