"""The share service application: every knob a traitlet, the stores, the routes.

The hub starts it with ``JUPYTERHUB_SERVICE_URL`` (where to listen),
``JUPYTERHUB_SERVICE_PREFIX`` (``/services/share/``), its API token and the
environment of the services block (``ORPHEUS_DATA_DIR``, ``ORPHEUS_PUBLIC_URL``).
Settings can also be given as ``--ShareService.name=value`` arguments or in a
traitlets Python file named by ``ORPHEUS_SHARE_CONFIG``.
"""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import jinja2
from jupyterhub.services.auth import HubOAuth
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop, PeriodicCallback
from traitlets import Float, Integer, Unicode, default
from traitlets.config import Application

from ..accounts.clock import Clock
from ..paths import node_bin_dir, templates_dir
from . import live_routes, owner_api, pages, previews, snapshots, staticfiles, views
from .accountstate import DELETED, AccountStates, AccountStateUnavailable
from .base import HealthHandler, NotFoundHandler, mask_tokens
from .live import LiveHub
from .store import ShareStore, SnapshotConflict, SnapshotStore

_MB = 1_000_000


class ShareService(Application):  # type: ignore[misc]
    """Public, read-only, revocable snapshots of sessions, notebooks, dashboards and files."""

    name = "orpheus-share"
    description = __doc__
    classes = [AccountStates, LiveHub]

    data_dir = Unicode(help="Folder for the share database and snapshots (ORPHEUS_DATA_DIR).").tag(config=True)
    db_url = Unicode(
        help="SQLAlchemy URL of the share database (default: $ORPHEUS_SHARE_DB_URL, else "
        "data_dir/shares.sqlite); SQLite or PostgreSQL, migrated by alembic at start."
    ).tag(config=True)
    snapshot_dir = Unicode(help="Folder holding snapshots (default: data_dir/shares).").tag(config=True)
    static_dir = Unicode(
        help="Folder the service serves /static/ from; the asciinema player, plotly.js and "
        "require.js are copied there at start-up (default: data_dir/share-static)."
    ).tag(config=True)
    player_dir = Unicode(
        help="Folder with asciinema-player.min.js and asciinema-player.css, from the npm package "
        "(default: node_modules/asciinema-player/dist/bundle)."
    ).tag(config=True)
    public_url = Unicode(
        help="Public base URL of the hub (ORPHEUS_PUBLIC_URL); share links are public_url + /services/share/s/TOKEN.",
    ).tag(config=True)
    max_snapshot_bytes = Integer(
        50 * _MB, help="Largest snapshot (upload, and unpacked), in bytes; larger is a 413."
    ).tag(config=True)
    max_user_bytes = Integer(500 * _MB, help="Total bytes of one user's live shares; beyond is a 413.").tag(config=True)
    oversize_drain_bytes = Integer(
        1_000_000_000,
        help="An upload over max_snapshot_bytes is still read (and thrown away) up "
        "to this size so that its 413 reaches the client through the proxy; beyond it the "
        "connection is cut.",
    ).tag(config=True)
    max_files = Integer(5000, help="Most entries (files and folders) in one snapshot.").tag(config=True)
    max_expand_ratio = Float(
        200.0, help="Refuse archives that unpack to more than this many times their size (bombs)."
    ).tag(config=True)
    default_expiry_hours = Float(24.0 * 30, help="Lifetime of a link when the owner sets none; 0 means no expiry.").tag(
        config=True
    )
    max_expiry_hours = Float(24.0 * 365, help="Longest lifetime an owner may ask for; 0 means no limit.").tag(
        config=True
    )
    preview_max_bytes = Integer(
        2 * _MB, help="Largest file shown as a text, Markdown or table preview (download works for any)."
    ).tag(config=True)
    table_page_rows = Integer(50, help="Rows per page of a CSV/Excel preview.").tag(config=True)
    expired_retention_hours = Float(
        24.0 * 7,
        help="Expired links answer 410 this long; then their snapshot is deleted and they "
        "answer 404 (0: keep expired snapshots forever).",
    ).tag(config=True)
    purge_interval_seconds = Float(3600.0, help="How often expired snapshots are purged.").tag(config=True)
    token_cache_seconds = Integer(
        15,
        help="Seconds a hub token or login checked with the hub is cached (HubOAuth.cache_max_age); "
        "keep it at or below the hub's OrpheusAuthenticator.enforce_interval (30 s).",
    ).tag(config=True)
    owner_sweep_seconds = Float(
        300.0,
        help="How often the owners of live shares are checked with the hub; the shares of "
        "deleted accounts are revoked (their snapshots deleted).",
    ).tag(config=True)
    clock_offset_file = Unicode(
        "",
        help="File holding seconds added to the clock (tests move time to check expiry); empty: real time.",
    ).tag(config=True)

    @default("data_dir")
    def _default_data_dir(self) -> str:
        return str(Path(os.environ.get("ORPHEUS_DATA_DIR", "data")).resolve())

    @default("public_url")
    def _default_public_url(self) -> str:
        return os.environ.get("ORPHEUS_PUBLIC_URL", "")

    @default("db_url")
    def _default_db_url(self) -> str:
        if os.environ.get("ORPHEUS_SHARE_DB_URL"):
            return os.environ["ORPHEUS_SHARE_DB_URL"]
        return f"sqlite:///{Path(self.data_dir) / 'shares.sqlite'}"

    @default("snapshot_dir")
    def _default_snapshot_dir(self) -> str:
        return str(Path(self.data_dir) / "shares")

    @default("static_dir")
    def _default_static_dir(self) -> str:
        return str(Path(self.data_dir) / "share-static")

    @default("player_dir")
    def _default_player_dir(self) -> str:
        bin_dir = node_bin_dir()
        base = bin_dir.parent if bin_dir else Path("node_modules")
        return str(base / "asciinema-player" / "dist" / "bundle")

    # ---- derived values the handlers use ------------------------------------------
    @property
    def prefix(self) -> str:
        """URL prefix of the service, e.g. ``/services/share/``."""
        return os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/share/")

    @property
    def max_body_bytes(self) -> int:
        """Largest request body accepted (the snapshot plus room for form fields)."""
        return int(self.max_snapshot_bytes) + 64 * 1024

    def too_large_message(self) -> str:
        """The 413 text for an oversize upload, naming the limit."""
        return (
            f"snapshot is larger than the limit of {self.max_snapshot_bytes / _MB:.1f} MB "
            f"({self.max_snapshot_bytes} bytes)"
        )

    def limits(self) -> snapshots.Limits:
        """Intake limits for one snapshot."""
        return snapshots.Limits(int(self.max_snapshot_bytes), int(self.max_files), float(self.max_expand_ratio))

    # ---- start-up -------------------------------------------------------------------
    def initialize(self, argv: Any = None) -> None:
        """Parse arguments, build the stores, clock and templates, bundle the static files."""
        super().initialize(argv)
        config_file = os.environ.get("ORPHEUS_SHARE_CONFIG", "")
        if config_file:
            self.load_config_file(config_file)
        self.clock = Clock(self.clock_offset_file or None)
        # One HubOAuth for every handler (HubOAuthenticated uses the singleton), with a token
        # cache no longer than the hub's enforcement interval.
        HubOAuth.instance(parent=self, cache_max_age=int(self.token_cache_seconds))
        self.accounts = AccountStates(parent=self)
        self.shares = ShareStore(self.db_url)
        self.snapshots = SnapshotStore(Path(self.snapshot_dir))
        self.live = LiveHub(parent=self)
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(templates_dir() / "share"), str(Path(__file__).parent / "templates")]),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters["when"] = when
        self.bundle_static()

    def bundle_static(self) -> None:
        """Copy the asciinema player, plotly.js and require.js next to our own files; never a CDN."""
        staticfiles.bundle(Path(self.static_dir), Path(self.player_dir), self.log)

    def make_app(self) -> web.Application:
        """The tornado application, every route under the service prefix."""
        routes: list[Any] = [(r"health", HealthHandler)]
        routes += owner_api.default_handlers + views.default_handlers + pages.default_handlers
        routes += live_routes.default_handlers
        handlers: list[Any] = [(self.prefix + pattern, handler) for pattern, handler in routes]
        handlers.append((self.prefix + r"static/(.*)", views.StaticHandler, {"path": self.static_dir}))
        # Anything else is a 404 from our own handler: the same security headers as every answer.
        return web.Application(
            handlers,
            share_service=self,
            xsrf_cookies=False,
            default_handler_class=NotFoundHandler,
            cookie_secret=os.urandom(32),
            static_path=None,
            log_function=self._log_request,
            # Live share sockets: pings keep idle ones open through proxies and find dead peers.
            websocket_ping_interval=30,
            websocket_ping_timeout=60,
        )

    def _log_request(self, handler: web.RequestHandler) -> None:
        """Access log with share tokens masked and no query strings (links are secrets)."""
        status = handler.get_status()
        log = self.log.info if status < 400 else self.log.warning
        path = mask_tokens(handler.request.path)
        log("%s %s %s %.1fms", status, handler.request.method, path, 1000 * handler.request.request_time())

    async def intake(self, owner: str, share_id: str, kind: str, data: bytes, version: int) -> int:
        """Validate and store ``data`` as ``version`` of ``share_id``; 4xx and nothing kept if bad."""
        staged = self.snapshots.staging()
        try:
            size = await asyncio.to_thread(snapshots.extract, data, staged, kind, self.limits())
            used = await asyncio.to_thread(self.shares.owner_total, owner, share_id)
            if used + size > self.max_user_bytes:
                raise web.HTTPError(
                    413,
                    f"your shares would hold {(used + size) / _MB:.1f} MB; "
                    f"the per-user limit is {self.max_user_bytes / _MB:.1f} MB",
                )
            await asyncio.to_thread(previews.derive, staged, kind)
            await asyncio.to_thread(self.snapshots.commit, staged, share_id, version)
        except snapshots.SnapshotError as e:
            self.snapshots.discard(staged)
            raise web.HTTPError(e.status, e.message) from None
        except SnapshotConflict as e:
            self.snapshots.discard(staged)
            raise web.HTTPError(409, str(e)) from None
        except BaseException:
            self.snapshots.discard(staged)
            raise
        return size

    async def purge_expired(self) -> int:
        """Delete snapshots of links expired longer than ``expired_retention_hours``."""
        if self.expired_retention_hours <= 0:
            return 0
        cutoff = self.clock.now() - timedelta(hours=self.expired_retention_hours)
        stale = await asyncio.to_thread(self.shares.expired_before, cutoff)
        for share in stale:
            await self.revoke_share(share.id, "this share link expired")
        if stale:
            self.log.info("Purged %d expired share(s)", len(stale))
        return len(stale)

    async def revoke_owner(self, owner: str) -> int:
        """Revoke every live share of ``owner`` (a deleted account) and delete the snapshots."""
        shares = await asyncio.to_thread(self.shares.list, owner)
        for share in shares:
            await self.revoke_share(share.id, "this share link was revoked")
        if shares:
            self.log.info("Revoked %d share(s) of deleted account %s", len(shares), owner)
        return len(shares)

    async def revoke_share(self, share_id: str, reason: str = "this share link was revoked") -> None:
        """Revoke one share: live viewers are cut at once, the link answers 404 from the next
        request, the snapshot is deleted."""
        self.live.cut(share_id, reason)
        await asyncio.to_thread(self.shares.revoke, share_id, self.clock.now())
        await asyncio.to_thread(self.snapshots.prune, share_id, None)

    async def sweep_owners(self) -> None:
        """Revoke the shares of owners the hub reports deleted (a reused name inherits nothing)."""
        for owner in await asyncio.to_thread(self.shares.owners):
            try:
                account = await self.accounts.get(owner)
            except AccountStateUnavailable:
                return  # the hub is away: try again next time
            if account.state == DELETED:
                await self.revoke_owner(owner)

    def start(self) -> None:
        """Listen where the hub told us to and serve until stopped."""
        url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10202"))
        # Uploads raise their own limit in prepare(); everything else is held to this one.
        server = HTTPServer(self.make_app(), xheaders=True, max_body_size=self.max_body_bytes + 1)
        server.listen(url.port or 80, url.hostname or "127.0.0.1")
        self.log.info("Share service listening on %s%s", url.netloc, self.prefix)
        loop = IOLoop.current()
        PeriodicCallback(self.purge_expired, self.purge_interval_seconds * 1000).start()
        PeriodicCallback(self.sweep_owners, self.owner_sweep_seconds * 1000).start()
        PeriodicCallback(lambda: self.live.check(self), self.live.check_seconds * 1000).start()
        # The hub stops managed services with SIGTERM: stop serving cleanly.
        signal.signal(signal.SIGTERM, lambda *_: loop.add_callback_from_signal(loop.stop))
        try:
            loop.start()
        except KeyboardInterrupt:
            self.log.info("Share service interrupted; stopping")


def when(value: Any) -> str:
    """An ISO timestamp as ``2026-01-31 14:05 UTC`` (anything unparsable as given)."""
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc)
    return parsed.strftime("%Y-%m-%d %H:%M UTC")


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``python -m orpheus_hub.share``."""
    ShareService.launch_instance(argv)
