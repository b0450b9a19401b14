"""The one shape of a refusal raised below the user server's handlers.

A :class:`Refusal` is a :class:`tornado.web.HTTPError` (the way the rest of the user
server refuses, also from worker threads), so left alone it is answered with its
message by jupyter_server, and code that relays it reads ``status`` and ``message``.
"""

from __future__ import annotations

from tornado import web


class Refusal(web.HTTPError):
    """A request refused: the HTTP ``status`` to answer with and a ``message`` safe to show."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, "%s", message)
        self.message = message

    @property
    def status(self) -> int:
        """The HTTP status (``status_code``)."""
        return self.status_code
