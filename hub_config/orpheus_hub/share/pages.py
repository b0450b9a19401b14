"""``/services/share/``: the signed-in page listing your shares (admins: everyone's), with revoke.

Hub OAuth login (``oauth_no_confirm``), so a browser user reaches it from the
hub without a second consent screen. GET only renders; revoking is a POST
carrying the hub's ``_xsrf`` token. Share links are not shown here: tokens are
stored only as hashes and shown once, when a share is created.
"""

from __future__ import annotations

import asyncio
from typing import Any

from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated, UserNotAllowed
from tornado import web

from .owner_api import require_active
from .store import iso
from .views import PublicHandler


class SignedInPage(HubOAuthenticated, PublicHandler):  # type: ignore[misc]
    """Hub OAuth cookie auth, resolved without blocking the event loop."""

    async def prepare(self) -> None:
        """Look the user up (cookie or token) once, asynchronously."""
        model = await self.hub_auth.get_user(self, sync=False)
        try:
            self.current_user = self.check_hub_user(model) if model else None
        except UserNotAllowed:
            self.current_user = None
        if self.current_user is not None:
            await require_active(self.share_app, str(self.current_user["name"]))

    @property
    def xsrf_value(self) -> str:
        """The hub-style xsrf token for our forms."""
        token = self.xsrf_token
        return token.decode("ascii") if isinstance(token, bytes) else str(token)


class MySharesPage(SignedInPage):
    """Signed-in users: their live shares; hub admins: ``?all=1`` shows everyone's."""

    @property
    def is_admin(self) -> bool:
        """Hub admins may see and revoke every share."""
        return bool(self.current_user.get("admin"))

    @web.authenticated
    async def get(self) -> None:
        """Render the list (never the tokens)."""
        everyone = self.get_query_argument("all", "") == "1" and self.is_admin
        owner = None if everyone else str(self.current_user["name"])
        shares = await asyncio.to_thread(self.share_app.shares.list, owner)
        rows: list[dict[str, Any]] = [s.to_model() for s in shares]
        self.page("mine.html", title="Your shares", rows=rows, everyone=everyone,
                  is_admin=self.is_admin, user=self.current_user["name"],
                  xsrf=self.xsrf_value, prefix=self.share_app.prefix,
                  now=iso(self.share_app.clock.now()))


class RevokeForm(SignedInPage):
    """``POST /mine/{id}/revoke`` from the page: owner or admin, hub xsrf token required."""

    @web.authenticated
    async def post(self, share_id: str) -> None:
        """Revoke, then go back to the list."""
        self.check_xsrf_cookie()
        app = self.share_app
        share = await asyncio.to_thread(app.shares.get, share_id)
        user = self.current_user
        if share is None or not (share.owner == user["name"] or user.get("admin")):
            raise web.HTTPError(404, f"no share {share_id!r} of yours")
        await app.revoke_share(share.id)
        self.log.info("Share %s revoked from the page by %s", share.id, user["name"])
        self.redirect(app.prefix + ("?all=1" if share.owner != user["name"] else ""))


default_handlers = [
    (r"", MySharesPage),
    (r"mine/([A-Za-z0-9_-]{1,32})/revoke", RevokeForm),
    (r"oauth_callback", HubOAuthCallbackHandler),
]
