"""One real hub (with the real ``share`` service and real user servers) for all share tests."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.harness.hub import Hub, make_hub
from tests.harness.ports import free_port

from .content import make_project

MAX_SNAPSHOT = 2_000_000
MAX_USER = 6_000_000

SERVICE_CONFIG = """
c.ShareService.clock_offset_file = {clock!r}
c.ShareService.max_snapshot_bytes = {max_snapshot}
c.ShareService.max_user_bytes = {max_user}
c.ShareService.expired_retention_hours = 24
c.ShareService.purge_interval_seconds = 0.5
"""


@dataclass
class ShareEnv:
    """The running hub, the users' tokens and server URLs, and helpers for the service."""

    hub: Hub
    clock: Path
    tokens: dict[str, str]
    servers: dict[str, str]

    @property
    def service(self) -> str:
        """Public base URL of the share service (through the proxy)."""
        return f"{self.hub.url}/services/share/"

    @property
    def store(self) -> Path:
        """The service's snapshot folder."""
        return self.hub.data_dir / "shares"

    def root(self, user: str) -> Path:
        """A user's Jupyter root (their home under the data folder)."""
        return self.hub.data_dir / "users" / user

    def as_user(self, user: str | None, method: str, path: str, **kw: Any) -> requests.Response:
        """Call the share service directly, with ``user``'s hub token or anonymously."""
        headers = kw.pop("headers", {})
        if user:
            headers["Authorization"] = f"token {self.tokens[user]}"
        return requests.request(method, self.service + path, headers=headers, timeout=60, **kw)

    def server(self, user: str, method: str, path: str, token_of: str | None = None, **kw: Any) -> requests.Response:
        """Call ``user``'s server Orpheus API (with ``token_of``'s token, default their own)."""
        who = token_of or user
        headers = {"Authorization": f"token {self.tokens[who]}"} if who != "-" else {}
        return requests.request(method, f"{self.servers[user]}orpheus/api/{path}", headers=headers,
                                timeout=120, **kw)

    def set_clock(self, seconds: float) -> None:
        """Move the service's clock (expiry) by ``seconds``."""
        self.clock.write_text(str(seconds))


def _wait_for_service(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "health", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise TimeoutError("share service did not come up")


@pytest.fixture(scope="package")
def share_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShareEnv]:
    """Hub + share service; users alice and bob with running servers; admin with a token."""
    data = Path(tmp_path_factory.mktemp("share-hub"))
    clock = data / "share-clock"
    clock.write_text("0")
    config = data / "share_config.py"
    config.write_text(SERVICE_CONFIG.format(clock=str(clock), max_snapshot=MAX_SNAPSHOT, max_user=MAX_USER))
    env = {"ORPHEUS_SHARE_PORT": str(free_port()), "ORPHEUS_SHARE_CONFIG": str(config)}
    hub = make_hub(data, env=env)
    hub.start()
    try:
        share = ShareEnv(hub, clock, {}, {})
        _wait_for_service(share.service)
        for name in ("alice", "bob", "admin"):
            share.tokens[name] = hub.create_user(name)
        for name in ("alice", "bob"):
            share.servers[name] = hub.spawn(name)
        make_project(share.root("alice"))
        yield share
    finally:
        hub.stop()
