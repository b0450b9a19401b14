"""Placeholder authenticator for the skeleton; the accounts work replaces it."""

from __future__ import annotations

import secrets
from typing import Any

from jupyterhub.auth import Authenticator
from traitlets import Float, Unicode


class OrpheusAuthenticator(Authenticator):  # type: ignore[misc]
    """Skeleton: only the bootstrap admin can log in."""

    db_url = Unicode("sqlite:///orpheus.sqlite", help="SQLAlchemy URL of the Orpheus database.").tag(config=True)
    trial_hours = Float(24.0, help="Length of a new account's trial, in hours.").tag(config=True)
    bootstrap_admin = Unicode("admin", help="Admin account created at start-up.").tag(config=True)
    bootstrap_admin_password = Unicode("", help="Its password; generated and printed once if empty.").tag(config=True)

    async def authenticate(self, handler: Any, data: dict[str, str]) -> str | None:
        if data.get("username") == self.bootstrap_admin and secrets.compare_digest(
            data.get("password", ""), self.bootstrap_admin_password
        ) and self.bootstrap_admin_password:
            return self.bootstrap_admin
        return None
