"""The skeleton end to end: real hub, real proxy, a real user server with the extension."""

from __future__ import annotations

import pytest
import requests

from tests.harness.hub import Hub

pytestmark = [pytest.mark.slow]


def test_spawned_server_serves_lab_and_orpheus_info(hub: Hub) -> None:
    token = hub.create_user("skel")
    base = hub.spawn("skel")
    auth = {"Authorization": f"token {token}"}
    lab = requests.get(base + "lab", headers=auth, timeout=30)
    assert lab.status_code == 200
    assert "JupyterLab" in lab.text
    info = requests.get(base + "orpheus/api/info", headers=auth, timeout=30)
    assert info.status_code == 200, info.text
    assert info.json()["user"] == "skel"
