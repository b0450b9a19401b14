"""Configuration of the extension app: secrets are read when a client is built, not at
import (so ``--help-all`` cannot print them), and every manager is a replaceable
``*_class`` trait."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from orpheus.hub_client import HubClient
from orpheus.projects import ProjectManager
from orpheus.shares.client import ShareClient

SECRET = "hub-token-that-must-not-be-printed-4f1c"


def test_orpheus_help_all_does_not_print_the_hub_token(tmp_path: Path) -> None:
    env = {**os.environ, "JUPYTERHUB_API_TOKEN": SECRET, "JUPYTERHUB_API_URL": "http://hub.invalid/",
           "JUPYTER_CONFIG_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", "from orpheus.app import OrpheusApp; OrpheusApp.launch_instance()",
         "--help-all"],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    # the help does describe the clients' traits
    assert "HubClient.api_token" in out
    assert "ShareClient.api_token" in out
    assert SECRET not in out


def test_clients_read_their_environment_when_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", SECRET)
    monkeypatch.setenv("JUPYTERHUB_API_URL", "http://hub.invalid/hub/api")
    client = HubClient()
    assert client.api_token == SECRET
    assert client.api_url == "http://hub.invalid/hub/api"
    assert client.enabled
    monkeypatch.setenv("ORPHEUS_SHARE_URL", "http://share.invalid/services/share/")
    assert ShareClient().api_token == SECRET
    assert ShareClient().service_url == "http://share.invalid/services/share/"
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN")
    assert not HubClient().enabled
    assert not ShareClient().enabled


class StubHubClient(HubClient):
    """Reports a fixed account, as an operator's replacement client might."""

    async def get_account(self) -> dict[str, Any] | None:
        """A fixed account."""
        return {"state": "from-the-replacement-client"}


class TaggedProjectManager(ProjectManager):
    """Marks every project it lists."""

    async def list(self) -> list[dict[str, Any]]:
        """The projects, each tagged."""
        return [{**p, "tagged": True} for p in await super().list()]


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    """Two managers replaced through configuration."""
    return {
        "ServerApp": {"jpserver_extensions": {"orpheus": True}},
        "OrpheusApp": {"hub_client_class": StubHubClient,
                       "project_manager_class": f"{__name__}.TaggedProjectManager"},
    }


async def test_configured_manager_classes_take_effect(jp_fetch: Any) -> None:
    r = await jp_fetch("orpheus", "api", "info")
    assert json.loads(r.body)["account"] == {"state": "from-the-replacement-client"}
    await jp_fetch("orpheus", "api", "projects", method="POST", body=json.dumps({"name": "p1"}))
    r = await jp_fetch("orpheus", "api", "projects")
    projects = json.loads(r.body)["projects"]
    assert [p["tagged"] for p in projects] == [True]
