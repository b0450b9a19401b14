"""The periodic sweep: expired, revoked or deleted users (hub admins too) lose their running servers, API tokens
and browser sessions within ``OrpheusAuthenticator.enforce_interval`` seconds."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from jupyterhub import orm
from jupyterhub.utils import new_token
from tornado.ioloop import PeriodicCallback

from . import views
from .models import Account

if TYPE_CHECKING:
    from ..auth import OrpheusAuthenticator


class Enforcer:
    """Runs ``sweep`` every interval on the hub's event loop."""

    def __init__(self, authenticator: OrpheusAuthenticator, app: Any) -> None:
        self.authenticator = authenticator
        self.app = app
        self.log = authenticator.log
        self._callback: PeriodicCallback | None = None
        self._running = False
        #: blocked users whose browser sessions were already ended (once per hub run)
        self._ended: set[str] = set()

    def start(self, interval_seconds: float) -> None:
        """Begin sweeping (idempotent)."""
        if self._callback is None:
            self._callback = PeriodicCallback(self.tick, interval_seconds * 1000)
            self._callback.start()

    def stop(self) -> None:
        """Stop sweeping."""
        if self._callback is not None:
            self._callback.stop()
            self._callback = None

    async def tick(self) -> None:
        """One guarded sweep: errors are logged, overlapping sweeps skipped."""
        if self._running:  # a slow stop must not pile up sweeps
            return
        self._running = True
        try:
            await self.sweep()
        except Exception:
            self.log.exception("Orpheus account enforcement sweep failed")
        finally:
            self._running = False

    def _blocked(self, accounts: dict[str, Account], orm_user: Any) -> bool:
        """Whether this hub user (admins included) may no longer use the hub."""
        is_admin = bool(orm_user.admin) or orm_user.name in self.authenticator.admin_users
        now = self.authenticator.clock.now()
        account = accounts.get(orm_user.name)
        return views.blocked_message(account, views.effective_state(account, is_admin, now)) is not None

    async def sweep(self) -> list[str]:
        """Enforce once; returns the names acted on."""
        await asyncio.to_thread(self.authenticator.throttle.prune, self.authenticator.clock.now())
        accounts = {a.username: a for a in await asyncio.to_thread(self.authenticator.store.list)}
        acted = []
        for orm_user in list(self.app.db.query(orm.User)):
            if not self._blocked(accounts, orm_user):
                self._ended.discard(orm_user.name)
                continue
            user = self.app.users[orm_user.id]
            running = [n for n, s in user.spawners.items() if s.active and not s.pending]
            if not running and not orm_user.api_tokens and orm_user.name in self._ended:
                continue
            for server_name in running:
                await self._stop(user, server_name)
            self._revoke(orm_user)
            acted.append(orm_user.name)
        return acted

    async def _stop(self, user: Any, server_name: str) -> None:
        self.log.info("Stopping a server of %s: account expired or revoked", user.name)
        try:
            await self.app.proxy.delete_user(user, server_name)
            await user.stop(server_name)
        except Exception:
            self.log.exception("Could not stop a server of %s", user.name)

    def _revoke(self, orm_user: Any) -> None:
        count = len(orm_user.api_tokens)
        for token in list(orm_user.api_tokens):
            self.app.db.delete(token)
        orm_user.cookie_id = new_token()  # ends open browser sessions
        self.app.db.commit()
        self._ended.add(orm_user.name)
        self.log.info("Revoked %d API tokens of %s: account expired or revoked", count, orm_user.name)
