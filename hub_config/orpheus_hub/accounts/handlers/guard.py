"""The caller of an Orpheus route must still be allowed in: a revoked, expired or deleted
account's token or cookie is refused here, even before the enforcement sweep deletes it.

The hub itself signs a blocked browser out on its next account check
(``OrpheusAuthenticator.refresh_user``), after which the request has no user at all and
would only be told "missing credentials". The login cookie still names the user, so it
is read (without that refresh) to refuse them with the reason instead.
"""

from __future__ import annotations

from typing import Any

from tornado import web


def signed_out_owner(handler: Any) -> Any:
    """The user the login cookie names when the hub has signed them out, else None."""
    try:
        user = handler.get_current_user_cookie()
    except Exception:  # an unreadable cookie names nobody
        return None
    return user if user is not None and getattr(user, "kind", "user") == "user" else None


async def refuse_blocked_caller(handler: Any) -> None:
    """403 with the reason when the requesting *user* is blocked (services pass through)."""
    user = handler.current_user
    if user is None:
        user = signed_out_owner(handler)
    if user is None or getattr(user, "kind", "user") != "user":
        return
    message = await handler.authenticator.blocked_message(user.name)
    if message:
        raise web.HTTPError(403, f"Refused: {message}")
