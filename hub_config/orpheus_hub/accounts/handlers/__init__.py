"""Hub routes of the accounts: sign-up, the approvals page, the admin REST API."""

from __future__ import annotations

from typing import Any

from ...credentials.handlers import default_handlers as credential_handlers
from . import api, approvals, signup

default_handlers: list[tuple[str, Any]] = [
    *signup.default_handlers,
    *approvals.default_handlers,
    *api.default_handlers,
    *credential_handlers,  # research credentials (docs/credentials.md)
]
