"""``POST /sessions/{id}/fetch``: a web page saved as Markdown, behind an SSRF guard.

The guard sits in the HTTP client's resolver: every host name (including each
redirect target, since redirects are followed by hand) is resolved, and the
connection is only made when every address is public. So decimal or hex IP
spellings, names that resolve to loopback, and redirects to internal addresses
are all refused at the one place that turns names into addresses.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from tornado import httputil, web
from tornado.httpclient import HTTPClientError, HTTPRequest, HTTPResponse
from tornado.netutil import DefaultLoopResolver, Resolver
from tornado.simple_httpclient import HTTPTimeoutError, SimpleAsyncHTTPClient
from traitlets import Float, Integer, List, Unicode
from traitlets.config import LoggingConfigurable

REDIRECTS = (301, 302, 303, 307, 308)
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain", "text/markdown")
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)


class BlockedAddress(Exception):
    """The URL's host resolves to an address the guard refuses."""


class _Body:
    """Collects a response body up to ``limit`` bytes and notes when there was more.

    (Raising from tornado's streaming callback only logs and drops the connection, so
    the rest is discarded instead; the request timeout bounds the time it takes.)
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()
        self.exceeded = False

    def __call__(self, chunk: bytes) -> None:
        if self.exceeded or len(self.data) + len(chunk) > self.limit:
            self.exceeded = True
            return
        self.data += chunk


def address_problem(raw: str) -> str | None:
    """Why a resolved address must not be contacted; None for a public address."""
    addr = ipaddress.ip_address(raw.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address):
        embedded = addr.ipv4_mapped or addr.sixtofour or (addr.teredo[1] if addr.teredo else None)
        if embedded is not None:
            return address_problem(str(embedded)) or ("an IPv4 address wrapped in IPv6")
    checks = [
        (addr in METADATA_ADDRESSES, "a cloud metadata address"),
        (addr.is_loopback, "a loopback address"),
        (addr.is_link_local, "a link-local address"),
        (addr.is_multicast, "a multicast address"),
        (addr.is_unspecified, "an unspecified address"),
        (addr.is_private, "a private address"),
        (addr.is_reserved, "a reserved address"),
        (not addr.is_global, "not a public address"),
    ]
    return next((why for bad, why in checks if bad), None)


class GuardedResolver(Resolver):
    """A resolver that only hands out public addresses (unless the host is allowlisted)."""

    def initialize(self, allowed_hosts: frozenset[str] = frozenset()) -> None:
        self.allowed_hosts = allowed_hosts
        self.inner = DefaultLoopResolver()

    async def resolve(
        self, host: str, port: int, family: socket.AddressFamily = socket.AF_UNSPEC
    ) -> list[tuple[int, Any]]:
        addresses: list[tuple[int, Any]] = await self.inner.resolve(host, port, family)
        if host.lower() in self.allowed_hosts or f"{host.lower()}:{port}" in self.allowed_hosts:
            return addresses
        for _family, sockaddr in addresses:
            problem = address_problem(sockaddr[0])
            if problem:
                raise BlockedAddress(f"{host} resolves to {problem}")
        return addresses


@dataclass(frozen=True)
class Page:
    """A fetched page."""

    url: str
    content_type: str
    text: str


def check_url(url: object) -> str:
    """http(s) URLs with a host and no credentials; 400 otherwise."""
    if not isinstance(url, str) or not url.strip():
        raise web.HTTPError(400, "url must be a non-empty string")
    url = url.strip()
    if len(url) > 4096 or any(ord(ch) < 33 for ch in url):
        raise web.HTTPError(400, "url is too long or contains spaces or control characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise web.HTTPError(400, "only http and https URLs can be fetched")
    if not parts.hostname:
        raise web.HTTPError(400, "url has no host")
    if parts.username is not None or parts.password is not None:
        raise web.HTTPError(400, "URLs with credentials are not fetched")
    try:
        _ = parts.port
    except ValueError:
        raise web.HTTPError(400, "url has an invalid port") from None
    return url


class WebFetcher(LoggingConfigurable):  # type: ignore[misc]
    """Fetches http(s) pages with size, time and address limits."""

    allowed_hosts = List(
        Unicode(),
        help="Hosts (or host:port) exempt from the public-address check, e.g. an internal "
        "wiki; tests use it to reach a local server.",
    ).tag(config=True)
    max_bytes = Integer(5 * 1024 * 1024, help="Largest page fetched, in bytes.").tag(config=True)
    timeout = Float(20.0, help="Seconds allowed for each request of a fetch.").tag(config=True)
    max_redirects = Integer(5, help="Redirects followed (each one re-checked).").tag(config=True)
    user_agent = Unicode("Orpheus-fetch/1.0", help="User-Agent sent with fetches.").tag(
        config=True
    )

    async def fetch(self, url: object) -> Page:
        """GET the page, following redirects by hand; 4xx for anything refused."""
        current = check_url(url)
        resolver = GuardedResolver(allowed_hosts=frozenset(h.lower() for h in self.allowed_hosts))
        client = SimpleAsyncHTTPClient(force_instance=True, resolver=resolver)
        try:
            for _hop in range(self.max_redirects + 1):
                body = _Body(self.max_bytes)
                response = await self._get(client, current, body)
                if response.code in REDIRECTS and response.headers.get("Location"):
                    current = check_url(urljoin(current, response.headers["Location"]))
                    continue
                return self._page(current, response, bytes(body.data))
            raise web.HTTPError(400, f"more than {self.max_redirects} redirects")
        finally:
            client.close()

    async def _get(self, client: SimpleAsyncHTTPClient, url: str, body: _Body) -> HTTPResponse:
        request = HTTPRequest(
            url, follow_redirects=False, request_timeout=self.timeout, streaming_callback=body,
            connect_timeout=self.timeout, headers={"User-Agent": self.user_agent,
            "Accept": "text/html, application/xhtml+xml, text/plain;q=0.8"},
        )
        too_large = web.HTTPError(413, f"the page is larger than {self.max_bytes} bytes")
        try:
            response = await client.fetch(request, raise_error=False)
        except BlockedAddress as e:
            raise web.HTTPError(403, f"refused: {e}") from None
        except HTTPTimeoutError:
            if body.exceeded:
                raise too_large from None
            raise web.HTTPError(504, f"the page did not load within {self.timeout:g} s") from None
        except (OSError, HTTPClientError, httputil.HTTPInputError) as e:
            raise web.HTTPError(502, f"could not fetch the page: {e}") from None
        if body.exceeded:
            raise too_large
        return response

    def _page(self, url: str, response: HTTPResponse, body: bytes) -> Page:
        if response.code >= 400:
            raise web.HTTPError(502, f"the site answered {response.code}")
        if response.code == 599 and response.error is not None:
            raise web.HTTPError(502, f"could not fetch the page: {response.error}")
        content_type, params = httputil._parse_header(response.headers.get("Content-Type", ""))
        if content_type not in HTML_TYPES + TEXT_TYPES:
            raise web.HTTPError(415, f"only HTML or text pages are saved, not {content_type or 'unknown'}")
        charset = params.get("charset", "utf-8")
        try:
            text = body.decode(charset, errors="replace")
        except LookupError:
            text = body.decode("utf-8", errors="replace")
        return Page(url, content_type, text)
