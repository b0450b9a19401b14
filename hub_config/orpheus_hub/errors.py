"""The one error answer of the hub side's Tornado handlers (share service, LLM gateway, OAuth).

:class:`ErrorAnswers` is the only ``write_error`` on the hub side. It decides *what*
an error says: the text the :class:`tornado.web.HTTPError` was raised with, or, for
anything else, a fixed sentence (:attr:`ErrorAnswers.internal_error` for a 5xx, the
HTTP reason otherwise), so a traceback or an internal path never reaches a body.
Each base class says only *how* the answer looks by overriding
:meth:`ErrorAnswers.answer_error` (extra headers, an HTML page); the default is
``{"message", "reason"}`` JSON.
"""

from __future__ import annotations

import json
from http.client import responses
from typing import TYPE_CHECKING, Any

from tornado import web

if TYPE_CHECKING:
    _Handler = web.RequestHandler
else:
    _Handler = object

INTERNAL = "internal error; the service log has the details"


def http_error_text(exc: BaseException | None) -> str | None:
    """The message an HTTPError was raised with, formatted (``None`` for other exceptions).

    Tornado 6.6 doubles ``%`` in ``log_message`` when no arguments were given and
    formats it with ``get_message()``; older versions keep the raw template.
    """
    if not isinstance(exc, web.HTTPError) or not exc.log_message:
        return None
    get_message = getattr(exc, "get_message", None)
    if get_message is not None:
        text: str | None = get_message()
        return text
    return str(exc.log_message % exc.args if exc.args else exc.log_message)


def error_reason(status_code: int, exc: BaseException | None) -> str:
    """The HTTP reason of the answer: the HTTPError's own ``reason`` or the standard phrase."""
    if isinstance(exc, web.HTTPError) and exc.reason:
        return str(exc.reason)
    return responses.get(status_code, "Unknown")


def error_message(status_code: int, reason: str, exc: BaseException | None, internal: str = INTERNAL) -> str:
    """What an error answer says: the HTTPError's text, ``internal`` for a 5xx, else ``reason``."""
    text = http_error_text(exc)
    if text:
        return text
    return internal if status_code >= 500 else reason


class ErrorAnswers(_Handler):
    """Mixin ahead of ``RequestHandler``: every error answered by :meth:`answer_error`."""

    #: What a 5xx that is no HTTPError says (the details go to the log only).
    internal_error = INTERNAL

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Answer the error with its message; never a traceback or an internal path."""
        exc_info = kwargs.get("exc_info")
        exc = exc_info[1] if exc_info else None
        reason = error_reason(status_code, exc)
        self.answer_error(status_code, reason, error_message(status_code, reason, exc, self.internal_error))

    def answer_error(self, status_code: int, reason: str, message: str) -> None:
        """Write the error answer: ``{"message", "reason"}`` JSON (override for headers or HTML)."""
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": message, "reason": reason}))
