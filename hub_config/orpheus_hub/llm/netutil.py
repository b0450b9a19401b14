"""A resolver for the upstream calls: IP literals without a thread hop, host names cached.

Tornado's default resolver runs every lookup (even ``127.0.0.1``) in a thread
pool; with a new upstream connection per call that hop showed up as gateway
overhead. Host names are cached for ``ttl`` seconds.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from typing import Any

from tornado.netutil import DefaultLoopResolver, Resolver


class CachingResolver(Resolver):
    """Answers IP literals at once and remembers host-name lookups for a while."""

    def initialize(self, ttl: float = 60.0) -> None:  # type: ignore[override]
        self.ttl = ttl
        self.fallback = DefaultLoopResolver()
        self.cache: dict[tuple[str, int, int], tuple[float, list[tuple[int, Any]]]] = {}

    async def resolve(self, host: str, port: int,
                      family: socket.AddressFamily = socket.AF_UNSPEC) -> list[tuple[int, Any]]:
        """Addresses of ``host:port``."""
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            if ip.version == 4:
                return [(socket.AF_INET, (host, port))]
            return [(socket.AF_INET6, (host, port, 0, 0))]
        key = (host, port, int(family))
        cached = self.cache.get(key)
        now = time.monotonic()
        if cached and cached[0] > now:
            return cached[1]
        addresses: list[tuple[int, Any]] = await self.fallback.resolve(host, port, family)
        self.cache[key] = (now + self.ttl, addresses)
        return addresses
