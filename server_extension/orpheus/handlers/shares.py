"""``/orpheus/api/shares``: share a session, notebook, dashboard or file by public link.

``POST /shares`` {kind, target, title?, expires_in?} builds a snapshot of the
user's own files and uploads it to the hub's ``share`` service (kind ``live``,
target = a running session's id: the snapshot so far, then the terminal streamed to
the service until the session ends); the answer is
{id, url, expires_at, ...} and is the only time the link is shown. ``GET
/shares`` lists, ``DELETE /shares/{id}`` revokes and ``POST
/shares/{id}/refresh`` re-snapshots the same target behind the same link.
The service knows the owner from this server's token, so one user can never
list, refresh or revoke another's shares through any server.
"""

from __future__ import annotations

import asyncio
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..shares import builder
from ..shares.client import ShareClient, ShareServiceError
from ..shares.live_feeds import LIVE
from . import resources
from .base import API_PREFIX, OrpheusHandler

_ID = r"([A-Za-z0-9_-]{1,32})"


class SharesBase(OrpheusHandler):
    """Common helpers: the client, snapshot building off the event loop, error relay."""

    auth_resource = resources.SHARES

    @property
    def client(self) -> ShareClient:
        """The share service client built by the extension app."""
        return self.orpheus.share_client

    async def snapshot(self, kind: Any, target: Any, title: Any = None) -> builder.Snapshot:
        """Build the snapshot in a thread; bad targets become 4xx answers."""
        root = self.orpheus.projects.jupyter_root
        try:
            snap = await asyncio.to_thread(builder.build, root, kind, target,
                                           self.orpheus.projects.projects_dir,
                                           self.client.max_snapshot_bytes)
        except builder.ShareBuildError as e:
            raise web.HTTPError(e.status, e.message) from None
        if title is not None:
            if not isinstance(title, str) or len(title) > 300:
                raise web.HTTPError(400, "title must be a string of at most 300 characters")
            snap = builder.Snapshot(snap.kind, title.strip() or snap.title, snap.target, snap.data)
        return snap

    async def call(self, coro: Any) -> Any:
        """Await a client call, relaying the service's refusal as our own answer."""
        try:
            return await coro
        except ShareServiceError as e:
            raise web.HTTPError(e.status, e.message) from None


class SharesHandler(SharesBase):
    """``GET`` this user's shares; ``POST`` a new one."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """The live shares of this server's user."""
        shares = await self.call(self.client.list())
        self.write_json({"shares": shares})

    @web.authenticated
    @authorized
    async def post(self) -> None:
        """Snapshot ``target`` and create a public link to it."""
        body = self.get_json_object()
        expires_in = body.get("expires_in")
        if expires_in is not None and (isinstance(expires_in, bool) or not isinstance(expires_in, int)):
            raise web.HTTPError(400, "expires_in must be a whole number of seconds")
        if not self.client.enabled:
            raise web.HTTPError(503, "share links are not configured on this server (no ORPHEUS_SHARE_URL)")
        if body.get("kind") == LIVE:
            model = await self.call(self.client.live.share(
                self.orpheus.sessions, body.get("target"), body.get("title"), expires_in))
            self.log.info("Shared session %s live as %s", body.get("target"), model.get("id"))
            self.write_json(model, status=201)
            return
        snap = await self.snapshot(body.get("kind"), body.get("target"), body.get("title"))
        model = await self.call(self.client.create(snap, expires_in))
        self.log.info("Shared %s %s as %s", snap.kind, snap.target, model.get("id"))
        self.write_json(model, status=201)


class ShareHandler(SharesBase):
    """``GET`` one share; ``DELETE`` revokes it."""

    @web.authenticated
    @authorized
    async def get(self, share_id: str) -> None:
        """One share of this user."""
        self.write_json(await self.call(self.client.get(share_id)))

    @web.authenticated
    @authorized
    async def delete(self, share_id: str) -> None:
        """Revoke: the public link answers 404 from the next request on."""
        await self.call(self.client.revoke(share_id))
        self.client.live.stop(share_id)
        self.set_status(204)
        self.finish()


class ShareRefreshHandler(SharesBase):
    """``POST /shares/{id}/refresh``: new snapshot of the same target, same link."""

    @web.authenticated
    @authorized
    async def post(self, share_id: str) -> None:
        """Rebuild the share's target and replace its snapshot."""
        current = await self.call(self.client.get(share_id))
        if current["kind"] == LIVE:
            snap = await self.client.live.snapshot(self.orpheus.sessions, current["target"], current["title"])
        else:
            snap = await self.snapshot(current["kind"], current["target"], current["title"])
        self.write_json(await self.call(self.client.refresh(share_id, snap)))


default_handlers = [
    (rf"{API_PREFIX}/shares", SharesHandler),
    (rf"{API_PREFIX}/shares/{_ID}", ShareHandler),
    (rf"{API_PREFIX}/shares/{_ID}/refresh", ShareRefreshHandler),
]
