"""Shared pieces of the credential tests: a key, a fake authenticator, a sample set."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from cryptography.fernet import Fernet
from traitlets import Unicode
from traitlets.config import Config, LoggingConfigurable

KEY = Fernet.generate_key().decode()
SECRET = "s3cr3t-Value-" + "Zq9" * 6  # a value that appears nowhere but where it is sealed


class FakeAuthenticator(LoggingConfigurable):  # type: ignore[misc]
    """What the vault and the delivery read from the authenticator: db_url, account states."""

    db_url = Unicode("")

    def __init__(self, db_url: str, files_dir: str, key: str = KEY, states: dict[str, str] | None = None) -> None:
        config = Config({"CredentialVault": {"key": key, "files_dir": files_dir}})
        super().__init__(config=config, db_url=db_url)
        self.states = states or {}

    async def account_state(self, name: str) -> tuple[None, str]:
        """(record, state): ``states`` or approved."""
        return None, self.states.get(name, "approved")


def fake_spawner(authenticator: FakeAuthenticator, name: str, groups: list[str], **extra: Any) -> Any:
    """Enough of a spawner for ``delivery``: user (name, groups), authenticator, log."""
    user = SimpleNamespace(name=name, groups=[SimpleNamespace(name=g) for g in groups])
    return SimpleNamespace(user=user, authenticator=authenticator, log=authenticator.log, **extra)
