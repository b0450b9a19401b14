"""The user server's client for the hub: its own API token, never an operator secret."""

from __future__ import annotations

import json
import os
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from traitlets import Float, Unicode, default
from traitlets.config import LoggingConfigurable


class HubClient(LoggingConfigurable):
    """Calls the hub API with ``JUPYTERHUB_API_TOKEN``; degrades to ``None`` off-hub."""

    api_url = Unicode(
        help="The hub API URL (default: JUPYTERHUB_API_URL, set by the spawner; empty when not "
        "under a hub).",
    ).tag(config=True)
    api_token = Unicode(
        help="This server's hub API token (default: JUPYTERHUB_API_TOKEN, read when the client "
        "is built, so help and generated config never show it).",
    ).tag(config=True)
    timeout = Float(10.0, help="Seconds to wait for the hub API.").tag(config=True)

    @default("api_url")
    def _api_url_default(self) -> str:
        return os.environ.get("JUPYTERHUB_API_URL", "")

    @default("api_token")
    def _api_token_default(self) -> str:
        return os.environ.get("JUPYTERHUB_API_TOKEN", "")

    @property
    def enabled(self) -> bool:
        """Whether this server runs under a hub."""
        return bool(self.api_url and self.api_token)

    async def request(self, path: str, method: str = "GET", body: Any = None) -> Any:
        """Call ``{api_url}{path}`` and decode the JSON answer."""
        req = HTTPRequest(
            self.api_url.rstrip("/") + path,
            method=method,
            headers={"Authorization": f"token {self.api_token}", "Accept": "application/json"},
            body=None if body is None else json.dumps(body),
            request_timeout=self.timeout,
        )
        resp = await AsyncHTTPClient().fetch(req)
        return json.loads(resp.body or b"null")

    async def get_account(self) -> dict[str, Any] | None:
        """The Orpheus account of this server's owner (``GET /hub/api/orpheus/me``)."""
        if not self.enabled:
            return None
        try:
            result: dict[str, Any] = await self.request("/orpheus/me")
        except (HTTPClientError, OSError, ValueError) as e:
            self.log.warning("Could not read the account state from the hub: %s", e)
            return None
        return result
