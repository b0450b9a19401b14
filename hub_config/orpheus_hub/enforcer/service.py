"""Enforcement through the hub's REST API.

Every ``interval`` seconds, or at once when an admin revokes or deletes someone (the
hub answers ``GET /hub/api/orpheus/accounts?since=N&wait=S`` as soon as an account
changes), the service lists every account's state and, for each blocked account
(expired, revoked, deleted) that still has a server or tokens, first deletes its API
and OAuth tokens (``DELETE /users/{name}/tokens/{id}``: access ends at once), then
stops its servers (``DELETE /users/{name}/server`` and ``/servers/{server}``). Open browser sessions of blocked
users end at their next refresh (``OrpheusAuthenticator.refresh_user``, every
``auth_refresh_age`` seconds).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from typing import Any
from urllib.parse import quote

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from traitlets import Float, Unicode, default
from traitlets.config import Application

from ..accounts.models import ACTIVE_STATES

MAX_WAIT = 300.0  # the longest wait GET /hub/api/orpheus/accounts accepts


class EnforcerService(Application):  # type: ignore[misc]
    """Stops the servers and deletes the tokens of blocked accounts."""

    name = "orpheus-enforcer"
    interval = Float(30.0, help="Seconds between sweeps when no account changes.").tag(config=True)
    api_url = Unicode(help="The hub's REST API (default: $JUPYTERHUB_API_URL).").tag(config=True)
    api_token = Unicode(help="This service's token (default: $JUPYTERHUB_API_TOKEN).").tag(config=True)

    @default("interval")
    def _default_interval(self) -> float:
        return float(os.environ.get("ORPHEUS_ENFORCE_INTERVAL", "30"))

    @default("api_url")
    def _default_api_url(self) -> str:
        return os.environ.get("JUPYTERHUB_API_URL", "http://127.0.0.1:8081/hub/api").rstrip("/")

    @default("api_token")
    def _default_api_token(self) -> str:
        return os.environ.get("JUPYTERHUB_API_TOKEN", "")

    async def call(self, method: str, path: str, timeout: float = 60) -> Any:
        """One hub API call; the decoded JSON answer (``None`` for 204 or 404)."""
        request = HTTPRequest(f"{self.api_url}/{path}", method=method, request_timeout=timeout,
                              headers={"Authorization": f"token {self.api_token}"})
        try:
            response = await AsyncHTTPClient().fetch(request)
        except HTTPClientError as e:
            if e.code == 404:
                return None
            raise
        return json.loads(response.body) if response.body else None

    async def sweep(self, since: int) -> int:
        """Wait for a change or the interval, then act on every blocked, active account."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.interval
        while True:  # the hub waits at most MAX_WAIT per call: chain calls for long intervals
            wait = max(0.0, min(MAX_WAIT, deadline - loop.time()))
            answer = await self.call("GET", f"orpheus/accounts?since={since}&wait={wait:g}",
                                     timeout=wait + 60)
            if int(answer["version"]) != since or loop.time() >= deadline:
                break
        for account in answer["accounts"]:
            if account["state"] not in ACTIVE_STATES and account["active"]:
                try:
                    await self.enforce(account["name"], account["state"])
                except Exception:
                    self.log.exception("Could not enforce the %s state of %s", account["state"], account["name"])
        return int(answer["version"])

    async def enforce(self, name: str, state: str) -> None:
        """Delete every token of ``name`` (access ends first), then stop every server."""
        user = quote(name, safe="")
        model = await self.call("GET", f"users/{user}")
        if model is None:
            return
        tokens = await self.call("GET", f"users/{user}/tokens") or {}
        found = [*tokens.get("api_tokens", []), *tokens.get("oauth_tokens", [])]
        for token in found:
            await self.call("DELETE", f"users/{user}/tokens/{quote(token['id'], safe='')}")
        if found:
            self.log.info("Deleted %d token(s) of %s (%s)", len(found), name, state)
        for server in model.get("servers") or {}:
            path = f"users/{user}/server" if server == "" else f"users/{user}/servers/{quote(server, safe='')}"
            self.log.info("Stopping server %r of %s (%s)", server, name, state)
            await self.call("DELETE", path, timeout=300)

    async def run(self) -> None:
        """Sweep forever; a failing hub is retried after a pause."""
        version = 0
        while True:
            try:
                version = await self.sweep(version)
            except Exception:
                self.log.exception("Enforcement sweep failed; retrying")
                await asyncio.sleep(min(self.interval, 10))


def main() -> None:
    """Entry point of ``python -m orpheus_hub.enforcer``."""
    logging.basicConfig(level=logging.INFO, format="[%(levelname)1.1s %(asctime)s %(name)s] %(message)s")
    app = EnforcerService.instance()
    app.initialize([])
    app.log.info("Orpheus enforcer: every %g s and on every account change", app.interval)
    try:
        asyncio.run(app.run())
    except KeyboardInterrupt:  # the hub stops its services with a signal
        app.log.info("Orpheus enforcer stopping")
