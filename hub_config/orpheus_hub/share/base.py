"""Base handler of the share service: typed access to the app, safe errors, headers."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, cast

from ..service_handlers import Health, JSONHandler, NotFound
from . import security

if TYPE_CHECKING:
    from .app import ShareService


_TOKEN_IN_PATH = re.compile(r"(/s/)[^/]+")


def mask_tokens(path: str) -> str:
    """``path`` with the share token after ``/s/`` replaced: links are secrets, keep them out of logs."""
    return _TOKEN_IN_PATH.sub(r"\1[token]", path)


class ShareHandler(JSONHandler):
    """Common base: ``self.share_app``, nosniff + CSP on everything, JSON errors
    (:class:`orpheus_hub.errors.ErrorAnswers`)."""

    @property
    def share_app(self) -> ShareService:
        """The running service (traitlets, stores, clock, templates)."""
        return cast("ShareService", self.settings["share_service"])

    @property
    def log(self) -> logging.Logger:
        """The service's logger."""
        logger: logging.Logger = self.share_app.log
        return logger

    def _request_summary(self) -> str:
        # Used by tornado's error logging: the path without its token or query string.
        return f"{self.request.method} {mask_tokens(self.request.path)} ({self.request.remote_ip})"

    def set_default_headers(self) -> None:
        """Every answer is nosniff with a restrictive CSP; pages replace it with their own."""
        security.apply_common(self, security.api_csp())

    def answer_error(self, status_code: int, reason: str, message: str) -> None:
        """``{"message", "reason"}`` under the API headers, never as a download."""
        self.clear_header("Content-Disposition")
        security.apply_common(self, security.api_csp())
        super().answer_error(status_code, reason, message)


class HealthHandler(Health, ShareHandler):
    """``GET /health``: PUBLIC on purpose (no user data), for probes and the test harness."""


class NotFoundHandler(NotFound, ShareHandler):
    """Every path the service does not serve: a JSON 404 with the usual headers."""

    not_found_message = "no such page in the share service"
