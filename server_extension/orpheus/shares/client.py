"""The user server's client for the hub's ``share`` service.

It calls the service at ``ORPHEUS_SHARE_URL`` with this server's own
``JUPYTERHUB_API_TOKEN`` (the hub config grants that token
``access:services!service=share``), so the service knows whose shares these
are without the user server ever holding anything more powerful. Public links
are ``<ORPHEUS_PUBLIC_URL><path>``; the path comes from the service.
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import urlencode

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from traitlets import Float, Integer, Unicode, default
from traitlets.config import LoggingConfigurable

from .builder import Snapshot
from .live_feeds import LiveFeeds


class ShareServiceError(Exception):
    """The service refused or could not be reached: ``status`` and a message to relay."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ShareClient(LoggingConfigurable):
    """Create, list, refresh and revoke this user's shares on the share service."""

    service_url = Unicode(
        help="Base URL of the share service as this server reaches it (default: ORPHEUS_SHARE_URL, "
        "e.g. http://127.0.0.1:8082/services/share/); empty disables sharing.",
    ).tag(config=True)
    public_url = Unicode(
        help="Public base URL of the hub (default: ORPHEUS_PUBLIC_URL); links are "
        "<public_url>/services/share/s/<token>.",
    ).tag(config=True)
    api_token = Unicode(
        help="This server's hub API token, sent to the share service (default: "
        "JUPYTERHUB_API_TOKEN, read when the client is built, so help never shows it).",
    ).tag(config=True)
    max_snapshot_bytes = Integer(
        50_000_000, help="Largest snapshot this server builds (the service has its own limit too).",
    ).tag(config=True)
    timeout = Float(120.0, help="Seconds to wait for the share service.").tag(config=True)

    @default("service_url")
    def _service_url_default(self) -> str:
        return os.environ.get("ORPHEUS_SHARE_URL", "")

    @default("public_url")
    def _public_url_default(self) -> str:
        return os.environ.get("ORPHEUS_PUBLIC_URL", "")

    @default("api_token")
    def _api_token_default(self) -> str:
        return os.environ.get("JUPYTERHUB_API_TOKEN", "")

    _live: LiveFeeds | None = None

    @property
    def live(self) -> LiveFeeds:
        """This server's live share feeds (one outbound stream per live share)."""
        if self._live is None:
            self._live = LiveFeeds(self)
        return self._live

    @property
    def enabled(self) -> bool:
        """Whether a share service is configured for this server."""
        return bool(self.service_url and self.api_token)

    async def _call(self, method: str, path: str, body: bytes | None = None,
                    content_type: str | None = None) -> Any:
        if not self.enabled:
            raise ShareServiceError(503, "share links are not configured on this server (no ORPHEUS_SHARE_URL)")
        headers = {"Authorization": f"token {self.api_token}", "Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        req = HTTPRequest(self.service_url.rstrip("/") + "/" + path, method=method, headers=headers,
                          body=body, request_timeout=self.timeout)
        try:
            resp = await AsyncHTTPClient().fetch(req)
        except HTTPClientError as e:
            raise ShareServiceError(*_relay(e)) from None
        except OSError as e:
            self.log.warning("Share service unreachable: %s", e)
            raise ShareServiceError(502, "the share service is unreachable; try again later") from None
        return json.loads(resp.body) if resp.body else None

    def _with_link(self, model: dict[str, Any]) -> dict[str, Any]:
        if model.get("path") and self.public_url:
            model["url"] = self.public_url.rstrip("/") + str(model["path"])
        return model

    async def create(self, snapshot: Snapshot, expires_in: int | None) -> dict[str, Any]:
        """Upload a new snapshot; the answer carries the link (shown this once)."""
        query = {"kind": snapshot.kind, "title": snapshot.title, "target": snapshot.target}
        if expires_in is not None:
            query["expires_in"] = str(expires_in)
        model = await self._call("POST", "api/shares?" + urlencode(query), snapshot.data, "application/gzip")
        return self._with_link(model)

    async def refresh(self, share_id: str, snapshot: Snapshot) -> dict[str, Any]:
        """Replace the snapshot behind an existing link."""
        path = f"api/shares/{share_id}/refresh?" + urlencode({"kind": snapshot.kind})
        result: dict[str, Any] = await self._call("POST", path, snapshot.data, "application/gzip")
        return result

    async def list(self) -> list[dict[str, Any]]:
        """This user's live shares."""
        result = await self._call("GET", "api/shares")
        shares: list[dict[str, Any]] = result["shares"]
        return shares

    async def get(self, share_id: str) -> dict[str, Any]:
        """One of this user's shares."""
        result: dict[str, Any] = await self._call("GET", f"api/shares/{share_id}")
        return result

    async def revoke(self, share_id: str) -> None:
        """Revoke a share; its link answers 404 from the next request on."""
        await self._call("DELETE", f"api/shares/{share_id}")


def _relay(e: HTTPClientError) -> tuple[int, str]:
    """Status and message to pass on from a service error (4xx as is; 5xx as 502)."""
    message = "the share service failed; try again later"
    if e.response is not None and e.response.body:
        try:
            message = str(json.loads(e.response.body).get("message") or message)
        except (ValueError, AttributeError):
            pass
    if e.code >= 500 or e.code < 400:
        return 502, "the share service failed; try again later"
    return e.code, message
