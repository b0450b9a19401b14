"""``OrpheusAuthenticator``: password accounts with sign-up, trials, approval and lockout.

Only documented ``Authenticator`` hooks are overridden. State lives in our own
database (``accounts.store``); the rules are in docs/use/accounts.md and
docs/accounts.md. A hub user without an Orpheus record (created by
an admin through the hub API) may log in and spawn only if they are a hub
admin; everyone else waits for an admin to approve them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from functools import cached_property
from typing import Any

from jupyterhub import orm
from jupyterhub.auth import Authenticator
from jupyterhub.spawner import SpawnException
from tornado import web
from tornado.ioloop import PeriodicCallback
from traitlets import Bool, Float, Instance, Integer, List, Unicode, default, validate

from .accounts import passwords, views
from .accounts.bootstrap import bootstrap_password_admin
from .accounts.changes import Changes
from .accounts.clientaddr import Network, client_address, own_address, parse_networks
from .accounts.clock import Clock
from .accounts.handlers import default_handlers as account_handlers
from .accounts.handlers import state as account_state_handlers
from .accounts.login import LoginGuard, OrpheusLoginHandler
from .accounts.models import Account
from .accounts.ratelimit import RateLimiter
from .accounts.store import AccountStore
from .accounts.throttle import BackoffRules, Throttle
from .notify import Notifier


def _positive(trait: str, value: float) -> float:
    if value <= 0:
        raise ValueError(f"OrpheusAuthenticator.{trait} must be positive, not {value!r}")
    return value


class OrpheusAuthenticator(Authenticator):  # type: ignore[misc]
    """Sign-up with a trial, admin approval, lockout and enforcement at every door."""

    db_url = Unicode(
        "sqlite:///orpheus.sqlite", help="SQLAlchemy URL of the Orpheus accounts database (not the hub's)."
    ).tag(config=True)
    trial_hours = Float(24.0, help="Length of a new account's trial, in hours (fractions allowed).").tag(config=True)
    bootstrap_admin = Unicode("admin", help="Admin account created at start-up if missing.").tag(config=True)
    bootstrap_admin_password = Unicode(
        "", help="Password of the bootstrap admin; if empty, one is generated and printed once."
    ).tag(config=True)
    enable_signup = Bool(True, help="Whether /hub/signup accepts new accounts.").tag(config=True)
    min_password_length = Integer(10, help="Minimum length of a new password.").tag(config=True)
    common_passwords_file = Unicode(
        "", help="File of refused common passwords, one per line; empty: the list shipped with Orpheus."
    ).tag(config=True)
    argon2_time_cost = Integer(3, help="Argon2id passes over memory per password hash.").tag(config=True)
    argon2_memory_kib = Integer(65536, help="Argon2id memory per password hash, in KiB.").tag(config=True)
    argon2_parallelism = Integer(4, help="Argon2id lanes per password hash.").tag(config=True)
    lockout_max_failures = Integer(
        5,
        help="Failed logins from one client address, or on one username (known or not), "
        "after which that address or name is slowed down (exponential backoff).",
    ).tag(config=True)
    lockout_base_seconds = Float(
        30.0, help="First backoff after lockout_max_failures failures, in seconds; doubles with each further failure."
    ).tag(config=True)
    lockout_minutes = Float(
        15.0, help="Longest single backoff of a client address or username, in minutes."
    ).tag(config=True)
    lockout_forget_hours = Float(
        24.0, help="Failed-login counters are forgotten this many hours after their last failure."
    ).tag(config=True)
    trusted_proxies = List(
        Unicode(),
        ["127.0.0.0/8", "::1/128"],
        help="Addresses or networks of the proxies whose X-Forwarded-For the hub believes "
        "(configurable-http-proxy runs on loopback; the hub's own JupyterHub.hub_ip is "
        "trusted too when it is a single address). Requests from any other peer are keyed "
        "on the peer itself; X-Real-Ip is never used.",
    ).tag(config=True)
    forwarded_hops = Integer(
        1,
        help="How many trusted proxies append to X-Forwarded-For before the hub: 1 for "
        "configurable-http-proxy alone, 2 with a reverse proxy (which must append the "
        "client address) in front of it. The client is that many entries from the right.",
    ).tag(config=True)
    login_rate_limit = Integer(
        30, help="Login POSTs allowed per client address per rate_limit_window (0 = no limit)."
    ).tag(config=True)
    signup_rate_limit = Integer(
        10, help="Sign-up POSTs allowed per client address per rate_limit_window (0 = no limit)."
    ).tag(config=True)
    rate_limit_window = Float(60.0, help="Window of the login and sign-up rate limits, in seconds.").tag(config=True)
    enforce_interval = Float(
        30.0,
        help="Seconds between sweeps of the orpheus-enforcer service, which stops the servers and "
        "deletes the API tokens of expired, revoked and deleted users (an admin's revoke acts at "
        "once); also how often failed-login counters are pruned.",
    ).tag(config=True)
    clock_offset_file = Unicode(
        "", help="Testing only: a file holding seconds to add to the clock of trials and lockouts."
    ).tag(config=True)
    notifier = Instance(
        Notifier, help="Sends sign-up and approval notifications (configure it as c.Notifier)."
    )

    @default("notifier")
    def _default_notifier(self) -> Notifier:
        return Notifier(parent=self, log=self.log)

    @validate(
        "trial_hours", "lockout_minutes", "rate_limit_window", "enforce_interval",
        "lockout_base_seconds", "lockout_forget_hours",
    )
    def _check_positive(self, proposal: Any) -> float:
        return _positive(proposal["trait"].name, proposal["value"])

    @validate("trusted_proxies")
    def _check_networks(self, proposal: Any) -> list[str]:
        parse_networks(proposal["value"])  # raises ValueError naming a bad entry
        return list(proposal["value"])

    @validate(
        "min_password_length", "lockout_max_failures", "argon2_time_cost", "argon2_memory_kib",
        "argon2_parallelism", "forwarded_hops",
    )
    def _check_count(self, proposal: Any) -> int:
        return int(_positive(proposal["trait"].name, proposal["value"]))

    @default("auth_refresh_age")
    def _default_refresh_age(self) -> int:
        # Re-check open browser sessions against the account state every 10 s: this is how
        # a revoked user's open session ends (refresh_user, a documented hook), so keep it
        # short; each check is one indexed read of the accounts database.
        return 10

    @default("any_allow_config")
    def _default_any_allow(self) -> bool:
        return True  # our database decides who is allowed

    # ---- parts -------------------------------------------------------------
    @cached_property
    def _tasks(self) -> set[asyncio.Future[Any]]:
        return set()

    @cached_property
    def clock(self) -> Clock:
        """The accounts' clock (real time, shifted by ``clock_offset_file`` in tests)."""
        return Clock(self.clock_offset_file or None)

    @cached_property
    def store(self) -> AccountStore:
        """The account store, migrated to the newest schema on first use."""
        store = AccountStore(self.db_url, self.trial_hours)
        store.migrate()
        return store

    @cached_property
    def policy(self) -> passwords.PasswordPolicy:
        """The rules new passwords must meet."""
        common = self.common_passwords_file or passwords.COMMON_PASSWORDS_FILE
        return passwords.PasswordPolicy(self.min_password_length, common)

    @cached_property
    def hasher(self) -> passwords.Hasher:
        """Argon2id with the configured cost (existing hashes are upgraded at login)."""
        return passwords.Hasher(self.argon2_time_cost, self.argon2_memory_kib, self.argon2_parallelism)

    @cached_property
    def throttle(self) -> Throttle:
        """Failed-login counters per client address and per username (in the database)."""
        rules = BackoffRules(
            self.lockout_max_failures,
            self.lockout_base_seconds,
            self.lockout_minutes * 60,
            self.lockout_forget_hours * 3600,
        )
        return Throttle(self.store, rules)

    @cached_property
    def _trusted_networks(self) -> list[Network]:
        """``trusted_proxies`` plus the hub's own ``hub_ip`` when it is one address: only
        this host can connect from it (a proxy on the host reaching the hub there)."""
        return parse_networks(self.trusted_proxies) + own_address(getattr(getattr(self, "app", None), "hub_ip", ""))

    def client_address(self, handler: web.RequestHandler) -> str:
        """The client's address as the trusted proxy saw it (never a client-set header)."""
        return client_address(handler.request, self._trusted_networks, self.forwarded_hops)

    @cached_property
    def login_limiter(self) -> RateLimiter:
        """Per-address limit of login POSTs."""
        return RateLimiter(self.login_rate_limit, self.rate_limit_window)

    @cached_property
    def signup_limiter(self) -> RateLimiter:
        """Per-address limit of sign-up POSTs."""
        return RateLimiter(self.signup_rate_limit, self.rate_limit_window)

    # ---- questions the hooks and handlers ask ---------------------------------
    def is_hub_admin(self, username: str) -> bool:
        """Whether the hub treats ``username`` as an admin (config or database)."""
        if username in self.admin_users:
            return True
        app = getattr(self, "app", None)
        orm_user = orm.User.find(app.db, username) if app is not None else None
        return bool(orm_user is not None and orm_user.admin)

    async def account_state(self, username: str) -> tuple[Account | None, str]:
        """(record, effective state) of ``username`` now."""
        account = await asyncio.to_thread(self.store.get, username)
        return account, views.effective_state(account, self.is_hub_admin(username), self.clock.now())

    async def blocked_message(self, username: str) -> str | None:
        """Why ``username`` may not log in or spawn now, or None."""
        account, state = await self.account_state(username)
        return views.blocked_message(account, state)

    def rate_limit(self, limiter: RateLimiter, handler: web.RequestHandler, what: str) -> None:
        """Raise 429 when this client address went over ``limiter``."""
        wait = limiter.hit(self.client_address(handler))
        if wait is not None:
            raise web.HTTPError(429, f"Too many {what} attempts from your address; try again in {int(wait) + 1} s.")

    def background(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run ``coro`` without waiting for it (notifications, enforcement); keeps a reference."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @cached_property
    def changes(self) -> Changes:
        """Account changes the orpheus-enforcer service waits on."""
        return Changes()

    def enforce_soon(self) -> None:
        """Wake the enforcer service now instead of at its next interval (after a revoke)."""
        self.changes.bump()

    async def _prune(self) -> None:
        """Forget failed-login counters past ``lockout_forget_hours``."""
        try:
            await asyncio.to_thread(self.throttle.prune, self.clock.now())
        except Exception:
            self.log.exception("Pruning failed-login counters failed")

    # ---- documented hooks ------------------------------------------------------
    async def authenticate(self, handler: web.RequestHandler, data: dict[str, str]) -> str | None:
        """Check the password behind the rate limit and the per-address and per-name
        backoff (``accounts.login``). Failures raise 403/429 with the reason, without
        logging the submitted name (the hub would log it if we returned None)."""
        return await LoginGuard(self).authenticate(handler, data)

    async def check_blocked_users(self, username: str, authentication: Any = None) -> bool:
        """Refuse expired, revoked and unapproved users with a page that says which."""
        if not super().check_blocked_users(username, authentication):
            return False
        message = await self.blocked_message(username)
        if message:
            raise web.HTTPError(403, message)
        return True

    async def check_allowed(self, username: str, authentication: Any = None) -> bool:
        """Allowed once not blocked: trial and approved accounts, and admins. Records the login."""
        if await self.blocked_message(username):
            return False
        if await asyncio.to_thread(self.store.get, username) is not None:
            await asyncio.to_thread(self.store.record_login, username, self.clock.now())
        return True

    async def refresh_user(self, user: Any, handler: Any = None) -> bool:
        """An open session of an expired or revoked user must log in again (and is refused)."""
        return await self.blocked_message(user.name) is None

    async def pre_spawn_start(self, user: Any, spawner: Any) -> None:
        """Every spawn (form, API, admin) of an expired or revoked user fails with the reason."""
        message = await self.blocked_message(user.name)
        if message:
            raise SpawnException(message, reason="account", status_code=403)

    async def delete_user(self, user: Any) -> None:
        """A user deleted from the hub leaves a tombstone: the name stays reserved (sign-up,
        OAuth and a re-created hub user are refused) until an admin releases it."""
        super().delete_user(user)
        await asyncio.to_thread(self.store.tombstone, user.name, self.clock.now())
        self.enforce_soon()

    def get_handlers(self, app: Any) -> list[tuple[str, Any]]:
        """Login, sign-up, the approvals page, the admin API and the account state the Lab asks
        for (``/hub/orpheus/account-state``); starts pruning counters."""
        self.app = app
        self.bootstrap()
        self._pruner = PeriodicCallback(self._prune, self.enforce_interval * 1000)
        self._pruner.start()
        return [("/login", OrpheusLoginHandler), *account_handlers,
                *account_state_handlers.default_handlers]

    # ---- start-up ---------------------------------------------------------------
    def bootstrap(self) -> None:
        """Create the bootstrap admin (approved) if missing; print a generated password once."""
        bootstrap_password_admin(self)
