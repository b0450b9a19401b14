"""Share links end to end: real hub, real share service, real user servers, anonymous viewers."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlparse

import pytest
import requests

from .conftest import ShareEnv
from .content import REPLAY_TEXT, SCRIPT_MARKER

pytestmark = [pytest.mark.slow]

TARGETS = {
    "session": "projects/demo/sessions/s1",
    "notebook": "projects/demo/nb.ipynb",
    "dashboard": "projects/demo/dashboards/d1.json",
    "file": "projects/demo/data/report.csv",
}


def anonymous(url: str) -> requests.Response:
    """GET with no cookies and no token."""
    return requests.get(url, timeout=60, allow_redirects=False)


def assert_public_headers(r: requests.Response) -> None:
    assert r.headers["X-Content-Type-Options"] == "nosniff", r.url
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp, (r.url, csp)
    scripts = csp.split("script-src")[1].split(";")[0] if "script-src" in csp else ""
    # Inline scripts are allowed only inside an opaque-origin sandbox.
    assert "unsafe-inline" not in scripts or csp.startswith("sandbox"), (r.url, csp)


def create(env: ShareEnv, kind: str, **extra: Any) -> dict[str, Any]:
    r = env.server("alice", "POST", "shares", json={"kind": kind, "target": TARGETS[kind], **extra})
    assert r.status_code == 201, r.text
    model: dict[str, Any] = r.json()
    assert model["url"].startswith(env.hub.url + "/services/share/s/")
    return model


@pytest.fixture(scope="module")
def shares(share_env: ShareEnv) -> dict[str, dict[str, Any]]:
    return {kind: create(share_env, kind) for kind in TARGETS}


def test_each_kind_is_public_read_only_with_security_headers(shares: dict[str, dict[str, Any]]) -> None:
    expected = {"session": ["Demo session", "hello.py", "notes.md", "sub/deep.txt", "recording.cast"],
                "notebook": ["nb", "/render", "sandbox=\"allow-scripts\""],
                "dashboard": ["Regional dashboard", "/render"],
                "file": ["report.csv", "alpha", "beta"]}
    for kind, model in shares.items():
        r = anonymous(model["url"])
        assert r.status_code == 200, (kind, r.text)
        assert_public_headers(r)
        for text in expected[kind]:
            assert text in r.text, (kind, text)
    session_page = anonymous(shares["session"]["url"]).text
    assert ".claude" not in session_page
    assert "settings.local.json" not in session_page
    assert "secret-token-never-shared" not in session_page


def test_session_previews_downloads_and_recording(shares: dict[str, dict[str, Any]]) -> None:
    base = shares["session"]["url"] + "/"
    code = anonymous(base + "files/hello.py")
    assert code.status_code == 200
    assert 'class="highlight"' in code.text
    assert "greet" in code.text
    md = anonymous(base + "files/notes.md")
    assert "<h1>Notes</h1>" in md.text
    assert "<em>text</em>" in md.text
    assert f'src="{urlparse(base).path}raw/pixel.png"' in md.text  # relative image shown inline
    assert "<script>alert" not in md.text
    assert "onerror" not in md.text
    table = anonymous(base + "files/table.csv")
    assert "page 1 of 3" in table.text
    assert "<td>c0</td>" in table.text
    assert "<td>c60</td>" not in table.text
    assert "<video" in anonymous(base + "files/clip.mp4").text
    clip = requests.get(base + "raw/clip.mp4", headers={"Range": "bytes=0-99"}, timeout=30)
    assert clip.status_code == 206
    assert len(clip.content) == 100
    assert clip.headers["Content-Range"] == "bytes 0-99/1036"
    assert clip.headers["Content-Type"] == "video/mp4"
    bad_range = requests.get(base + "raw/clip.mp4", headers={"Range": "bytes=5000-"}, timeout=30)
    assert bad_range.status_code == 416
    sheet = anonymous(base + "files/sheet.xlsx")
    assert "<th>region</th>" in sheet.text
    assert "<td>south</td>" in sheet.text
    assert anonymous(base + "files/table.csv?page=abc").status_code == 200  # bad page: the first
    page2 = anonymous(base + "files/table.csv?page=2")
    assert "<td>c60</td>" in page2.text
    image_page = anonymous(base + "files/pixel.png")
    assert "raw/pixel.png" in image_page.text
    image = anonymous(base + "raw/pixel.png")
    assert image.status_code == 200
    assert image.headers["Content-Type"] == "image/png"
    assert "sandbox" in image.headers["Content-Security-Policy"]
    assert anonymous(base + "raw/hello.py").status_code == 404  # never served inline
    download = anonymous(base + "download/sub/deep.txt")
    assert download.status_code == 200
    assert download.content == b"deep file\n"
    assert download.headers["Content-Disposition"].startswith("attachment")
    cast = anonymous(base + "recording.cast")
    assert cast.status_code == 200
    assert REPLAY_TEXT in cast.text
    assert cast.headers["Content-Disposition"].startswith("attachment")
    for r in (code, md, table, image, download, cast, anonymous(base + "files/nope.txt")):
        assert_public_headers(r)
    assert anonymous(base + "files/..%2F..%2Fshares.sqlite").status_code == 404
    assert anonymous(base + "download/.claude/settings.local.json").status_code == 404


def test_notebook_and_dashboard_render_sandboxed(shares: dict[str, dict[str, Any]]) -> None:
    nb = anonymous(shares["notebook"]["url"] + "/render")
    assert nb.status_code == 200
    assert SCRIPT_MARKER in nb.text
    assert "Shared notebook title" in nb.text
    csp = nb.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox allow-scripts;")
    assert "allow-same-origin" not in csp
    assert "connect-src 'none'" in csp
    dl = anonymous(shares["notebook"]["url"] + "/download/notebook.ipynb")
    assert dl.status_code == 200
    assert dl.headers["Content-Disposition"].startswith("attachment")
    dash = anonymous(shares["dashboard"]["url"] + "/render")
    assert dash.status_code == 200
    assert "Sales by region" in dash.text
    assert "plotly.min.js" in dash.text
    assert "<strong>Bold note</strong>" in dash.text
    assert "<script>alert(1)" not in dash.text
    assert "allow-same-origin" not in dash.headers["Content-Security-Policy"]
    assert dash.headers["Content-Security-Policy"].startswith("sandbox allow-scripts;")
    plotly = anonymous(dash.url.split("/s/")[0] + "/static/plotly.min.js")
    assert plotly.status_code == 200
    assert plotly.headers["X-Content-Type-Options"] == "nosniff"


def test_refresh_replaces_content_behind_the_same_url(share_env: ShareEnv,
                                                      shares: dict[str, dict[str, Any]]) -> None:
    model = shares["session"]
    hello = share_env.root("alice") / "projects/demo/sessions/s1/hello.py"
    hello.write_text("def greet():\n    return 'version two'\n")
    r = share_env.server("alice", "POST", f"shares/{model['id']}/refresh")
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    page = anonymous(model["url"] + "/files/hello.py")
    assert "version two" in page.text
    assert "version one" not in page.text
    listed = share_env.server("alice", "GET", "shares").json()["shares"]
    assert model["id"] in {s["id"] for s in listed}
    assert all("token" not in s for s in listed)  # the token is shown once, at creation


def test_other_users_cannot_see_refresh_or_revoke(share_env: ShareEnv,
                                                  shares: dict[str, dict[str, Any]]) -> None:
    share_id = shares["file"]["id"]
    assert share_id not in {s["id"] for s in share_env.as_user("bob", "GET", "api/shares").json()["shares"]}
    assert share_env.as_user("bob", "GET", f"api/shares/{share_id}").status_code == 404
    assert share_env.as_user("bob", "DELETE", f"api/shares/{share_id}").status_code == 404
    assert share_env.as_user("bob", "POST", f"api/shares/{share_id}/refresh",
                             data=b"", headers={"Content-Type": "application/x-tar"}).status_code == 404
    assert share_env.as_user("bob", "GET", "api/shares?all=1").status_code == 403
    # Through bob's own server: the service knows it is bob.
    assert share_env.server("bob", "DELETE", f"shares/{share_id}").status_code == 404
    assert share_env.server("bob", "POST", f"shares/{share_id}/refresh").status_code == 404
    # Bob's token on alice's server: refused by the server itself.
    assert share_env.server("alice", "GET", "shares", token_of="bob").status_code == 403
    assert share_env.server("alice", "POST", "shares", token_of="bob",
                            json={"kind": "file", "target": TARGETS["file"]}).status_code == 403
    assert anonymous(shares["file"]["url"]).status_code == 200  # still alive


def test_anonymous_callers_are_refused(share_env: ShareEnv, shares: dict[str, dict[str, Any]]) -> None:
    share_id = shares["file"]["id"]
    for method, path in (("GET", "api/shares"), ("POST", "api/shares"),
                         ("DELETE", f"api/shares/{share_id}"), ("POST", f"api/shares/{share_id}/refresh")):
        r = share_env.as_user(None, method, path, data=b"x", allow_redirects=False)
        assert r.status_code == 403, (method, path, r.status_code)
        assert "authentication required" in r.json()["message"]
    assert share_env.server("alice", "POST", "shares", token_of="-",
                            json={"kind": "file", "target": TARGETS["file"]}).status_code == 403


def test_revoke_then_404_and_unknown_token_404(share_env: ShareEnv) -> None:
    model = create(share_env, "file")
    assert anonymous(model["url"]).status_code == 200
    r = share_env.server("alice", "DELETE", f"shares/{model['id']}")
    assert r.status_code == 204, r.text
    gone = anonymous(model["url"])
    assert gone.status_code == 404
    assert "does not exist or was revoked" in gone.text
    assert_public_headers(gone)
    unknown = anonymous(share_env.service + "s/" + "A" * 43)
    assert unknown.status_code == 404
    assert unknown.text == gone.text  # revoked and unknown are indistinguishable
    assert not (share_env.store / model["id"]).exists()
    token = model["url"].rstrip("/").rsplit("/s/", 1)[1]
    log = share_env.hub.log_text()
    assert "/s/[token]" in log  # the share service logs its requests ...
    assert token not in log  # ... with the link's token masked


def test_admin_lists_everyone_and_revokes(share_env: ShareEnv) -> None:
    model = create(share_env, "file")
    everyone = share_env.as_user("admin", "GET", "api/shares?all=1")
    assert everyone.status_code == 200, everyone.text
    assert model["id"] in {s["id"] for s in everyone.json()["shares"]}
    assert share_env.as_user("admin", "DELETE", f"api/shares/{model['id']}").status_code == 204
    assert anonymous(model["url"]).status_code == 404


def test_expired_link_answers_410(share_env: ShareEnv) -> None:
    model = create(share_env, "file", expires_in=3600)
    assert model["expires_at"]
    assert anonymous(model["url"]).status_code == 200
    try:
        share_env.set_clock(2 * 3600)
        r = anonymous(model["url"])
        assert r.status_code == 410
        assert "expired" in r.text
        assert_public_headers(r)
        assert anonymous(model["url"] + "/download/report.csv").status_code == 410
    finally:
        share_env.set_clock(0)
    assert anonymous(model["url"]).status_code == 200
    bad = share_env.server("alice", "POST", "shares", json={"kind": "file", "target": TARGETS["file"],
                                                           "expires_in": "soon"})
    assert bad.status_code == 400



def test_long_expired_snapshots_are_purged(share_env: ShareEnv) -> None:
    model = create(share_env, "file", expires_in=600)
    folder = share_env.store / model["id"]
    assert folder.is_dir()
    try:
        share_env.set_clock(2 * 3600)
        assert anonymous(model["url"]).status_code == 410  # expired, kept for the retention period
        assert folder.is_dir()
        share_env.set_clock(30 * 3600)  # past the 24 h retention: the purge deletes it
        deadline = time.monotonic() + 30
        while folder.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not folder.exists()
        assert anonymous(model["url"]).status_code == 404
    finally:
        share_env.set_clock(0)


CHANGES = {  # kind: (file to change under alice's root, new text, page that shows it)
    "session": ("projects/demo/sessions/s1/sub/deep.txt", "deep file, second take\n", "/files/sub/deep.txt"),
    "notebook": ("projects/demo/nb.ipynb", None, "/render"),
    "dashboard": ("projects/demo/dashboards/d1.json", None, "/render"),
    "file": ("projects/demo/data/report.csv", "name,value\ngamma,3\n", ""),
}


def _change(env: ShareEnv, kind: str) -> str:
    """Edit the shared source and return a marker only the new snapshot contains."""
    rel, text, _ = CHANGES[kind]
    path = env.root("alice") / rel
    marker = f"second take of the {kind}"
    if kind == "notebook":
        nb = json.loads(path.read_text())
        nb["cells"][0]["source"] = f"# {marker}"
        text = json.dumps(nb)
    elif kind == "dashboard":
        spec = json.loads(path.read_text())
        spec["title"] = marker
        text = json.dumps(spec)
    else:
        marker = "second take" if kind == "session" else "gamma"
    assert text is not None
    path.write_text(text)
    return marker


@pytest.mark.parametrize("kind", sorted(TARGETS))
def test_each_kind_refreshes_expires_and_revokes(share_env: ShareEnv, kind: str) -> None:
    model = create(share_env, kind, expires_in=3600)
    page = model["url"] + CHANGES[kind][2]
    assert anonymous(page).status_code == 200
    marker = _change(share_env, kind)
    assert marker not in anonymous(page).text
    r = share_env.server("alice", "POST", f"shares/{model['id']}/refresh")
    assert r.status_code == 200, r.text
    assert marker in anonymous(page).text  # same URL, new content
    try:
        share_env.set_clock(2 * 3600)
        assert anonymous(model["url"]).status_code == 410
        assert anonymous(page).status_code == 410
    finally:
        share_env.set_clock(0)
    assert share_env.server("alice", "DELETE", f"shares/{model['id']}").status_code == 204
    assert anonymous(model["url"]).status_code == 404
    assert anonymous(page).status_code == 404
