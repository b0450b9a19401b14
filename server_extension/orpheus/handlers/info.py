"""``GET /orpheus/api/info``: extension version and the user's account state."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from .. import __version__
from . import resources
from .base import API_PREFIX, OrpheusHandler


class InfoHandler(OrpheusHandler):
    """What this server runs and how the hub sees its user."""

    auth_resource = resources.INFO

    @web.authenticated
    @authorized
    async def get(self) -> None:
        account = await self.orpheus.hub_client.get_account()
        user = self.current_user
        self.write_json(
            {
                "version": __version__,
                "user": getattr(user, "username", None) or getattr(user, "name", None),
                "account": account,
            }
        )


default_handlers = [(rf"{API_PREFIX}/info", InfoHandler)]
