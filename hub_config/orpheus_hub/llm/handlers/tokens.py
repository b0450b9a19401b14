"""``POST /services/llm/api/tokens``: mint a gateway-only token for a session terminal;
``DELETE /services/llm/api/tokens/{id}``: revoke one (the session ended).

Authorized by the caller's own hub token (a user server sends its
``JUPYTERHUB_API_TOKEN``); a gateway-only token cannot mint or revoke. The answer
to a mint is the token (shown this once), its id and its expiry, at most
``LLMGateway.token_max_hours`` away. Only the token's owner may revoke it; anyone
else (and an unknown, expired or revoked id) gets the same 404.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pydantic import BaseModel, ConfigDict, Field
from tornado import web

from .base import GatewayHandler


class TokenRequest(BaseModel):
    """Body of ``POST /api/tokens``."""

    model_config = ConfigDict(extra="forbid")
    expires_in: int | None = Field(default=None, gt=0, description="Lifetime in seconds (capped).")
    note: str = Field(default="", max_length=200, description="What the token is for.")


class TokensHandler(GatewayHandler):
    """Mint a token that reaches the model routes only, for the caller."""

    async def post(self) -> None:
        """201 ``{id, token, expires_at}``."""
        caller = await self.authenticate()
        body = self.parse(TokenRequest) if self.request.body else TokenRequest()
        cap = timedelta(hours=self.gateway.token_max_hours)
        lifetime = min(timedelta(seconds=body.expires_in), cap) if body.expires_in else cap
        minted = await self.in_db(self.gateway.tokens.mint, caller.name, lifetime, body.note,
                                  datetime.now(timezone.utc))
        self.gateway.log.info("Gateway token %s minted for %s (until %s)", minted.id, caller.name,
                              minted.expires_at)
        self.set_header("Cache-Control", "no-store")
        self.write_json({"id": minted.id, "token": minted.token, "expires_at": minted.expires_at},
                        status=201)


class TokenHandler(GatewayHandler):
    """Revoke one of the caller's own tokens."""

    async def delete(self, token_id: str) -> None:
        """204, or 404 when the caller has no live token of that id."""
        caller = await self.authenticate()
        revoked = await self.in_db(self.gateway.tokens.revoke, token_id[:16], caller.name,
                                   datetime.now(timezone.utc))
        if not revoked:
            raise web.HTTPError(404, "No live gateway token of yours has this id.")
        self.gateway.log.info("Gateway token %s of %s revoked by its owner", token_id[:16], caller.name)
        self.set_status(204)
        self.finish()


default_handlers = [(r"/api/tokens", TokensHandler), (r"/api/tokens/([^/]+)", TokenHandler)]
