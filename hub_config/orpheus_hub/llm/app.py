"""The gateway application: configuration, the stores it builds, the routes it serves.

Configuration, lowest to highest precedence: defaults (the upstream keys and
URLs from the SDKs' own variables ``ANTHROPIC_API_KEY``, ``OPENAI_API_KEY``,
``ANTHROPIC_BASE_URL``, ``OPENAI_BASE_URL``), a Python config file named by
``ORPHEUS_LLM_CONFIG``, then ``--LLMGateway.x=...`` on the command line.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

from jupyterhub.utils import url_path_join
from tornado import web
from tornado.httpclient import AsyncHTTPClient
from tornado.httpserver import HTTPServer
from tornado.netutil import Resolver
from traitlets import Float, Integer, Unicode, default, validate
from traitlets.config import Application

from ..share.accountstate import AccountStates
from .auth import CallerAuth
from .handlers import api, base, proxy, tokens
from .netutil import CachingResolver
from .providers import Provider
from .quotas import QuotaPolicy
from .tokens import TokenStore
from .usage import QuotaOverride, Usage, UsageStore

T = TypeVar("T")


class LLMGateway(Application):
    """Anthropic and OpenAI behind hub tokens, quotas and usage accounting."""

    name = "orpheus-llm"
    description = __doc__
    classes = [CallerAuth, QuotaPolicy, AccountStates]

    anthropic_api_key = Unicode(
        help="The operator's Anthropic key (default: $ANTHROPIC_API_KEY). Never sent to users.",
    ).tag(config=True)
    anthropic_base_url = Unicode(
        help="Anthropic API base URL without /v1 (default: $ANTHROPIC_BASE_URL or the public API).",
    ).tag(config=True)
    openai_api_key = Unicode(
        help="The operator's OpenAI key (default: $OPENAI_API_KEY). Never sent to users.",
    ).tag(config=True)
    openai_base_url = Unicode(
        help="OpenAI(-compatible) API base URL including /v1 (default: $OPENAI_BASE_URL or the public API).",
    ).tag(config=True)
    connect_timeout = Float(10.0, help="Seconds to wait for a connection to the upstream API.").tag(config=True)
    request_timeout = Float(
        600.0, help="Seconds a whole upstream call (a full stream included) may take."
    ).tag(config=True)
    max_clients = Integer(
        256, help="Upstream calls in flight at once (streams hold one each for their duration)."
    ).tag(config=True)
    max_request_bytes = Integer(
        64 * 1024 * 1024, help="Largest request body a caller may send (images and long contexts)."
    ).tag(config=True)
    usage_flush_seconds = Float(
        0.5, help="Seconds usage rows wait before being written in one batch (quotas count at once)."
    ).tag(config=True)
    db_url = Unicode(
        help="SQLAlchemy URL of the usage database (default: $ORPHEUS_LLM_DB_URL, else "
        "$ORPHEUS_DATA_DIR/llm.sqlite); SQLite or PostgreSQL, migrated by alembic at start.",
    ).tag(config=True)
    token_max_hours = Float(
        24.0, help="Longest lifetime of a gateway-only token (POST /api/tokens); a request for "
        "longer gets this.").tag(config=True)
    bind_url = Unicode(help="Where to listen (default: $JUPYTERHUB_SERVICE_URL).").tag(config=True)
    prefix = Unicode(help="URL prefix (default: $JUPYTERHUB_SERVICE_PREFIX or /services/llm/).").tag(config=True)

    @validate("connect_timeout", "request_timeout", "usage_flush_seconds", "max_clients", "max_request_bytes",
              "token_max_hours")
    def _positive(self, proposal: Any) -> Any:
        value = proposal["value"]
        if value <= 0:
            raise ValueError(f"LLMGateway.{proposal['trait'].name} must be positive, not {value}")
        return value

    @default("log_level")
    def _log_level(self) -> int:
        return logging.INFO

    @default("log_format")
    def _log_format(self) -> str:
        return "[%(levelname)1.1s %(asctime)s.%(msecs).03d %(name)s] %(message)s"

    @default("anthropic_api_key")
    def _anthropic_key(self) -> str:
        return os.environ.get("ANTHROPIC_API_KEY", "")

    @default("anthropic_base_url")
    def _anthropic_url(self) -> str:
        return os.environ.get("ANTHROPIC_BASE_URL") or "https://api.anthropic.com"

    @default("openai_api_key")
    def _openai_key(self) -> str:
        return os.environ.get("OPENAI_API_KEY", "")

    @default("openai_base_url")
    def _openai_url(self) -> str:
        return os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"

    @default("db_url")
    def _db_url(self) -> str:
        if os.environ.get("ORPHEUS_LLM_DB_URL"):
            return os.environ["ORPHEUS_LLM_DB_URL"]
        data_dir = Path(os.environ.get("ORPHEUS_DATA_DIR", "data")).resolve()
        return f"sqlite:///{data_dir / 'llm.sqlite'}"

    @default("bind_url")
    def _bind_url(self) -> str:
        return os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101")

    @default("prefix")
    def _prefix(self) -> str:
        return os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/llm/")

    def initialize(self, argv: Any = None) -> None:
        """Read configuration, then build the stores and policies."""
        super().initialize(argv)
        config_file = os.environ.get("ORPHEUS_LLM_CONFIG")
        if config_file:
            self.load_config_file(config_file)
            self.update_config(self.cli_config)  # the command line still wins
        self.store = UsageStore(self.db_url)
        self.tokens = TokenStore(self.store)
        self.auth = CallerAuth(parent=self, tokens=self.tokens, run_db=self.run_db)
        self.quotas = QuotaPolicy(parent=self)
        self.overrides: dict[str, QuotaOverride] = {o.user: o for o in self.store.overrides()}
        self.providers = {
            "anthropic": Provider("anthropic", self.anthropic_api_key, self.anthropic_base_url),
            "openai": Provider("openai", self.openai_api_key, self.openai_base_url),
        }
        self.db_pool = ThreadPoolExecutor(1, thread_name_prefix="llm-db")
        Resolver.configure(CachingResolver)
        AsyncHTTPClient.configure(None, max_clients=self.max_clients)
        self._pending: list[tuple[Usage, datetime]] = []
        self._flushing: asyncio.Future[None] | None = None

    async def run_db(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a short synchronous database call on the single database thread."""
        return await asyncio.get_running_loop().run_in_executor(self.db_pool, partial(fn, *args))

    def record_usage(self, usage: Usage, when: datetime) -> None:
        """Queue a usage row; rows are written in batches, off the request path."""
        self._pending.append((usage, when))
        if self._flushing is None:
            self._flushing = asyncio.ensure_future(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(self.usage_flush_seconds)
        try:
            await self.flush_usage()
        except Exception:  # a failing database must not go unnoticed, nor stop the gateway
            self.log.exception("Could not write usage records")

    async def flush_usage(self) -> None:
        """Write every queued usage row now (reports call this before reading)."""
        self._flushing = None
        batch, self._pending = self._pending, []
        if batch:
            await self.run_db(self.store.record_many, batch)

    def make_app(self) -> web.Application:
        """The tornado application with every route under the prefix."""
        routes: list[Any] = [(r"/?", base.HealthHandler), (r"/health", base.HealthHandler),
                             *api.default_handlers, *tokens.default_handlers, *proxy.default_handlers]
        full = [(url_path_join(self.prefix, pattern), handler) for pattern, handler in routes]
        full.append((r".*", base.NotFoundHandler))
        return web.Application(full, gateway=self, log_function=self._log_request)

    def _log_request(self, handler: web.RequestHandler) -> None:
        """Access log without query strings or headers."""
        status = handler.get_status()
        log = self.log.info if status < 400 else self.log.warning
        log("%s %s %s %.1fms", status, handler.request.method, handler.request.path,
            1000 * handler.request.request_time())

    def start(self) -> None:
        """Listen and serve until stopped."""
        asyncio.run(self.serve())

    async def serve(self) -> None:
        """Listen on ``bind_url`` and serve forever."""
        for name, provider in self.providers.items():
            self.log.info("%s: %s", name, "configured" if provider.configured else "no key configured")
        url = urlparse(self.bind_url)
        server = HTTPServer(self.make_app(), max_body_size=self.max_request_bytes)
        server.listen(url.port or 80, url.hostname or "127.0.0.1")
        self.log.info("LLM gateway listening on %s%s", self.bind_url.rstrip("/"), self.prefix)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        self.log.info("LLM gateway stopping")
        server.stop()
        await self.flush_usage()
        self.db_pool.shutdown(wait=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``python -m orpheus_hub.llm``."""
    app = LLMGateway.instance()
    app.initialize(argv)
    app.start()
