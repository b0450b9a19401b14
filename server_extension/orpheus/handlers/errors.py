"""The one JSON error shape of every Orpheus handler: ``{"message", "reason"}``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tornado import web

INTERNAL = "internal error; the server log has the details"

if TYPE_CHECKING:
    _Handler = web.RequestHandler
else:
    _Handler = object


def http_error_text(exc: web.HTTPError) -> str | None:
    """The message of an HTTPError as written: its ``log_message`` formatted with its arguments.

    ``HTTPError.get_message`` (tornado 6.5) is the public way; ``log_message`` itself has
    ``%`` doubled when no arguments were given (tornado 6.6).
    """
    return exc.get_message()


def error_model(status_code: int, reason: str, exc: BaseException | None) -> dict[str, Any]:
    """``{"message", "reason"}`` for an answer; a 5xx that is no HTTPError says nothing more."""
    message: str | None = reason
    if isinstance(exc, web.HTTPError):
        message = http_error_text(exc) or reason
        reason = exc.reason or reason
    elif status_code >= 500:
        message = INTERNAL
    return {"message": message, "reason": reason}


class JSONErrors(_Handler):
    """Mixin, ahead of tornado's ``RequestHandler``: errors as JSON, never a traceback or path."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Answer the error as ``{"message", "reason"}``."""
        exc_info = kwargs.get("exc_info")
        model = error_model(status_code, self._reason, exc_info[1] if exc_info else None)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(model))
