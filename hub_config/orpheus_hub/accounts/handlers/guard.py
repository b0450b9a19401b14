"""The caller of an admin route must still be allowed in: a revoked, expired or deleted
account's token or cookie is refused here, even before the enforcement sweep deletes it."""

from __future__ import annotations

from typing import Any

from tornado import web


async def refuse_blocked_caller(handler: Any) -> None:
    """403 with the reason when the requesting *user* is blocked (services pass through)."""
    user = handler.current_user
    if user is None or getattr(user, "kind", "user") != "user":
        return
    message = await handler.authenticator.blocked_message(user.name)
    if message:
        raise web.HTTPError(403, f"Refused: {message}")
