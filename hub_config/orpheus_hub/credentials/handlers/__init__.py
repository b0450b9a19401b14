"""Hub routes of the credential sets: the admin REST API and the admin page."""

from __future__ import annotations

from typing import Any

from . import api, page

default_handlers: list[tuple[str, Any]] = [*api.default_handlers, *page.default_handlers]
