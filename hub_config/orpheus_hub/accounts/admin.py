"""Admin actions shared by the approvals page and the REST API (logic here, not in handlers)."""

from __future__ import annotations

import asyncio
from datetime import timezone
from typing import TYPE_CHECKING, Any

from jupyterhub import orm
from tornado import web

from . import views
from .models import DELETED, TRIAL, Account
from .store import AccountNotFound
from .throttle import Standing, name_key

if TYPE_CHECKING:
    from ..auth import OrpheusAuthenticator

MAX_TRIAL_HOURS = 24 * 365


class AccountAdmin:
    """Approve, revoke, extend trials; describe users as JSON models."""

    def __init__(self, authenticator: OrpheusAuthenticator) -> None:
        self.auth = authenticator
        self.store = authenticator.store

    def model(
        self, name: str, account: Account | None, hub_user: Any, lock: Standing | None = None
    ) -> dict[str, Any]:
        """The JSON model of ``name`` (``hub_user`` is the hub's orm/User or None; ``lock``
        the failed-login standing of the name)."""
        is_admin = bool(hub_user is not None and hub_user.admin) or name in self.auth.admin_users
        groups = [g.name for g in hub_user.groups] if hub_user is not None else []
        now = self.auth.clock.now()
        locked = lock.blocked_until if lock is not None and lock.wait(now) is not None else None
        model = views.account_model(name, account, is_admin, now, groups, locked)
        model["hub_user"] = hub_user is not None
        spawners = getattr(hub_user, "_orm_spawners", None) or []
        model["server_running"] = any(s.server is not None for s in spawners)
        last_activity = getattr(hub_user, "last_activity", None)
        model["last_activity"] = views.iso(last_activity.replace(tzinfo=timezone.utc)) if last_activity else None
        return model

    async def describe(self, name: str, hub_user: Any) -> dict[str, Any]:
        """``model`` with the record read now."""
        lock = await asyncio.to_thread(self.auth.throttle.standing, name_key(name), self.auth.clock.now())
        return self.model(name, await asyncio.to_thread(self.store.get, name), hub_user, lock)

    async def list(self, hub_users: list[Any]) -> list[dict[str, Any]]:
        """Every hub user and every Orpheus record, by name."""
        accounts = {a.username: a for a in await asyncio.to_thread(self.store.list)}
        by_name = {u.name: u for u in hub_users}
        names = sorted(set(accounts) | set(by_name))
        keys = [name_key(n) for n in names]
        locks = await asyncio.to_thread(self.auth.throttle.standings, keys, self.auth.clock.now())
        return [self.model(n, accounts.get(n), by_name.get(n), locks[k]) for n, k in zip(names, keys, strict=True)]

    async def unlock(self, name: str) -> bool:
        """Clear the failed-login backoff of the name ``name``; True if it had failures."""
        return await asyncio.to_thread(self.auth.throttle.clear, name_key(name))

    async def _refuse_deleted(self, name: str) -> None:
        """409 when ``name`` is a tombstone: only an explicit release frees it."""
        account = await asyncio.to_thread(self.store.get, name)
        if account is not None and account.status == DELETED:
            raise web.HTTPError(
                409,
                f"The name {name} belonged to a deleted account; release it first "
                "(POST /hub/api/orpheus/users/{name}/release or the Release button).",
            )

    async def _refuse_last_admin(self, name: str) -> None:
        """409 when ``name`` is a hub admin and no other admin user could still log in."""
        if not self.auth.is_hub_admin(name):
            return
        app = getattr(self.auth, "app", None)
        users = list(app.db.query(orm.User)) if app is not None else []
        for user in users:
            other_admin = user.name != name and (user.admin or user.name in self.auth.admin_users)
            if other_admin and await self.auth.blocked_message(user.name) is None:
                return
        raise web.HTTPError(
            409, f"{name} is the last remaining admin who can log in; make another user an admin first."
        )

    async def release(self, name: str) -> None:
        """Drop the tombstone of ``name`` so the name can be used again (409 if not deleted).

        Whoever gets the name next also gets whatever is still keyed by it (the home
        folder, share links, quota overrides): releasing is the admin's conscious choice.
        """
        if not await asyncio.to_thread(self.store.release, name):
            raise web.HTTPError(409, f"{name} is not a deleted account; there is nothing to release.")

    async def approve(self, name: str) -> tuple[Account, bool]:
        """Approve (creating a record if missing); notifies the user if a notifier is set."""
        await self._refuse_deleted(name)
        account, created = await asyncio.to_thread(self.store.approve, name, self.auth.clock.now())
        await self.auth.notifier.notify_approved(name, account.email)  # schedules; never raises
        return account, created

    async def revoke(self, name: str) -> Account:
        """Revoke; the running server and tokens go at once (in the background).
        Refused (409) for the last hub admin who can still log in."""
        await self._refuse_deleted(name)
        await self._refuse_last_admin(name)
        account = await asyncio.to_thread(self.store.revoke, name, self.auth.clock.now())
        self.auth.enforce_soon()
        return account

    async def extend_trial(self, name: str, hours: float) -> Account:
        """Trial until ``max(now, current end) + hours``; creates a trial record if missing."""
        await self._refuse_deleted(name)
        now = self.auth.clock.now()
        try:
            return await asyncio.to_thread(self.store.extend_trial, name, hours, now)
        except AccountNotFound:
            return await asyncio.to_thread(self.store.create, name, None, "admin", now, None, TRIAL, hours)
