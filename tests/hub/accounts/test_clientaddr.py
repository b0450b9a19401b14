"""The client address behind configurable-http-proxy: only trusted peers' forwarded headers count."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from tornado.httputil import HTTPHeaders

from orpheus_hub.accounts.clientaddr import client_address, own_address, parse_networks

LOOPBACK = parse_networks(["127.0.0.0/8", "::1/128"])


def request(peer: str, xheaders_ip: str = "6.6.6.6", **headers: str) -> SimpleNamespace:
    """A request as tornado hands it over with ``xheaders``: ``remote_ip`` already rewritten."""
    h = HTTPHeaders()
    for name, value in headers.items():
        h.add(name.replace("_", "-"), value)
    context = SimpleNamespace(_orig_remote_ip=peer, remote_ip=xheaders_ip)
    return SimpleNamespace(connection=SimpleNamespace(context=context), remote_ip=xheaders_ip, headers=h)


def test_trusted_proxy_right_most_forwarded_entry_wins_over_client_headers() -> None:
    r = request("127.0.0.1", X_Real_Ip="10.1.1.1", X_Forwarded_For="10.2.2.2, 203.0.113.7")
    assert client_address(r, LOOPBACK) == "203.0.113.7"


def test_untrusted_peer_is_the_client_whatever_it_claims() -> None:
    r = request("198.51.100.4", X_Real_Ip="127.0.0.1", X_Forwarded_For="127.0.0.1")
    assert client_address(r, LOOPBACK) == "198.51.100.4"


def test_two_hops_take_the_entry_the_outer_proxy_appended() -> None:
    r = request("127.0.0.1", X_Forwarded_For="10.9.9.9, 203.0.113.8, 10.0.0.5")
    assert client_address(r, LOOPBACK, hops=2) == "203.0.113.8"
    assert client_address(request("127.0.0.1", X_Forwarded_For="203.0.113.9"), LOOPBACK, hops=2) == "203.0.113.9"


def test_no_or_garbage_forwarded_header_falls_back_to_the_peer() -> None:
    assert client_address(request("127.0.0.1"), LOOPBACK) == "127.0.0.1"
    assert client_address(request("127.0.0.1", X_Forwarded_For="<script>"), LOOPBACK) == "127.0.0.1"
    assert client_address(request("::ffff:127.0.0.1", X_Forwarded_For="2001:db8::1"), LOOPBACK) == "2001:db8::1"


def test_bad_network_is_named() -> None:
    with pytest.raises(ValueError, match="not-a-net"):
        parse_networks(["10.0.0.0/8", "not-a-net"])


def test_the_hubs_own_single_address_is_trusted_not_a_wildcard() -> None:
    assert own_address("172.17.0.1") == parse_networks(["172.17.0.1/32"])
    assert own_address("0.0.0.0") == []  # noqa: S104 - the wildcard is what is tested
    assert own_address("") == []
    assert own_address("hub.internal") == []
