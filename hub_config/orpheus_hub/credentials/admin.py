"""The admin actions on credential sets, shared by the REST API and the page.

Each raises ``tornado.web.HTTPError`` with a sentence for the admin (never a value):
409 while the feature is off or a name is taken, 404 for an unknown set or hub group.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Any

from jupyterhub import orm
from tornado import web

from .rules import SET_NAME, CreateBody, UpdateBody, Values
from .store import CredentialStore, SetExists, SetNotFound, SetView
from .vault import CredentialVault, vault_for


def _now() -> datetime:
    return datetime.now(timezone.utc)


class CredentialAdmin:
    """Create, rotate, change, delete, grant and revoke, for one request's handler."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler
        self.vault: CredentialVault = vault_for(handler.authenticator)

    @property
    def store(self) -> CredentialStore:
        """The store; 409 with the reason while the feature is off."""
        if not self.vault.enabled:
            raise web.HTTPError(409, self.vault.disabled_reason)
        return self.vault.store

    async def _call(self, func: Any, *args: Any) -> Any:
        store = self.store
        try:
            return await asyncio.to_thread(func, store, *args)
        except SetNotFound as e:
            raise web.HTTPError(404, f"No credential set named {str(e.args[0])[:64]!r}.") from None
        except SetExists as e:
            raise web.HTTPError(409, f"A credential set named {e.args[0]!r} exists already.") from None

    def _known_set(self, name: str) -> str:
        if not SET_NAME.fullmatch(name):
            raise web.HTTPError(404, f"No credential set named {name[:64]!r}.")
        return name

    def _known_group(self, group: str) -> str:
        if orm.Group.find(self.handler.db, group) is None:
            raise web.HTTPError(404, f"No hub group named {group[:64]!r}; create it first.")
        return group

    async def list_sets(self) -> list[SetView]:
        """Every set."""
        result: list[SetView] = await self._call(CredentialStore.list_sets)
        return result

    async def get(self, name: str) -> SetView:
        """One set."""
        result: SetView = await self._call(CredentialStore.get, self._known_set(name))
        return result

    async def create(self, body: CreateBody) -> SetView:
        """A new set, granted at once to ``body.groups`` (which must exist)."""
        groups = [self._known_group(g) for g in body.groups]
        result: SetView = await self._call(
            CredentialStore.create, body.name, body.description, body.variables, body.file,
            body.allow_trial, groups, _now())
        return result

    async def rotate(self, name: str, values: Values) -> SetView:
        """Replace every value of ``name``."""
        result: SetView = await self._call(
            CredentialStore.rotate, self._known_set(name), values.variables, values.file, _now())
        return result

    async def update(self, name: str, body: UpdateBody) -> SetView:
        """Description and trial flag."""
        result: SetView = await self._call(
            CredentialStore.update, self._known_set(name), body.description, body.allow_trial)
        return result

    async def delete(self, name: str) -> None:
        """Remove a set."""
        await self._call(CredentialStore.delete, self._known_set(name))

    async def grant(self, name: str, group: str) -> bool:
        """Grant to a hub group; True when the grant is new."""
        granted: bool = await self._call(
            CredentialStore.grant, self._known_set(name), self._known_group(group), _now())
        return granted

    async def revoke(self, name: str, group: str) -> bool:
        """Take from a group (which may no longer exist); True when there was a grant."""
        revoked: bool = await self._call(CredentialStore.revoke, self._known_set(name), group)
        return revoked
