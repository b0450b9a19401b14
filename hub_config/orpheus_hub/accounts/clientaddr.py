"""The address a request really came from, for rate limits and login backoff.

JupyterHub runs tornado with ``xheaders``, so ``request.remote_ip`` is whatever the
client put in ``X-Real-Ip`` (configurable-http-proxy passes that header on). Here
only the socket peer counts, and forwarded headers only when that peer is a trusted
proxy: then the client is the ``hops``-th entry from the right of
``X-Forwarded-For`` (the proxy appends the address it saw; anything to the left of
it was written by the client).
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from typing import Any

Network = IPv4Network | IPv6Network


def parse_networks(entries: Iterable[str]) -> list[Network]:
    """``["127.0.0.1", "10.0.0.0/8"]`` -> networks; raises ``ValueError`` naming a bad entry."""
    networks = []
    for entry in entries:
        try:
            networks.append(ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"not an IP address or network: {entry!r}") from None
    return networks


def own_address(hub_ip: str) -> list[Network]:
    """``[hub_ip/32]`` when the hub listens on one specific address, else ``[]``."""
    try:
        ip = ip_address(hub_ip)
    except ValueError:
        return []
    return [] if ip.is_unspecified else [ip_network(ip)]


def _in(address: str, networks: list[Network]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return any((mapped or ip) in net for net in networks)


def socket_peer(request: Any) -> str:
    """The TCP peer of ``request`` (tornado keeps it aside when it applies xheaders)."""
    context = getattr(getattr(request, "connection", None), "context", None)
    peer = getattr(context, "_orig_remote_ip", None) or getattr(context, "remote_ip", None)
    return str(peer or request.remote_ip or "unknown")


def client_address(request: Any, trusted: list[Network], hops: int = 1) -> str:
    """The client's address as the outermost trusted proxy saw it (see module doc)."""
    peer = socket_peer(request)
    if not _in(peer, trusted):
        return peer
    forwarded = [
        entry.strip()
        for header in request.headers.get_list("X-Forwarded-For")
        for entry in header.split(",")
        if entry.strip()
    ]
    if not forwarded:
        return peer
    candidate = forwarded[-min(max(hops, 1), len(forwarded))]
    try:
        return str(ip_address(candidate))
    except ValueError:
        return peer
