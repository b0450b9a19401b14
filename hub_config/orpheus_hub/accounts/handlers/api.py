"""``/hub/api/orpheus/...``: the caller's own account, and the admin users API."""

from __future__ import annotations

import asyncio
import json
from typing import TypeVar

from jupyterhub import orm
from jupyterhub.apihandlers.base import APIHandler
from pydantic import BaseModel, ConfigDict, Field
from tornado import web

from ...bodies import parse_body
from ..admin import MAX_TRIAL_HOURS, AccountAdmin
from .scopes import needs_scope

M = TypeVar("M", bound=BaseModel)


class EmptyRequest(BaseModel):
    """Body of approve and revoke: nothing (or ``{}``)."""

    model_config = ConfigDict(extra="forbid")


class TrialRequest(BaseModel):
    """Body of ``POST /users/{name}/trial``."""

    model_config = ConfigDict(extra="forbid")
    hours: float = Field(gt=0, le=MAX_TRIAL_HOURS, description="Hours to add to the trial.")


class OrpheusAPIHandler(APIHandler):  # type: ignore[misc]
    """Shared parsing and the admin actions."""

    @property
    def admin(self) -> AccountAdmin:
        """The shared admin actions."""
        return AccountAdmin(self.authenticator)

    def parse(self, model: type[M]) -> M:
        """The JSON body as ``model``; any problem is a 400 naming the field."""
        return parse_body(self.request.body, model)


class MeAPIHandler(OrpheusAPIHandler):
    """``GET /hub/api/orpheus/me``: the account of the token's (or cookie's) owner."""

    async def get(self) -> None:
        """State, trial deadline, admin flag and groups of the caller."""
        user = self.current_user
        if user is None:
            raise web.HTTPError(403, "Missing or invalid credentials.")
        if getattr(user, "kind", "user") != "user":
            raise web.HTTPError(400, "Only users have accounts; this token belongs to a service.")
        await self._describe(user_name=user.name)

    @needs_scope("read:users:name")
    async def _describe(self, user_name: str) -> None:
        model = await self.admin.describe(user_name, orm.User.find(self.db, user_name))
        self.write(json.dumps(model))


class UsersAPIHandler(OrpheusAPIHandler):
    """``GET /hub/api/orpheus/users``: every user with state, trial and last login."""

    @needs_scope("admin:users")
    async def get(self) -> None:
        """The list, by name."""
        self.write(json.dumps(await self.admin.list(list(self.db.query(orm.User)))))


class UserActionAPIHandler(OrpheusAPIHandler):
    """``POST /hub/api/orpheus/users/{name}/(approve|revoke|trial)``."""

    @needs_scope("admin:users")
    async def post(self, user_name: str, action: str) -> None:
        """Apply ``action``; 201 when approving created the record, else 200."""
        hub_user = orm.User.find(self.db, user_name)
        if hub_user is None and await asyncio.to_thread(self.authenticator.store.get, user_name) is None:
            raise web.HTTPError(404, f"No such user: {user_name[:64]!r}.")
        status = 200
        if action == "trial":
            await self.admin.extend_trial(user_name, self.parse(TrialRequest).hours)
        else:
            self.parse(EmptyRequest)
            if action == "approve":
                status = 201 if (await self.admin.approve(user_name))[1] else 200
            else:
                if self.current_user.name == user_name:
                    raise web.HTTPError(400, "You cannot revoke yourself.")
                await self.admin.revoke(user_name)
        self.set_status(status)
        self.write(json.dumps(await self.admin.describe(user_name, hub_user)))


default_handlers = [
    (r"/api/orpheus/me", MeAPIHandler),
    (r"/api/orpheus/users", UsersAPIHandler),
    (r"/api/orpheus/users/([^/]+)/(approve|revoke|trial)", UserActionAPIHandler),
]
