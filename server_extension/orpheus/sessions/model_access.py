"""A session terminal's access to the model: its gateway-only token, minted and revoked
without blocking the server, and the banner shown when no model is configured.

The token is never this server's hub token: a terminal (and what it prints into a
shared recording) must not hold a credential that can open terminals or read files.
It is revoked when the session ends (stop, reap, exit), so a leaked copy dies with it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from ..llm.gateway_api import NOT_CONFIGURED, GatewayTokenError, gateway_status, mint_token, revoke_token
from .config import SessionConfig

log = logging.getLogger(__name__)

#: Printed under the reason when a claude session starts with no model behind it.
BANNER_TAIL = "Claude starts anyway, but it cannot answer until a model is configured."
MINT_FAILED = ("This session could not get access to the hub's AI service, so Claude cannot "
               "answer here; ask the hub's operator to check it.")
#: Prints $ORPHEUS_SESSION_BANNER, then becomes the session's own command ("$@").
_BANNER_SCRIPT = 'printf "\\n%s\\n\\n" "$ORPHEUS_SESSION_BANNER"; exec "$@"'


@dataclass(frozen=True)
class ModelAccess:
    """What a session terminal gets: its token (and the id that revokes it) and a banner."""

    token: str | None = None
    token_id: str | None = None
    banner: str | None = None


def hub_token() -> str:
    """This server's hub token (asks the gateway for tokens; never given to a terminal)."""
    return os.environ.get("JUPYTERHUB_API_TOKEN", "")


async def prepare(config: SessionConfig, session_id: str, mode: str) -> ModelAccess:
    """The configured token, else a fresh gateway-only one; a banner when no model answers."""
    if config.anthropic_auth_token:
        return ModelAccess(token=str(config.anthropic_auth_token))
    access = await _mint(config, session_id)
    if mode != "claude":
        return access
    if access.token is None:
        reason = MINT_FAILED if config.llm_gateway_url and hub_token() else NOT_CONFIGURED
        return ModelAccess(banner=f"{reason}\n{BANNER_TAIL}")
    configured, message = await gateway_status(config.llm_gateway_url, access.token,
                                               float(config.gateway_token_timeout))
    if configured:
        return access
    return ModelAccess(access.token, access.token_id, f"{message}\n{BANNER_TAIL}")


async def _mint(config: SessionConfig, session_id: str) -> ModelAccess:
    token = hub_token()
    if not (config.llm_gateway_url and token):
        return ModelAccess()
    try:
        minted = await mint_token(config.llm_gateway_url, token, float(config.max_age),
                                  f"session {session_id}", float(config.gateway_token_timeout))
    except GatewayTokenError as e:
        log.warning("Session %s: no model token for its terminal: %s", session_id, e)
        return ModelAccess()
    return ModelAccess(minted.token, minted.id)


async def revoke(config: SessionConfig, session_id: str, token_id: str) -> None:
    """Revoke a session's token at the gateway; a failure is logged (it expires anyway)."""
    try:
        await revoke_token(config.llm_gateway_url, hub_token(), token_id,
                           float(config.gateway_token_timeout))
    except GatewayTokenError as e:
        log.warning("Session %s: its model token was not revoked (it expires on its own): %s",
                    session_id, e)
        return
    log.info("Session %s: model token %s revoked", session_id, token_id)


def with_banner(argv: list[str], banner: str | None) -> list[str]:
    """``argv``, run after printing ``$ORPHEUS_SESSION_BANNER`` when there is a banner."""
    if not banner:
        return argv
    return ["/bin/sh", "-c", _BANNER_SCRIPT, "orpheus-session", *argv]
