"""Under a real hub, every user server runs the Orpheus contents manager and projects API."""

from __future__ import annotations

import base64
import os

import pytest
import requests

from tests.harness.hub import Hub

pytestmark = [pytest.mark.slow]


def test_spawned_server_uses_orpheus_contents_manager(hub: Hub) -> None:
    token = hub.create_user("contents")
    base = hub.spawn("contents")
    auth = {"Authorization": f"token {token}"}
    home = hub.data_dir / "users" / "contents"

    # A fake PNG through the standard contents API: refused by magic bytes, nothing written.
    fake = {"type": "file", "format": "base64", "content": base64.b64encode(b"plain text").decode()}
    r = requests.put(base + "api/contents/fake.png", json=fake, headers=auth, timeout=30)
    assert r.status_code == 415, r.text
    assert "does not look like a .png file" in r.json()["message"]
    assert not (home / "fake.png").exists()

    # A link out of the user's folder is refused.
    os.symlink("/etc", home / "etc-link")
    r = requests.get(base + "api/contents/etc-link/hostname", headers=auth, timeout=30)
    assert r.status_code == 403, r.text
    assert "outside your Jupyter root" in r.json()["message"]

    # Projects land in the user's own folder, where the file browser shows them.
    r = requests.post(base + "orpheus/api/projects", json={"name": "Hub Project"}, headers=auth, timeout=30)
    assert r.status_code == 201, r.text
    assert (home / "projects" / "hub-project" / ".project.json").is_file()
    r = requests.get(base + "api/contents/projects", headers=auth, timeout=30)
    assert [m["name"] for m in r.json()["content"]] == ["hub-project"]
