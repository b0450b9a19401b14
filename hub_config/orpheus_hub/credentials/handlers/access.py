"""Who may manage credential sets: a caller holding ``admin:users`` and ``admin:groups``
for everyone (JupyterHub's admin role), whose own account is not blocked.

(Self-contained rather than importing the accounts' handler helpers: the accounts'
route table imports this package, so importing it back would be circular.)
"""

from __future__ import annotations

from typing import Any

from jupyterhub.scopes import has_scope
from tornado import web

SCOPES = ("admin:users", "admin:groups")


async def require_admin(handler: Any) -> None:
    """403 unless the caller holds every scope of ``SCOPES`` unfiltered and, being a user,
    is not blocked (revoked, expired, deleted) right now."""
    user = handler.current_user
    if user is None:
        raise web.HTTPError(403, "Missing or invalid credentials.")
    parsed = getattr(handler, "parsed_scopes", None) or {}
    missing = [scope for scope in SCOPES if not has_scope(scope, parsed)]
    if missing:
        raise web.HTTPError(403, f"Action is not authorized with current scopes; requires all of [{', '.join(SCOPES)}]")
    if getattr(user, "kind", "user") == "user":
        message = await handler.authenticator.blocked_message(user.name)
        if message:
            raise web.HTTPError(403, f"Refused: {message}")
