"""Owner API: ``/api/shares`` (create, list), ``/api/shares/{id}`` (read, revoke), ``/refresh``.

Authenticated with the caller's hub token (``Authorization: token ...``, as the
user server sends its own ``JUPYTERHUB_API_TOKEN``) and authorized by the
``access:services!service=share`` scope. Owners see and
change only their own shares; hub admins may list and revoke everyone's.
Someone else's share answers 404, exactly like a missing one.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from jupyterhub.services.auth import HubOAuthenticated, UserNotAllowed
from tornado import httputil, web

from .accountstate import DELETED, AccountStateUnavailable
from .base import ShareHandler
from .store import KINDS, Share

if TYPE_CHECKING:
    from .app import ShareService

_TAR_TYPES = {"application/x-tar", "application/gzip", "application/x-gzip",
              "application/octet-stream"}
_FIELDS = ("kind", "title", "target", "expires_in")
_AUTH_REQUIRED = "authentication required: send a hub token with access to the share service"


class OwnerAPIHandler(HubOAuthenticated, ShareHandler):  # type: ignore[misc]
    """Hub-authenticated JSON API; never redirects to a login page."""

    def get_login_url(self) -> str:
        """API callers get a 403 instead of a redirect."""
        raise web.HTTPError(403, _AUTH_REQUIRED)

    async def prepare(self) -> None:
        """Resolve the hub user without blocking the event loop (tornado: set current_user in prepare)."""
        model = await self.hub_auth.get_user(self, sync=False)
        try:
            self.current_user = self.check_hub_user(model) if model else None
        except UserNotAllowed:
            raise web.HTTPError(403, "this token may not use the share service") from None
        if self.current_user is None:
            raise web.HTTPError(403, _AUTH_REQUIRED)
        await require_active(self.share_app, self.username)

    @property
    def username(self) -> str:
        """The caller's hub name."""
        user: dict[str, Any] = self.current_user
        return str(user["name"])

    @property
    def is_admin(self) -> bool:
        """Hub admins may list and revoke every share."""
        return bool(self.current_user.get("admin"))

    async def owned(self, share_id: str, admin_ok: bool) -> Share:
        """The caller's live share ``share_id`` (or anyone's for admins when allowed), else 404."""
        share = await asyncio.to_thread(self.share_app.shares.get, share_id)
        if share is None or not (share.owner == self.username or (admin_ok and self.is_admin)):
            raise web.HTTPError(404, f"no share {share_id!r} of yours")
        return share

    def share_model(self, share: Share, token: str | None = None) -> dict[str, Any]:
        """The owner's view of a share; the token and link only right after creation."""
        model: dict[str, Any] = share.to_model()
        if token is not None:
            path = f"{self.share_app.prefix}s/{token}"
            model.update(token=token, path=path, url=self.share_app.public_url.rstrip("/") + path)
        return model


async def require_active(app: ShareService, name: str) -> None:
    """403 unless the hub says ``name``'s account is trial or approved (checked on every call,
    cached at most ``AccountStates.cache_seconds``); 503 when the hub cannot say."""
    try:
        account = await app.accounts.get(name)
    except AccountStateUnavailable:
        raise web.HTTPError(503, "could not check your account with the hub; try again shortly") from None
    if account.state == DELETED:
        await app.revoke_owner(name)
    if not account.active:
        raise web.HTTPError(403, f"your account is {account.state}; the share service serves "
                                 "trial and approved accounts only")


