"""Who is calling the gateway, and may they?

The caller sends their own hub API token as ``Authorization: Bearer <token>``
(``token <token>`` works too) or ``x-api-key: <token>`` — what the SDKs and
the ``claude`` CLI send. The token is checked with the hub through
:class:`jupyterhub.services.auth.HubAuth` (its cache, ``token_cache_seconds``),
must carry ``access:services!service=llm``, and must belong to a user.

Account state (the documented choice): the gateway calls
``GET /hub/api/orpheus/me`` *with the caller's own token* and caches the answer
per token for ``account_cache_seconds``. Only ``trial`` and ``approved`` accounts
are served, so a revoked or expired user is refused within that many seconds.
The gateway's own token needs no admin scope for this.

Gateway-only tokens (``tokens.py``, minted for session terminals) are accepted
by the model routes only. Their owner's state is read with the gateway's own
service token from ``GET /hub/api/orpheus/accounts/{name}`` (scope
``custom:orpheus:account-state``), cached ``AccountStates.cache_seconds``; a
blocked owner's tokens are revoked on the spot.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from jupyterhub.services.auth import HubAuth
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from traitlets import Float, Instance, Integer
from traitlets.config import LoggingConfigurable

from ..accounts.models import ACTIVE_STATES
from ..refusal import Refusal
from ..share.accountstate import AccountStates, AccountStateUnavailable
from .tokens import TokenStore, is_gateway_token


@dataclass
class Caller:
    """An authenticated user of the gateway."""

    name: str
    is_admin: bool
    state: str


class GatewayAuthError(Refusal):
    """Authentication or authorization failed: ``status`` and a message for the caller."""


def token_from_headers(headers: Any) -> str:
    """The token in ``Authorization`` (Bearer/token) or ``x-api-key``; ``""`` if none."""
    auth = headers.get("Authorization", "").strip()
    scheme, _, value = auth.partition(" ")
    if scheme.lower() in ("bearer", "token") and value.strip():
        return str(value.strip())
    return str(headers.get("x-api-key", "").strip())


class CallerAuth(LoggingConfigurable):
    """Validates hub tokens and account state, with short caches."""

    token_cache_seconds = Integer(
        15,
        help="Seconds a validated hub token is cached (HubAuth.cache_max_age); keep it at or "
        "below the hub's OrpheusAuthenticator.enforce_interval (30 s).",
    ).tag(config=True)
    account_cache_seconds = Float(
        15.0,
        help="Seconds an account state read from /hub/api/orpheus/me is cached per token; "
        "a revoked or expired account is refused at most this long after the change.",
    ).tag(config=True)
    hub_timeout = Float(10.0, help="Seconds to wait for the hub API.").tag(config=True)

    hub_auth = Instance(HubAuth)

    def __init__(self, tokens: TokenStore | None = None,
                 run_db: Callable[..., Awaitable[Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hub_auth = HubAuth(parent=self, cache_max_age=self.token_cache_seconds)
        self._accounts: dict[str, tuple[float, dict[str, Any]]] = {}
        self.tokens = tokens
        self.run_db = run_db
        self.states = AccountStates(parent=self)

    async def identify(self, token: str, gateway_token_ok: bool = False) -> Caller:
        """The caller behind ``token``, or :class:`GatewayAuthError` saying why not.

        Gateway-only tokens are accepted only when ``gateway_token_ok`` (the model routes).
        """
        if not token:
            raise GatewayAuthError(401, "Missing credentials: send your JupyterHub API token as "
                                        "'Authorization: Bearer <token>' or 'x-api-key: <token>'.")
        if is_gateway_token(token):
            if not gateway_token_ok:
                raise GatewayAuthError(403, "A gateway-only token reaches the model routes only; "
                                            "use your JupyterHub API token here.")
            return await self._gateway_caller(token)
        model = await self._hub_user(token)
        if model.get("kind", "user") != "user":
            raise GatewayAuthError(403, "Only user tokens may use the LLM gateway.")
        if not self.hub_auth.check_scopes(self.hub_auth.access_scopes, model):
            needed = ", ".join(sorted(self.hub_auth.access_scopes))
            raise GatewayAuthError(403, f"This token lacks the scope {needed}.")
        account = await self._account(token)
        state = str(account.get("state", ""))
        if state not in ACTIVE_STATES:
            await self._revoke_tokens(str(model["name"]))
            raise GatewayAuthError(403, f"Your account is {state or 'unknown'}; the LLM gateway "
                                        "serves trial and approved accounts only.")
        return Caller(name=str(model["name"]), is_admin=bool(model.get("admin")), state=state)

    async def _gateway_caller(self, token: str) -> Caller:
        """The owner of a live gateway token whose account is active; blocked owners lose them."""
        if self.tokens is None or self.run_db is None:
            raise GatewayAuthError(401, "This gateway does not accept gateway-only tokens.")
        user = await self.run_db(self.tokens.owner, token, datetime.now(timezone.utc))
        if user is None:
            raise GatewayAuthError(401, "Invalid, expired or revoked gateway token.")
        try:
            account = await self.states.get(str(user))
        except AccountStateUnavailable:
            raise GatewayAuthError(502, "Could not read the account state from the hub.") from None
        if not account.active:
            await self._revoke_tokens(account.name)
            raise GatewayAuthError(403, f"Your account is {account.state}; the LLM gateway "
                                        "serves trial and approved accounts only.")
        return Caller(name=account.name, is_admin=False, state=account.state)

    async def _revoke_tokens(self, user: str) -> None:
        """Revoke every gateway-only token of a blocked user."""
        if self.tokens is not None and self.run_db is not None:
            count = await self.run_db(self.tokens.revoke_user, user, datetime.now(timezone.utc))
            if count:
                self.log.info("Revoked %d gateway token(s) of blocked user %s", count, user)

    async def _hub_user(self, token: str) -> dict[str, Any]:
        try:
            model = await self.hub_auth.user_for_token(token, use_cache=True, sync=False)
        except web.HTTPError:
            raise GatewayAuthError(502, "Could not check the token with the hub.") from None
        if not model:
            raise GatewayAuthError(401, "Invalid or expired JupyterHub API token.")
        return dict(model)

    async def _account(self, token: str) -> dict[str, Any]:
        key = hashlib.sha256(token.encode()).hexdigest()
        now = time.monotonic()
        cached = self._accounts.get(key)
        if cached and cached[0] > now:
            return cached[1]
        account = await self._fetch_account(token)
        if len(self._accounts) > 10_000:
            self._accounts = {k: v for k, v in self._accounts.items() if v[0] > now}
        self._accounts[key] = (now + self.account_cache_seconds, account)
        return account

    async def _fetch_account(self, token: str) -> dict[str, Any]:
        url = self.hub_auth.api_url.rstrip("/") + "/orpheus/me"
        req = HTTPRequest(url, headers={"Authorization": f"token {token}"},
                          request_timeout=self.hub_timeout)
        try:
            resp = await AsyncHTTPClient().fetch(req, raise_error=False)
        except (OSError, HTTPClientError):  # unreachable, or a timeout (599)
            raise GatewayAuthError(502, "Could not reach the hub to read the account state.") from None
        if resp.code in (401, 403):
            raise GatewayAuthError(403, "This token may not read its account state "
                                        "(it needs read:users:name on its own user).")
        if resp.code == 404:
            raise GatewayAuthError(503, "The hub does not provide account states (/hub/api/orpheus/me).")
        if resp.code != 200:
            self.log.warning("Account state lookup answered %s", resp.code)
            raise GatewayAuthError(502, "The hub could not report the account state.")
        try:
            data: dict[str, Any] = json.loads(resp.body)
        except ValueError:
            raise GatewayAuthError(502, "The hub sent an unreadable account state.") from None
        return data

    def forget(self, token: str) -> None:
        """Drop the cached account state of ``token`` (tests, admin actions)."""
        self._accounts.pop(hashlib.sha256(token.encode()).hexdigest(), None)
