"""Account states read from the hub with the service's own token.

``GET /hub/api/orpheus/accounts/{name}`` answers ``{"name", "state", "admin"}``
(``state``: trial, expired, approved, revoked or deleted; 404 when the hub
never knew the name). It is authorized by the custom scope
``custom:orpheus:account-state``, which the hub config grants to the services
that need it. A name the hub does not know counts as ``deleted``.

Answers are cached per name for ``cache_seconds``, which must not exceed the
hub's enforcement interval (``OrpheusAuthenticator.enforce_interval``, 30 s):
a revoked account is refused here no later than the hub stops its servers.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import dataclass
from urllib.parse import quote

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from traitlets import Float, Unicode, default
from traitlets.config import LoggingConfigurable

from ..accounts.models import ACTIVE_STATES, DELETED, REVOKED

__all__ = ["DELETED", "DISABLED_STATES", "AccountState", "AccountStateUnavailable", "AccountStates"]

#: Owners in these states have their public links disabled (re-enabled once approved again).
DISABLED_STATES = (REVOKED, DELETED)


class AccountStateUnavailable(Exception):
    """The hub could not tell (unreachable, no scope, bad answer); callers fail closed."""


@dataclass(frozen=True)
class AccountState:
    """One account as the hub reports it."""

    name: str
    state: str
    admin: bool

    @property
    def active(self) -> bool:
        """Whether the account may use the services (trial or approved)."""
        return self.state in ACTIVE_STATES


class AccountStates(LoggingConfigurable):
    """A small cached client of the hub's account-state endpoint."""

    hub_api_url = Unicode(
        help="The hub API base URL (default: $JUPYTERHUB_API_URL, set by the hub for its services).",
    ).tag(config=True)
    api_token = Unicode(
        help="The service's own hub token (default: $JUPYTERHUB_API_TOKEN); it needs the scope "
        "custom:orpheus:account-state.",
    ).tag(config=True)
    cache_seconds = Float(
        15.0,
        help="Seconds an account state is cached per name; keep it at or below the hub's "
        "OrpheusAuthenticator.enforce_interval (30 s) so a revoked owner is refused as soon as "
        "the hub stops their servers.",
    ).tag(config=True)
    timeout = Float(10.0, help="Seconds to wait for the hub API.").tag(config=True)

    @default("hub_api_url")
    def _default_api_url(self) -> str:
        return os.environ.get("JUPYTERHUB_API_URL", "http://127.0.0.1:8081/hub/api")

    @default("api_token")
    def _default_token(self) -> str:
        return os.environ.get("JUPYTERHUB_API_TOKEN", "")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._cache: dict[str, tuple[float, AccountState]] = {}
        self._inflight: dict[str, asyncio.Future[AccountState]] = {}

    async def get(self, name: str, stale_ok: bool = False) -> AccountState:
        """The state of ``name`` (cached); :class:`AccountStateUnavailable` if the hub cannot say.

        With ``stale_ok`` an outdated answer is used while the hub cannot be reached
        (public views stay up through a hub restart; owner calls never use it).
        """
        now = time.monotonic()
        cached = self._cache.get(name)
        if cached and cached[0] > now:
            return cached[1]
        try:
            return await self._refresh(name)
        except AccountStateUnavailable:
            if stale_ok and cached:
                return cached[1]
            raise

    async def _refresh(self, name: str) -> AccountState:
        now = time.monotonic()
        pending = self._inflight.get(name)
        if pending is None:  # one hub call per name at a time, however many requests wait
            pending = asyncio.ensure_future(self._fetch(name))
            self._inflight[name] = pending
            pending.add_done_callback(lambda _f: self._inflight.pop(name, None))
        state = await asyncio.shield(pending)
        if len(self._cache) > 10_000:
            self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
        self._cache[name] = (time.monotonic() + self.cache_seconds, state)
        return state

    def forget(self, name: str | None = None) -> None:
        """Drop the cached state of ``name`` (everyone's when ``None``)."""
        if name is None:
            self._cache.clear()
        else:
            self._cache.pop(name, None)

    async def _fetch(self, name: str) -> AccountState:
        url = f"{self.hub_api_url.rstrip('/')}/orpheus/accounts/{quote(name, safe='')}"
        req = HTTPRequest(url, headers={"Authorization": f"token {self.api_token}"},
                          request_timeout=self.timeout)
        try:
            resp = await AsyncHTTPClient().fetch(req, raise_error=False)
        except (OSError, HTTPClientError) as e:  # unreachable, or a timeout (599)
            raise AccountStateUnavailable(f"the hub is unreachable ({e.__class__.__name__})") from None
        body = _json(resp.body)
        # The endpoint's own 404 names the account; JupyterHub's bare "Not Found" means the
        # endpoint itself is missing, which must never read as "every owner was deleted".
        if resp.code == 404 and body is not None and body.get("message") not in (None, "", "Not Found"):
            return AccountState(name, DELETED, False)
        if resp.code != 200 or body is None or not isinstance(body.get("state"), str):
            self.log.error("Account state of %s: the hub answered %s (does this service hold "
                           "custom:orpheus:account-state?)", name, resp.code)
            raise AccountStateUnavailable(f"the hub answered {resp.code}")
        return AccountState(name, str(body["state"]), bool(body.get("admin")))


def _json(raw: bytes | None) -> dict[str, object] | None:
    """A JSON object body, or ``None`` (an HTML error page is not an answer)."""
    try:
        value = json.loads(raw or b"")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
