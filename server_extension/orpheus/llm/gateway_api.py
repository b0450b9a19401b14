"""The user server's calls to the hub's ``llm`` gateway's own API (not the model routes):
is a model configured (``GET /api/status``), and gateway-only tokens for session
terminals (``POST /api/tokens``, ``DELETE /api/tokens/{id}``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPRequest

#: Said when this server has no gateway or no token at all (the gateway words its own).
NOT_CONFIGURED = ("No AI model is configured for this server: ask the hub's operator to enable "
                  "the AI service.")


class GatewayTokenError(Exception):
    """The llm service would not mint a gateway-only token (message safe to log)."""


async def gateway_status(gateway_url: str, token: str, timeout: float) -> tuple[bool, str | None]:
    """(configured, message) from ``GET <gateway>/api/status`` with ``token`` (a hub token or a
    gateway-only one); (True, None) when the gateway cannot say (unreachable, an error)."""
    req = HTTPRequest(gateway_url.rstrip("/") + "/api/status",
                      headers={"Authorization": f"Bearer {token}"}, request_timeout=timeout)
    try:
        resp = await AsyncHTTPClient().fetch(req, raise_error=False)
        body = json.loads(resp.body or b"null")
    except (OSError, ValueError):
        return True, None
    if resp.code != 200 or not isinstance(body, dict) or body.get("configured") is not False:
        return True, None
    return False, str(body.get("message") or NOT_CONFIGURED)[:500]


@dataclass(frozen=True)
class MintedToken:
    """A gateway-only token and the id that revokes it."""

    id: str
    token: str


async def mint_token(gateway_url: str, hub_token: str, lifetime: float, note: str,
                     timeout: float) -> MintedToken:
    """A gateway-only token from ``POST <gateway>/api/tokens``, without blocking the server.

    ``lifetime`` in seconds (0: the gateway's longest). Raises :class:`GatewayTokenError`.
    """
    if not gateway_url.startswith(("http://", "https://")):
        raise GatewayTokenError("the llm service URL is not http(s)")
    body: dict[str, Any] = {"note": note[:200]}
    if lifetime > 0:
        body["expires_in"] = int(lifetime)
    req = HTTPRequest(gateway_url.rstrip("/") + "/api/tokens", method="POST", body=json.dumps(body),
                      headers={"Authorization": f"token {hub_token}", "Content-Type": "application/json"},
                      connect_timeout=timeout, request_timeout=timeout)
    try:
        resp = await AsyncHTTPClient().fetch(req, raise_error=False)
        answer = json.loads(resp.body or b"null")
    except (OSError, ValueError) as e:
        raise GatewayTokenError(f"the llm service could not be reached ({e.__class__.__name__})") from None
    if resp.code == 599:
        raise GatewayTokenError("the llm service could not be reached (timeout)")
    if resp.code != 201 or not isinstance(answer, dict):
        raise GatewayTokenError(f"the llm service answered {resp.code}")
    token, token_id = answer.get("token"), answer.get("id")
    if not (isinstance(token, str) and token and isinstance(token_id, str)):
        raise GatewayTokenError("the llm service sent no token")
    return MintedToken(token_id, token)


async def revoke_token(gateway_url: str, hub_token: str, token_id: str, timeout: float) -> None:
    """``DELETE <gateway>/api/tokens/{id}``; a 404 (already dead) is fine. Raises
    :class:`GatewayTokenError` when the gateway could not be asked or refused."""
    req = HTTPRequest(f"{gateway_url.rstrip('/')}/api/tokens/{token_id}", method="DELETE",
                      headers={"Authorization": f"token {hub_token}"},
                      connect_timeout=timeout, request_timeout=timeout)
    try:
        resp = await AsyncHTTPClient().fetch(req, raise_error=False)
    except OSError as e:
        raise GatewayTokenError(f"the llm service could not be reached ({e.__class__.__name__})") from None
    if resp.code not in (204, 404):
        raise GatewayTokenError(f"the llm service answered {resp.code}")
