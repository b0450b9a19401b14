"""``CredentialVault``: the settings of the credential sets and the store they open.

One vault per hub, built on first use from the authenticator (``vault_for``), so the
admin handlers and the spawner share it. Without a valid ``key`` the feature is off:
``disabled_reason`` says why, the admin page and API answer 409 with it, and no set is
stored or delivered.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any

from traitlets import Unicode, default
from traitlets.config import LoggingConfigurable

from .crypto import KEY_VARIABLE, KeyProblem, Sealer, parse_keys
from .store import CredentialStore

_ATTRIBUTE = "_orpheus_credential_vault"


class CredentialVault(LoggingConfigurable):  # type: ignore[misc]
    """Operator-defined research credentials, sealed at rest and delivered at server start."""

    key = Unicode(
        help="Fernet key(s) sealing the credential values, comma-separated (the first seals, "
        f"all open); default: the hub's {KEY_VARIABLE} environment variable. Empty: credential "
        "sets are off."
    ).tag(config=True)
    db_url = Unicode(
        "", help="SQLAlchemy URL of the database holding the sets; empty: the accounts database "
        "(OrpheusAuthenticator.db_url)."
    ).tag(config=True)
    files_dir = Unicode(
        help="Host folder of the per-user credential files the hub writes at each server start "
        "and mounts read-only at ~/.credentials (default: ORPHEUS_DATA_DIR/credentials)."
    ).tag(config=True)

    @default("key")
    def _default_key(self) -> str:
        return os.environ.get(KEY_VARIABLE, "")

    @default("files_dir")
    def _default_files_dir(self) -> str:
        return str(Path(os.environ.get("ORPHEUS_DATA_DIR", "data")).resolve() / "credentials")

    @cached_property
    def _keys(self) -> list[bytes] | str:
        """The parsed keys, or why there are none."""
        try:
            return parse_keys(self.key)
        except KeyProblem as e:
            return str(e)

    @property
    def enabled(self) -> bool:
        """Whether a valid key is configured."""
        return not isinstance(self._keys, str)

    @property
    def disabled_reason(self) -> str:
        """The sentence the page and API answer while the feature is off."""
        keys = self._keys
        detail = keys if isinstance(keys, str) else ""
        return (f"Credential sets are off: {detail}. Set {KEY_VARIABLE} in the hub's environment "
                "and restart the hub (see docs/credentials.md).")

    @cached_property
    def store(self) -> CredentialStore:
        """The store, migrated on first use; only while ``enabled``."""
        keys = self._keys
        if isinstance(keys, str):
            raise RuntimeError(self.disabled_reason)
        db_url = self.db_url or str(getattr(self.parent, "db_url", "") or "")
        if not db_url:
            raise RuntimeError("CredentialVault.db_url is empty and the authenticator has no db_url")
        store = CredentialStore(db_url, Sealer(keys))
        store.migrate()
        return store


def vault_for(authenticator: Any) -> CredentialVault:
    """The hub's vault (configured as ``c.CredentialVault``), made on first use."""
    vault = getattr(authenticator, _ATTRIBUTE, None)
    if vault is None:
        vault = CredentialVault(parent=authenticator, log=authenticator.log)
        setattr(authenticator, _ATTRIBUTE, vault)
        if not vault.enabled:
            vault.log.info("%s", vault.disabled_reason)
    return vault
