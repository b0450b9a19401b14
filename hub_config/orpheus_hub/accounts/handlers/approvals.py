"""``/hub/approvals``: the admin page. GET renders, POST (with ``_xsrf``) changes state."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from jupyterhub import orm
from jupyterhub.handlers.base import BaseHandler
from jupyterhub.utils import maybe_future
from tornado import web

from .. import listing, views
from ..admin import MAX_TRIAL_HOURS, AccountAdmin
from ..models import from_db
from .approvals_view import CONFIRM, DESTRUCTIVE, LABELS, Pager, decorate, page_context
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

    async def _render(self, message: str = "", error: str = "", status: int = 200,
                      confirm: dict[str, str] | None = None) -> None:
        """The page for the request's query (search, filter, sort, page); a bad list
        parameter shows the first page of everyone with a 400 naming the parameter."""
        try:
            query, page = listing.page_query(self._listing_argument)
        except web.HTTPError as e:
            query, page = listing.page_query(lambda _: None)
            error, status = e.log_message or "Bad request.", 400
        rows = await self.admin.list(list(self.db.query(orm.User)))
        shown, total = listing.select(rows, query)
        per_page = query.limit or listing.DEFAULT_PER_PAGE
        last_page = max(1, -(-total // per_page))
        if page > last_page:  # past the end (rows went away): the last page instead
            page = last_page
            query = replace(query, offset=(page - 1) * per_page)
            shown, total = listing.select(rows, query)
        now = self.authenticator.clock.now()
        own = self.current_user.name
        pager = Pager(query, page, per_page, total, f"{self.hub.base_url}approvals")
        context = page_context([decorate(r, own, now) for r in shown], pager)
        self.set_status(status)
        html = await self.render_template(
            "approvals.html", message=message, error=error, actions=ACTIONS, confirm=confirm, **context
        )
        self.finish(html)

    def _listing_argument(self, name: str) -> str | None:
        """A query-string argument of the list (never the form body)."""
        value = self.get_query_argument(name, None)
        return None if value is None else str(value)

    @web.authenticated
    @needs_scope("admin:users")
    async def get(self) -> None:
        """The page (``?q=&state=&sort=&order=&page=&per_page=``)."""
        await self._render()

    @web.authenticated
    @needs_scope("admin:users")
    async def post(self) -> None:
        """One action on one user, then the page again with what happened.

        Revoke, delete and release first ask (the page shows a confirmation with the
        consequences); the confirmation's button sends ``confirmed=1``.
        """
        action = self.get_body_argument("action", "")
        name = self.get_body_argument("username", "").strip()
        confirmed = self.get_body_argument("confirmed", "") == "1"
        if action in DESTRUCTIVE and not confirmed and self.get_body_argument("step", "") == "ask":
            await self._ask(action, name)
            return
        try:
            message = await self._act(action, name)
        except web.HTTPError as e:
            await self._render(error=e.log_message or "Request refused.", status=e.status_code)
            return
        await self._render(message=message)

    async def _ask(self, action: str, name: str) -> None:
        """The page with a confirmation for ``action`` on ``name`` (nothing changed yet)."""
        if not name or (orm.User.find(self.db, name) is None and await self._record(name) is None):
            await self._render(error="No such user.", status=404)
            return
        text = CONFIRM[action].format(name=name)
        await self._render(confirm={"action": action, "name": name, "text": text, "label": LABELS[action]})

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
            left = views.time_left(from_db(account.trial_expires_at), self.authenticator.clock.now())
            return (f"Extended the trial of {name} by {hours:g} h: {left} left "
                    f"(until {account.trial_expires_at:%Y-%m-%d %H:%M} UTC).")
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
