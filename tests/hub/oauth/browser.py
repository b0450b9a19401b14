"""The browser's part of an OAuth log-in, played by ``requests.Session``, one redirect at a time."""

from __future__ import annotations

from typing import Any

import requests

from tests.fakes.oidc_provider import OIDCProvider
from tests.harness.hub import Hub


def oauth_login(
    hub: Hub, provider: OIDCProvider, username: str, email: str = "", **identity: Any
) -> tuple[requests.Session, requests.Response]:
    """``/hub/oauth_login`` -> provider authorize -> ``/hub/oauth_callback``.

    Returns the session and the hub's answer to the callback (302 when logged in).
    """
    provider.login_as(username, email, **identity)
    session = requests.Session()
    start = session.get(f"{hub.url}/hub/oauth_login", allow_redirects=False, timeout=30)
    assert start.status_code == 302, start.text
    assert start.headers["Location"].startswith(f"{provider.url}/")
    approved = session.get(start.headers["Location"], allow_redirects=False, timeout=30)
    assert approved.status_code == 302, approved.text
    callback = approved.headers["Location"]
    assert callback.startswith(f"{hub.url}/hub/oauth_callback?")
    return session, session.get(callback, allow_redirects=False, timeout=60)


def account(hub: Hub, name: str) -> dict[str, Any] | None:
    """``name``'s entry in ``GET /hub/api/orpheus/users`` (admin token), or None."""
    r = hub.api("GET", "/orpheus/users")
    assert r.status_code == 200, r.text
    found = [u for u in r.json() if u["name"] == name]
    return found[0] if found else None
