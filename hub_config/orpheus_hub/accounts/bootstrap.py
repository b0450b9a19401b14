"""The bootstrap admin: an approved account created at start-up if missing."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from .models import APPROVED
from .store import AccountExists

if TYPE_CHECKING:
    from ..auth import OrpheusAuthenticator


def bootstrap_password_admin(auth: OrpheusAuthenticator) -> None:
    """Create ``auth.bootstrap_admin`` with a password if missing (a generated one is
    printed once); a configured password replaces the stored one at the next start."""
    name = auth.bootstrap_admin and auth.normalize_username(auth.bootstrap_admin)
    if not name:
        return
    account = auth.store.get(name)
    configured = auth.bootstrap_admin_password
    if account is None:
        password = configured or secrets.token_urlsafe(12)
        try:
            auth.store.create(name, None, "bootstrap", auth.clock.now(), auth.hasher.hash(password), status=APPROVED)
        except AccountExists:
            return
        if not configured:
            print(f"Orpheus admin account {name!r} created with password: {password}", flush=True)
        return
    if configured and account.password_hash is not None and not auth.hasher.verify(account.password_hash, configured):
        auth.store.set_password_hash(name, auth.hasher.hash(configured))
        auth.log.info("Bootstrap admin password updated from configuration")
