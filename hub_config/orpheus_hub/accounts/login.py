"""Password login with per-address and per-name backoff (``OrpheusAuthenticator.authenticate``).

The design (``docs/use/accounts.md`` and ``docs/accounts.md``):

- every failed login counts against the client address (as the trusted proxy saw
  it) *and* against the submitted name, whether or not an account has that name;
- a key with ``lockout_max_failures`` failures is blocked for ``lockout_base_seconds``,
  doubling with each further failure, at most ``lockout_minutes`` at a time;
  counters are forgotten ``lockout_forget_hours`` after their last failure;
- a blocked *address* gets 429 on every login until its block ends (the password is
  not even checked), so failing costs the attacker;
- a blocked *name* refuses addresses that have failed before; an address without
  failures may still try, so the account stays reachable by its owner while an
  attacker's every new address gets one guess per lock. A successful login clears
  the name's counter (never the address's: an attacker cannot launder failures
  through an account of their own); an admin can clear it too (unlock);
- unknown and known names get the same messages, statuses and counters.
"""

from __future__ import annotations

import asyncio
import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

from jupyterhub.handlers.login import LoginHandler
from tornado import web

from . import views
from .throttle import Standing, address_key, name_key

if TYPE_CHECKING:
    from ..auth import OrpheusAuthenticator

INVALID = "Invalid username or password."
#: the longest name we look up or count (sign-up allows 32 characters)
NAME_MAX = 255


#: The way out of a lock, in every message that announces one.
UNLOCK = "An administrator can unlock it sooner from the Approvals page."


def _locked(until: datetime) -> web.HTTPError:
    return web.HTTPError(
        403, f"This account is locked after too many failed logins until {views.human_time(until)}. {UNLOCK}")


def _slow_address(wait: float) -> web.HTTPError:
    return web.HTTPError(429, f"Too many failed logins from your address; try again in {math.ceil(wait)} s.")


class LoginGuard:
    """The password check behind the backoff rules of the module doc."""

    def __init__(self, authenticator: OrpheusAuthenticator) -> None:
        self.auth = authenticator

    async def authenticate(self, handler: Any, data: dict[str, str]) -> str:
        """The normalized username if the password is right; else an HTTPError to show."""
        auth = self.auth
        auth.rate_limit(auth.login_limiter, handler, "login")
        username: str = auth.normalize_username(data.get("username", ""))[:NAME_MAX]
        keys = (address_key(auth.client_address(handler)), name_key(username))
        now = auth.clock.now()
        address = await asyncio.to_thread(auth.throttle.standing, keys[0], now)
        name = await asyncio.to_thread(auth.throttle.standing, keys[1], now)
        self._refuse_blocked(address, name, now)
        account = await asyncio.to_thread(auth.store.get, username) if username else None
        password = data.get("password", "")
        if not await auth.hasher.averify(account.password_hash if account else None, password):
            raise await self._failed(keys, now)
        await asyncio.to_thread(auth.throttle.clear, keys[1])
        if account is not None and auth.hasher.needs_rehash(account.password_hash or ""):
            new_hash = await auth.hasher.ahash(password)
            await asyncio.to_thread(auth.store.set_password_hash, username, new_hash)
        return username

    @staticmethod
    def _refuse_blocked(address: Standing, name: Standing, now: datetime) -> None:
        wait = address.wait(now)
        if wait is not None:
            raise _slow_address(wait)
        if name.wait(now) is not None and address.failures > 0 and name.blocked_until is not None:
            raise _locked(name.blocked_until)

    async def _failed(self, keys: tuple[str, str], now: datetime) -> web.HTTPError:
        """Count the failure on both keys; the error that says what it cost."""
        throttle = self.auth.throttle
        address = await asyncio.to_thread(throttle.fail, keys[0], now)
        name = await asyncio.to_thread(throttle.fail, keys[1], now)
        if name.wait(now) is not None and name.blocked_until is not None:
            self.auth.log.warning("A username was locked after %d failed logins", name.failures)
            until = views.human_time(name.blocked_until)
            return web.HTTPError(403, f"Too many failed logins: this account is locked until {until}. {UNLOCK}")
        wait = address.wait(now)
        if wait is not None:
            self.auth.log.warning("A client address is slowed down after %d failed logins", address.failures)
            return _slow_address(wait)
        left = self.auth.lockout_max_failures - max(address.failures, name.failures)
        plural = "attempt" if left == 1 else "attempts"
        return web.HTTPError(403, f"{INVALID} {left} {plural} left before logins are slowed down.")


class OrpheusLoginHandler(LoginHandler):  # type: ignore[misc]
    """The hub's login form; a refused login is shown on the form itself with its status
    (403 wrong password or locked, 429 slowed down) instead of an error page."""

    async def post(self) -> None:
        """JupyterHub's login, with refusals rendered in place."""
        try:
            await super().post()
        except web.HTTPError as e:
            if e.status_code not in (403, 429) or self._finished or not e.log_message:
                raise
            self.set_status(e.status_code)
            html = await self._render(login_error=e.log_message, username=self.get_argument("username", "")[:64])
            self.finish(html)
