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
from .. import listing
from ..admin import MAX_TRIAL_HOURS, AccountAdmin
from ..views import effective_state
from .guard import refuse_blocked_caller
from .scopes import ACCOUNT_STATE_SCOPE, needs_scope, require_any_scope, require_unfiltered_scope

M = TypeVar("M", bound=BaseModel)
PAGINATION = "application/jupyterhub-pagination+json"


class EmptyRequest(BaseModel):
    """Body of approve and revoke: nothing (or ``{}``)."""

    model_config = ConfigDict(extra="forbid")


class TrialRequest(BaseModel):
    """Body of ``POST /users/{name}/trial``."""

    model_config = ConfigDict(extra="forbid")
    hours: float = Field(gt=0, le=MAX_TRIAL_HOURS, description="Hours to add to the trial.")


class OrpheusAPIHandler(APIHandler):  # type: ignore[misc]
    """Shared parsing and the admin actions; a blocked caller is refused before any."""

    #: whether a blocked account may call this route (only ``/me``: it reads its own state)
    blocked_callers_allowed = False

    async def prepare(self) -> None:
        """The hub's prepare (who is calling), then refuse a blocked caller."""
        await super().prepare()
        if not self.blocked_callers_allowed:
            await refuse_blocked_caller(self)

    @property
    def admin(self) -> AccountAdmin:
        """The shared admin actions."""
        return AccountAdmin(self.authenticator)

    def parse(self, model: type[M]) -> M:
        """The JSON body as ``model``; any problem is a 400 naming the field."""
        return parse_body(self.request.body, model)


class MeAPIHandler(OrpheusAPIHandler):
    """``GET /hub/api/orpheus/me``: the account of the token's (or cookie's) owner."""

    blocked_callers_allowed = True

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
    """``GET /hub/api/orpheus/users``: users with state, trial and last login.

    ``?q=`` (name or email contains, any case), ``state=`` (``all``, a state, ``locked``
    or ``admin``), ``sort=`` (name, email, state, signed_up, last_login, trial_end),
    ``order=asc|desc``, ``offset=``, ``limit=`` (1-500; default every row). The answer is
    the list; with ``Accept: application/jupyterhub-pagination+json`` (as the hub's own
    ``/users``) it is ``{"items": [...], "_pagination": {"offset", "limit", "total", "next"}}``.
    """

    @needs_scope("admin:users")
    async def get(self) -> None:
        """The slice of the list the query asks for."""
        query = listing.api_query(lambda name: self.get_query_argument(name, None))
        rows = await self.admin.list(list(self.db.query(orm.User)))
        items, total = listing.select(rows, query)
        for item in items:
            item.pop("last_seen", None)
        if PAGINATION in self.request.headers.get("Accept", ""):
            end = query.offset + len(items)
            following = {"offset": end, "limit": query.limit} if end < total else None
            self.set_header("Content-Type", PAGINATION)
            self.write(json.dumps({"items": items, "_pagination": {
                "offset": query.offset, "limit": query.limit, "total": total, "next": following}}))
            return
        self.write(json.dumps(items))


class UserActionAPIHandler(OrpheusAPIHandler):
    """``POST /hub/api/orpheus/users/{name}/(approve|revoke|trial|release|unlock)``."""

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
            status = await self._act(user_name, action)
        self.set_status(status)
        self.write(json.dumps(await self.admin.describe(user_name, hub_user)))

    async def _act(self, user_name: str, action: str) -> int:
        """One body-less action; returns the status code."""
        if action == "approve":
            return 201 if (await self.admin.approve(user_name))[1] else 200
        if action == "release":
            await self.admin.release(user_name)
            return 200
        if action == "unlock":
            await self.admin.unlock(user_name)
            return 200
        if self.current_user.name == user_name:
            raise web.HTTPError(400, "You cannot revoke yourself.")
        await self.admin.revoke(user_name)
        return 200


class AccountStateAPIHandler(OrpheusAPIHandler):
    """``GET /hub/api/orpheus/accounts/{name}``: ``{"name", "state", "admin"}`` for services.

    Allowed with ``custom:orpheus:account-state`` or ``admin:users`` (either one, for
    this name or for all users). The check is made here rather than with
    ``needs_scope``, which validates its scopes when the module is imported, before
    the hub has loaded ``custom_scopes``.
    """

    async def get(self, name: str) -> None:
        """The state of ``name``; 404 if the name was never known."""
        require_any_scope(self, name, ACCOUNT_STATE_SCOPE, "admin:users")
        hub_user = orm.User.find(self.db, name)
        account = await asyncio.to_thread(self.authenticator.store.get, name)
        if hub_user is None and account is None:
            raise web.HTTPError(404, f"No account named {name[:64]!r}.")
        is_admin = bool(hub_user is not None and hub_user.admin) or name in self.authenticator.admin_users
        state = effective_state(account, is_admin, self.authenticator.clock.now())
        self.write(json.dumps({"name": name, "state": state, "admin": is_admin}))


class AccountsAPIHandler(OrpheusAPIHandler):
    """``GET /hub/api/orpheus/accounts``: every known name's state, for the enforcer service.

    ``{"version", "accounts": [{"name", "state", "admin", "active"}]}``; ``active`` says
    the hub user has a server or tokens. With ``?since=N&wait=S`` the answer waits up to
    ``S`` seconds (at most 300) for an account change past version ``N``. Needs
    ``custom:orpheus:account-state`` or ``admin:users`` for all users.
    """

    async def get(self) -> None:
        """The states, once something changed or the wait is over."""
        require_unfiltered_scope(self, ACCOUNT_STATE_SCOPE, "admin:users")
        since = self._number("since", 0, 0, 2**62)
        wait = self._number("wait", 0, 0, 300)
        version = await self.authenticator.changes.wait(int(since), wait) if wait else \
            self.authenticator.changes.version
        records = {a.username: a for a in await asyncio.to_thread(self.authenticator.store.list)}
        now = self.authenticator.clock.now()
        accounts = []
        for user in self.db.query(orm.User).all():
            is_admin = bool(user.admin) or user.name in self.authenticator.admin_users
            active = bool(user.api_tokens) or any(s.server is not None for s in user.orm_spawners.values())
            state = effective_state(records.pop(user.name, None), is_admin, now)
            accounts.append({"name": user.name, "state": state, "admin": is_admin, "active": active})
        for name, record in records.items():  # records without a hub user (tombstones)
            accounts.append({"name": name, "state": effective_state(record, False, now),
                             "admin": False, "active": False})
        self.write(json.dumps({"version": version, "accounts": accounts}))

    def _number(self, name: str, default: float, low: float, high: float) -> float:
        raw = self.get_argument(name, "")
        try:
            value = float(raw) if raw else default
        except ValueError:
            raise web.HTTPError(400, f"{name} must be a number") from None
        if not low <= value <= high:
            raise web.HTTPError(400, f"{name} must be between {low:g} and {high:g}")
        return value


default_handlers = [
    (r"/api/orpheus/me", MeAPIHandler),
    (r"/api/orpheus/users", UsersAPIHandler),
    (r"/api/orpheus/users/([^/]+)/(approve|revoke|trial|release|unlock)", UserActionAPIHandler),
    (r"/api/orpheus/accounts", AccountsAPIHandler),
    (r"/api/orpheus/accounts/([^/]+)", AccountStateAPIHandler),
]
