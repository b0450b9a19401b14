"""The base class every Orpheus REST handler derives from."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from tornado import web

if TYPE_CHECKING:
    from ..app import OrpheusApp

API_PREFIX = "/orpheus/api"


def _refuse_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; JSON does not, and they break numbers later.
    raise ValueError(f"{name} is not a JSON number")


class OrpheusHandler(ExtensionHandlerMixin, APIHandler):  # type: ignore[misc]
    """JSON API handler: Jupyter auth, ``{"message", "reason"}`` errors, no tracebacks.

    Subclasses set ``auth_resource`` and decorate every method with
    ``@web.authenticated`` and ``@authorized``, like jupyter_server's own handlers.
    """

    auth_resource = "orpheus"

    @property
    def orpheus(self) -> OrpheusApp:
        """The running extension app (typed access to managers and settings)."""
        return cast("OrpheusApp", self.extensionapp)

    def get_json_object(self) -> dict[str, Any]:
        """Parse the request body as a JSON object, or answer 400 saying why not."""
        try:
            body = json.loads(self.request.body or b"{}", parse_constant=_refuse_constant)
        except (ValueError, UnicodeDecodeError) as e:
            raise web.HTTPError(400, f"request body is not valid JSON: {e}") from None
        if not isinstance(body, dict):
            raise web.HTTPError(400, "request body must be a JSON object")
        return body

    def write_json(self, model: Any, status: int = 200) -> None:
        """Answer with a JSON document."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(model, default=str))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Errors are ``{"message", "reason"}``; a 5xx never carries a traceback or a path."""
        self.set_header("Content-Type", "application/json")
        reason = self._reason
        message = reason
        exc_info = kwargs.get("exc_info")
        if exc_info:
            exc = exc_info[1]
            if isinstance(exc, web.HTTPError):
                if exc.log_message:
                    message = exc.log_message % exc.args if exc.args else exc.log_message
                reason = exc.reason or reason
        if status_code >= 500 and not (exc_info and isinstance(exc_info[1], web.HTTPError)):
            message = "internal error; the server log has the details"
        self.finish(json.dumps({"message": message, "reason": reason}))
