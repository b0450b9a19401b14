"""Encoded dot segments through the real proxy never reach a parent resource (issue 13, item 12).

The hub's proxy normalizes ``notes/%2e%2e`` to ``projects/<name>/`` before the
user server sees it; a ``DELETE`` there used to trash the whole project. Through
a real hub and its proxy, every such request is now a 400 and nothing moves.
"""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest
import requests

from tests.harness.hub import Hub

pytestmark = [pytest.mark.slow]


def _raw(hub: Hub, method: str, path: str, token: str) -> tuple[int, bytes]:
    """Send ``path`` exactly as written (no client-side normalization of dot segments)."""
    conn = http.client.HTTPConnection(urlsplit(hub.url).netloc, timeout=30)
    try:
        body = b"{}" if method in ("POST", "PUT", "PATCH") else None
        conn.request(method, path, body=body, headers={"Authorization": f"token {token}"})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def test_encoded_dot_segments_through_the_proxy_are_refused(hub: Hub) -> None:
    token = hub.create_user("dots")
    base = hub.spawn("dots")
    auth = {"Authorization": f"token {token}"}
    r = requests.post(base + "orpheus/api/projects", json={"name": "keep"}, headers=auth, timeout=30)
    assert r.status_code == 201, r.text
    r = requests.post(base + "orpheus/api/projects/keep/notes", json={"title": "Plan", "body": "x"},
                      headers=auth, timeout=30)
    assert r.status_code == 201, r.text
    prefix = urlsplit(base).path + "orpheus/api"
    attempts = [
        ("DELETE", "/projects/keep/notes/%2e%2e"),
        ("DELETE", "/projects/keep/notes/%2E%2E"),
        ("DELETE", "/projects/keep/notes/plan/%2e%2e"),
        ("DELETE", "/projects/keep/dashboards/%2e%2e"),
        ("DELETE", "/projects/keep/video/renders/%2e%2e"),
        ("DELETE", "/sessions/0123456789ab/%2e%2e"),
        ("DELETE", "/trash/keep-20260101T000000000000Z/%2e%2e"),
        ("PATCH", "/projects/keep/notes/%2e%2e"),
        ("PUT", "/projects/keep/notes/%2e%2e"),
        ("POST", "/projects/keep/notes/plan/%2e%2e"),
        ("GET", "/projects/keep/notes/%2e%2e"),
    ]
    for method, path in attempts:
        status, body = _raw(hub, method, prefix + path, token)
        assert status == 400, (method, path, status, body[:300])
        assert "never end in '/'" in json.loads(body)["message"], body
    project = hub.data_dir / "users" / "dots" / "projects" / "keep"
    assert (project / ".project.json").is_file()
    assert (project / "notes" / "plan.md").is_file()
    r = requests.get(base + "orpheus/api/trash", headers=auth, timeout=30)
    assert r.json()["trash"] == []
    r = requests.get(base + "orpheus/api/projects/keep/notes", headers=auth, timeout=30)
    assert [n["id"] for n in r.json()["notes"]] == ["plan"]


def test_invalid_utf8_escape_through_the_proxy_is_a_400(hub: Hub) -> None:
    """configurable-http-proxy itself answered 500 (URIError in its decodeURIComponent);
    the hub runs it behind a guard (orpheus_hub/proxy_guard.cjs) that answers 400."""
    token = hub.create_user("dots-utf8")
    base = hub.spawn("dots-utf8")
    for path in (urlsplit(base).path + "orpheus/api/sessions/%C0%AE", "/hub/%C0%AE", "/%E0%A4%A"):
        status, body = _raw(hub, "GET", path, token)
        assert status == 400, (path, status, body[:300])
        assert b"not valid percent-encoded UTF-8" in body
    status, _ = _raw(hub, "GET", urlsplit(base).path + "orpheus/api/sessions", token)
    assert status == 200
