"""The base handler of the gateway: typed access to the app, caller authentication,
JSON errors without tracebacks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel
from tornado import web

from ...bodies import parse_body
from ...service_handlers import Health, JSONHandler, NotFound
from ..auth import Caller, GatewayAuthError, token_from_headers
from ..quotas import QuotaExceeded

if TYPE_CHECKING:
    from ..app import LLMGateway

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class GatewayHandler(JSONHandler):
    """Every gateway handler: token auth (no cookies, so no XSRF), ``{"message", "reason"}`` errors
    (:class:`orpheus_hub.errors.ErrorAnswers`)."""

    caller: Caller | None = None
    retry_after = 0
    internal_error = "Internal error in the LLM gateway; its log has the details."

    @property
    def gateway(self) -> LLMGateway:
        """The running gateway application."""
        app: LLMGateway = self.settings["gateway"]
        return app

    def check_xsrf_cookie(self) -> None:
        """Token-authenticated API: cookies are never consulted, so XSRF does not apply."""

    async def authenticate(self, gateway_token_ok: bool = False) -> Caller:
        """The caller, or an error answer (401/403/502) raised as :class:`web.HTTPError`.

        Gateway-only tokens pass only where ``gateway_token_ok`` (the model routes).
        """
        try:
            token = token_from_headers(self.request.headers)
            self.caller = await self.gateway.auth.identify(token, gateway_token_ok)
        except GatewayAuthError as e:
            raise web.HTTPError(e.status, "%s", e.message) from None
        self.rate_limit(self.caller)
        return self.caller

    def rate_limit(self, caller: Caller) -> None:
        """Count this request in the caller's rolling minute (every route); 429 past the limit."""
        gw = self.gateway
        try:
            gw.quotas.admit(caller.name, gw.quotas.limits(caller.state, gw.overrides.get(caller.name)))
        except QuotaExceeded as e:
            self.retry_after = e.retry_after  # send_error clears headers: set in answer_error
            raise web.HTTPError(429, "%s", e.message) from None

    async def require_admin(self) -> Caller:
        """The caller if they are a hub admin, else 403."""
        caller = await self.authenticate()
        if not caller.is_admin:
            raise web.HTTPError(403, "Only administrators may do this.")
        return caller

    async def in_db(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a (short, synchronous) database call on the gateway's database thread."""
        return await self.gateway.run_db(fn, *args)

    def parse(self, model: type[M]) -> M:
        """The JSON body as ``model``; any problem is a 400 naming the field."""
        return parse_body(self.request.body, model)

    def answer_error(self, status_code: int, reason: str, message: str) -> None:
        """``{"message", "reason"}``, with ``Retry-After`` after a rate limit."""
        if self.retry_after:
            self.set_header("Retry-After", str(self.retry_after))
        super().answer_error(status_code, reason, message)


class HealthHandler(Health, GatewayHandler):
    """``GET /services/llm/`` and ``/health``: public on purpose (says only that it runs)."""


class NotFoundHandler(NotFound, GatewayHandler):
    """Anything else under the prefix: a 404 naming the path's shape, not the file system."""

    not_found_message = "No such endpoint in the LLM gateway."
