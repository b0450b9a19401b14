"""``GET /orpheus/api/llm``: whether AI features are available here, with which model, and
the user's gateway usage and limits today (so the Lab UI needs no token of its own).

``enabled`` is false, with ``message`` saying why in plain words, when this server has no
gateway or the gateway has no model key; the Lab shows AI as off before anyone types."""

from __future__ import annotations

import json
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPRequest

from ...handlers import resources
from ...handlers.base import API_PREFIX, OrpheusHandler


class LLMStatusHandler(OrpheusHandler):
    """Provider, model and usage; ``usage`` is ``null`` when the gateway cannot say."""

    auth_resource = resources.LLM

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """The status document."""
        llm = self.orpheus.llm
        enabled, message = await llm.availability()
        doc: dict[str, Any] = {"enabled": enabled, "message": message, "provider": llm.provider,
                               "model": llm.model, "usage": None}
        if enabled:
            doc["usage"] = await self.usage(llm.gateway_url.rstrip("/") + "/api/usage", llm.api_token)
        self.write_json(doc)

    async def usage(self, url: str, token: str) -> dict[str, Any] | None:
        """The gateway's ``/api/usage`` for this server's owner, or ``None``."""
        req = HTTPRequest(url, headers={"Authorization": f"Bearer {token}"}, request_timeout=10)
        try:
            resp = await AsyncHTTPClient().fetch(req, raise_error=False)
            body = json.loads(resp.body or b"null")
        except (OSError, ValueError):
            return None
        if not isinstance(body, dict):
            return None
        if resp.code != 200:
            return {"error": str(body.get("message", f"the gateway answered {resp.code}"))[:300]}
        return body


default_handlers = [
    (rf"{API_PREFIX}/llm", LLMStatusHandler),
]