class UploadMixin(OwnerAPIHandler):
    """Streams the request body with the size limit enforced as it arrives.

    An oversized body (announced or not) is read to its end and thrown away, up to
    ``ShareService.oversize_drain_bytes``, so the 413 reaches the client through the
    proxy instead of a dropped connection (which the proxy turns into a 503).
    """

    _body: bytearray
    _received = 0
    _too_large = False

    async def prepare(self) -> None:
        """Authenticate first, then size the body this request may send."""
        await super().prepare()
        self._body = bytearray()
        if self.request.method != "POST":
            return
        app = self.share_app
        declared = int(self.request.headers.get("Content-Length", "0") or 0)
        if declared > app.oversize_drain_bytes:
            raise web.HTTPError(413, app.too_large_message())
        self._too_large = declared > app.max_body_bytes
        self.request.connection.set_max_body_size(  # type: ignore[union-attr]
            max(declared, app.max_body_bytes) + 1 if declared else app.oversize_drain_bytes)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A refusal may come before the body is read: make the proxy drop this connection."""
        self.set_header("Connection", "close")
        super().write_error(status_code, **kwargs)

    def data_received(self, chunk: bytes) -> None:
        """Collect the body; past the limit, keep reading but keep nothing (413 at the end)."""
        self._received += len(chunk)
        if self._received > self.share_app.max_body_bytes:
            self._too_large = True
            self._body = bytearray()
        if self._received > self.share_app.oversize_drain_bytes:
            raise web.HTTPError(413, self.share_app.too_large_message())
        if not self._too_large:
            self._body.extend(chunk)

    def upload(self) -> tuple[dict[str, str], bytes]:
        """The form fields and the snapshot archive (multipart, or a raw tar + query fields)."""
        if self._too_large:
            raise web.HTTPError(413, self.share_app.too_large_message())
        ctype = self.request.headers.get("Content-Type", "")
        body = bytes(self._body)
        if ctype.startswith("multipart/form-data"):
            args: dict[str, list[bytes]] = {}
            files: dict[str, list[httputil.HTTPFile]] = {}
            httputil.parse_body_arguments(ctype, body, args, files)
            if not files.get("snapshot"):
                raise web.HTTPError(400, "multipart upload needs a 'snapshot' file part (a tar archive)")
            fields = {k: v[0].decode("utf-8", "replace") for k, v in args.items() if k in _FIELDS}
            return fields, files["snapshot"][0].body
        if ctype.split(";")[0].strip() in _TAR_TYPES:
            fields = {k: str(self.get_query_argument(k)) for k in _FIELDS
                      if self.get_query_argument(k, None) is not None}
            return fields, body
        raise web.HTTPError(415, "send multipart/form-data or a tar archive (application/x-tar)")


@web.stream_request_body
class SharesHandler(UploadMixin):
    """``GET`` lists shares; ``POST`` creates one from an uploaded snapshot."""

    @web.authenticated
    async def get(self) -> None:
        """Own shares; ``?all=1`` (admins) everyone's, ``?owner=name`` (admins) one user's."""
        owner: str | None = self.username
        wanted = self.get_query_argument("owner", None)
        if self.get_query_argument("all", "") in ("1", "true") or wanted:
            if not self.is_admin:
                raise web.HTTPError(403, "only hub admins can list other people's shares")
            owner = wanted or None
        shares = await asyncio.to_thread(self.share_app.shares.list, owner)
        self.write_json({"shares": [s.to_model() for s in shares]})

    @web.authenticated
    async def post(self) -> None:
        """Store a new snapshot and answer 201 with the link (shown only this once)."""
        app = self.share_app
        fields, data = self.upload()
        kind = fields.get("kind", "")
        if kind not in KINDS:
            raise web.HTTPError(400, f"kind must be one of {', '.join(KINDS)}")
        title = validated_title(fields.get("title", ""), kind)
        target = fields.get("target", "")[:1024]
        delta = expiry_delta(fields.get("expires_in"), app.default_expiry_hours, app.max_expiry_hours)
        expires_at = app.clock.now() + delta if delta else None
        share_id = secrets.token_hex(8)
        size = await app.intake(self.username, share_id, kind, data, version=1)
        now = app.clock.now()
        try:
            share, token = await asyncio.to_thread(
                app.shares.create, self.username, kind, title, target, expires_at, size, now, share_id)
        except Exception:
            await asyncio.to_thread(app.snapshots.prune, share_id, None)
            raise
        self.log.info("Share %s (%s) created by %s", share_id, kind, self.username)
        self.write_json(self.share_model(share, token), status=201)


class ShareItemHandler(OwnerAPIHandler):
    """``GET`` one share; ``DELETE`` revokes it (owner or admin)."""

    @web.authenticated
    async def get(self, share_id: str) -> None:
        """The share's model."""
        share = await self.owned(share_id, admin_ok=True)
        self.write_json(share.to_model())

    @web.authenticated
    async def delete(self, share_id: str) -> None:
        """Revoke: the next public request answers 404; the snapshot is deleted."""
        app = self.share_app
        share = await self.owned(share_id, admin_ok=True)
        await app.revoke_share(share.id)
        self.log.info("Share %s revoked by %s", share.id, self.username)
        self.set_status(204)
        self.finish()


@web.stream_request_body
class RefreshHandler(UploadMixin):
    """``POST /api/shares/{id}/refresh``: replace the snapshot, keep the link (owner only)."""

    @web.authenticated
    async def post(self, share_id: str) -> None:
        """Store the new snapshot as the next version; the old one stays until it is in place."""
        app = self.share_app
        share = await self.owned(share_id, admin_ok=False)
        fields, data = self.upload()
        if fields.get("kind", share.kind) != share.kind:
            raise web.HTTPError(400, f"share {share_id!r} is a {share.kind} share; kind cannot change")
        version = share.version + 1
        size = await app.intake(self.username, share.id, share.kind, data, version=version)
        updated = await asyncio.to_thread(app.shares.set_version, share.id, version, size, app.clock.now())
        if updated is None:  # revoked while the upload was checked
            await asyncio.to_thread(app.snapshots.prune, share.id, None)
            raise web.HTTPError(404, f"no share {share_id!r} of yours")
        share = updated
        await asyncio.to_thread(app.snapshots.prune, share.id, version)
        self.log.info("Share %s refreshed to version %d", share.id, version)
        self.write_json(share.to_model())


def validated_title(title: str, kind: str) -> str:
    """A one-line title of at most 300 characters (defaults to the kind)."""
    title = " ".join(title.split())
    if len(title) > 300:
        raise web.HTTPError(400, "title is longer than 300 characters")
    return title or f"Shared {kind}"


def expiry_delta(value: str | None, default_hours: float, max_hours: float) -> timedelta | None:
    """How long a new link lives: ``expires_in`` seconds, else the default (``None``: forever)."""
    if value is None or value == "":
        return timedelta(hours=default_hours) if default_hours > 0 else None
    try:
        seconds = int(value)
    except ValueError:
        raise web.HTTPError(400, "expires_in must be a whole number of seconds") from None
    if seconds <= 0:
        raise web.HTTPError(400, "expires_in must be a positive number of seconds")
    limit = int(max_hours * 3600) if max_hours > 0 else _CENTURY
    if seconds > limit:
        raise web.HTTPError(400, f"expires_in may be at most {limit} seconds")
    return timedelta(seconds=seconds)


# Even "no limit" stays within dates the database and datetime can hold.
_CENTURY = 100 * 365 * 24 * 3600


default_handlers = [
    (r"api/shares", SharesHandler),
    (r"api/shares/([A-Za-z0-9_-]{1,32})", ShareItemHandler),
    (r"api/shares/([A-Za-z0-9_-]{1,32})/refresh", RefreshHandler),
]
