"""``/hub/approvals``: the admin page. GET renders, POST (with ``_xsrf``) changes state."""

from __future__ import annotations

import asyncio

from jupyterhub import orm
from jupyterhub.handlers.base import BaseHandler
from jupyterhub.utils import maybe_future
from tornado import web

from ..admin import MAX_TRIAL_HOURS, AccountAdmin
from .guard import refuse_blocked_caller
from .scopes import needs_scope

ACTIONS = ("approve", "revoke", "trial", "delete", "release", "unlock")


class ApprovalsHandler(BaseHandler):  # type: ignore[misc]
    """Users with state, trial time left and last login; approve, revoke, extend, delete,
    release a deleted name, unlock a name slowed down by failed logins."""

    async def prepare(self) -> None:
        """The hub's prepare (who is calling), then refuse a blocked caller."""
        await super().prepare()
        await refuse_blocked_caller(self)

    @property
    def admin(self) -> AccountAdmin:
        """The shared admin actions."""
        return AccountAdmin(self.authenticator)

    async def _render(self, message: str = "", error: str = "", status: int = 200) -> None:
        rows = await self.admin.list(list(self.db.query(orm.User)))
        self.set_status(status)
        html = await self.render_template(
            "approvals.html", rows=rows, message=message, error=error, actions=ACTIONS
        )
        self.finish(html)

    @web.authenticated
    @needs_scope("admin:users")
    async def get(self) -> None:
        """The page."""
        await self._render()

    @web.authenticated
    @needs_scope("admin:users")
    async def post(self) -> None:
        """One action on one user, then the page again with what happened."""
        action = self.get_body_argument("action", "")
        name = self.get_body_argument("username", "").strip()
        try:
            message = await self._act(action, name)
        except web.HTTPError as e:
            await self._render(error=e.log_message or "Request refused.", status=e.status_code)
            return
        await self._render(message=message)

    async def _act(self, action: str, name: str) -> str:
        if action not in ACTIONS:
            raise web.HTTPError(400, f"Unknown action; use one of {', '.join(ACTIONS)}.")
        hub_user = orm.User.find(self.db, name) if name else None
        record = await self._record(name)
        if hub_user is None and record is None:
            raise web.HTTPError(404, "No such user.")
        if action == "approve":
            await self.admin.approve(name)
            return f"Approved {name}."
        if action == "revoke":
            if name == self.current_user.name:
                raise web.HTTPError(400, "You cannot revoke yourself.")
            await self.admin.revoke(name)
            return f"Revoked {name}; their server and tokens are being stopped."
        if action == "unlock":
            await self.admin.unlock(name)
            return f"Unlocked {name}: failed logins on this name no longer slow it down."
        if action == "release":
            await self.admin.release(name)
            return f"Released {name}: the name can be used again (by whoever takes it next)."
        if action == "trial":
            hours = self._hours()
            account = await self.admin.extend_trial(name, hours)
            return f"Extended the trial of {name} by {hours:g} h ({account.trial_expires_at:%Y-%m-%d %H:%M} UTC)."
        return await self._delete(name, hub_user)

    async def _record(self, name: str) -> object | None:
        return await asyncio.to_thread(self.authenticator.store.get, name) if name else None

    def _hours(self) -> float:
        raw = self.get_body_argument("hours", "")
        try:
            hours = float(raw)
        except ValueError:
            raise web.HTTPError(400, "Hours must be a number.") from None
        if not 0 < hours <= MAX_TRIAL_HOURS:
            raise web.HTTPError(400, f"Hours must be between 0 and {MAX_TRIAL_HOURS}.")
        return hours

    async def _delete(self, name: str, hub_user: orm.User | None) -> str:
        if name == self.current_user.name:
            raise web.HTTPError(400, "You cannot delete yourself.")
        if hub_user is None:
            await asyncio.to_thread(self.authenticator.store.tombstone, name, self.authenticator.clock.now())
            return f"Deleted the account record of {name}; the name stays reserved."
        user = self.users[hub_user.id]
        if user.spawner.pending:
            raise web.HTTPError(409, f"The server of {name} is busy ({user.spawner.pending}); try again in a moment.")
        if user.running:
            await self.stop_single_user(user)
        await maybe_future(self.authenticator.delete_user(user))
        await user.delete_spawners()
        self.users.delete(user)
        return f"Deleted {name}; the name stays reserved until you release it."


default_handlers = [(r"/approvals", ApprovalsHandler)]
