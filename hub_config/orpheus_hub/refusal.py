"""The one shape of a refusal raised below the hub side's handlers.

Domain code (snapshot intake, the gateway's authentication and quotas, the sign-up
form) raises a :class:`Refusal` subclass without depending on Tornado; the handler
that called it answers with ``status`` and ``message`` (see :mod:`orpheus_hub.errors`).
"""

from __future__ import annotations


class Refusal(Exception):
    """A request refused: the HTTP ``status`` to answer with and a ``message`` safe to show."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
