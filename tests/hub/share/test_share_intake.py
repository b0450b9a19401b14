"""Hostile snapshots sent straight to the real share service: 4xx, a clear message, nothing kept."""

from __future__ import annotations

import io
import os
import tarfile
import zipfile

import pytest
import requests

from orpheus_hub.share import owner_api, pages, views

from .conftest import MAX_SNAPSHOT, MAX_USER, ShareEnv
from .content import bomb, special, tar_bytes

pytestmark = [pytest.mark.slow]

GOOD_FILE = [("files/ok.txt", b"fine")]
BAD = {
    "traversal": ([("files/../../escape.txt", b"x")], 400, "leaves the snapshot"),
    "absolute": ([("/etc/evil", b"x")], 400, "absolute path"),
    "symlink": ([special("files/link", tarfile.SYMTYPE, "/etc/passwd")], 400, "link"),
    "hardlink": ([("files/a", b"x"), special("files/b", tarfile.LNKTYPE, "files/a")], 400, "link"),
    "device": ([special("files/dev", tarfile.CHRTYPE)], 400, "device"),
    "fifo": ([special("files/fifo", tarfile.FIFOTYPE)], 400, "FIFO"),
    "duplicate": ([("files/a", b"x"), ("files/a", b"y")], 400, "twice"),
    "unexpected": ([("files/a", b"x"), ("other/b", b"y")], 400, "unexpected entry"),
    "two files": ([("files/a", b"x"), ("files/b", b"y")], 400, "exactly one file"),
}


def upload(env: ShareEnv, data: bytes, kind: str = "file", user: str = "alice",
           ctype: str = "application/x-tar") -> requests.Response:
    return env.as_user(user, "POST", f"api/shares?kind={kind}&title=t", data=data,
                       headers={"Content-Type": ctype})


def stored(env: ShareEnv) -> tuple[set[str], list[str]]:
    ids = {s["id"] for s in env.as_user("alice", "GET", "api/shares").json()["shares"]}
    staging = os.listdir(env.store / ".staging")
    return ids, staging


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_archives_are_refused_and_nothing_is_stored(share_env: ShareEnv, case: str) -> None:
    entries, status, message = BAD[case]
    before = stored(share_env)
    r = upload(share_env, tar_bytes(entries))
    assert r.status_code == status, r.text
    assert message in r.json()["message"]
    assert "/tmp" not in r.text
    assert "Traceback" not in r.text
    assert stored(share_env) == before


def test_oversize_bombs_and_garbage(share_env: ShareEnv) -> None:
    before = stored(share_env)
    big = upload(share_env, tar_bytes([("files/big.bin", os.urandom(MAX_SNAPSHOT + 10))]))
    assert big.status_code == 413
    assert str(MAX_SNAPSHOT) in big.json()["message"]
    boom = upload(share_env, bomb(200 * MAX_SNAPSHOT), ctype="application/gzip")
    assert boom.status_code == 413, boom.text
    assert len(bomb(200 * MAX_SNAPSHOT)) < MAX_SNAPSHOT  # small on the wire, huge unpacked
    ratio = upload(share_env, bomb(MAX_SNAPSHOT * 3 // 4), ctype="application/gzip")
    assert ratio.status_code == 413
    assert "decompression bomb" in ratio.json()["message"]
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("files/a.txt", "x")
    assert upload(share_env, zipped.getvalue()).status_code == 400
    assert upload(share_env, b"not a tar at all").status_code == 400
    assert upload(share_env, tar_bytes(GOOD_FILE), kind="wat").status_code == 400
    assert upload(share_env, tar_bytes(GOOD_FILE), ctype="text/plain").status_code == 415
    nb = upload(share_env, tar_bytes([("notebook.ipynb", b"{not json")]), kind="notebook")
    assert nb.status_code == 400
    assert "not valid JSON" in nb.json()["message"]
    assert stored(share_env) == before


def test_multipart_upload_and_per_user_total(share_env: ShareEnv) -> None:
    multipart = share_env.as_user("alice", "POST", "api/shares",
                                  data={"kind": "file", "title": "via form"},
                                  files={"snapshot": ("s.tar", tar_bytes(GOOD_FILE))})
    assert multipart.status_code == 201, multipart.text
    assert multipart.json()["title"] == "via form"
    chunk = MAX_SNAPSHOT - 100_000
    made = []
    for i in range(MAX_USER // chunk + 1):
        r = upload(share_env, tar_bytes([(f"files/blob{i}.bin", os.urandom(chunk))]))
        if r.status_code != 201:
            assert r.status_code == 413, r.text
            assert "per-user limit" in r.json()["message"]
            break
        made.append(r.json()["id"])
    else:
        pytest.fail("the per-user total was never enforced")
    for share_id in [*made, multipart.json()["id"]]:
        assert share_env.as_user("alice", "DELETE", f"api/shares/{share_id}").status_code == 204


def test_only_share_views_and_health_answer_without_credentials(share_env: ShareEnv) -> None:
    """Enumerate every route of the service: anonymous callers get 403 everywhere but the public ones."""
    public = {views.ShareViewHandler, views.RenderHandler, views.RecordingHandler,
              views.FilePreviewHandler, views.DownloadHandler, views.RawImageHandler}
    for pattern, handler in owner_api.default_handlers + views.default_handlers + pages.default_handlers:
        path = pattern.replace("([A-Za-z0-9_-]{1,32})", "abcdef0123456789")
        path = path.replace(views.SHARE_KEY, "B" * 43).replace("(.+)", "x.txt").replace("/?", "")
        path = path.replace("\\.", ".")
        for method in ("GET", "POST", "DELETE"):
            r = share_env.as_user(None, method, path, data=b"", allow_redirects=False)
            if handler in public:
                assert r.status_code in (404, 405), (method, path, r.status_code)
            elif handler is pages.MySharesPage and method == "GET":
                assert r.status_code == 302  # to the hub's login
                assert "/hub/api/oauth2/authorize" in r.headers["Location"]
            elif handler is pages.HubOAuthCallbackHandler and method == "GET":
                assert r.status_code == 400  # no OAuth code
            else:
                assert r.status_code in (403, 405), (method, path, r.status_code)
            assert r.status_code != 500
    assert share_env.as_user(None, "GET", "health").status_code == 200


def test_a_refused_refresh_leaves_the_previous_snapshot_served(share_env: ShareEnv) -> None:
    created = upload(share_env, tar_bytes([("files/keep.txt", b"the good version")]))
    assert created.status_code == 201, created.text
    share_id, url = created.json()["id"], created.json()["url"]
    bad = share_env.as_user("alice", "POST", f"api/shares/{share_id}/refresh?kind=file",
                            data=tar_bytes([("files/keep.txt", b"evil"), ("files/../../x", b"x")]),
                            headers={"Content-Type": "application/x-tar"})
    assert bad.status_code == 400
    wrong_kind = share_env.as_user("alice", "POST", f"api/shares/{share_id}/refresh?kind=notebook",
                                   data=tar_bytes(GOOD_FILE), headers={"Content-Type": "application/x-tar"})
    assert wrong_kind.status_code == 400
    page = requests.get(url + "/download/keep.txt", timeout=30)
    assert page.content == b"the good version"
    assert share_env.as_user("alice", "GET", f"api/shares/{share_id}").json()["version"] == 1
    assert share_env.as_user("alice", "DELETE", f"api/shares/{share_id}").status_code == 204


def test_a_dashboard_static_export_is_served_only_in_the_sandbox(share_env: ShareEnv) -> None:
    html = b"<!DOCTYPE html><div id='dash'>DASH-STATIC</div><script>document.title='x'</script>"
    created = upload(share_env, tar_bytes([("dashboard.json", b'{"title": "d"}'), ("static.html", html)]),
                     kind="dashboard")
    assert created.status_code == 201, created.text
    render = requests.get(created.json()["url"] + "/render", timeout=30)
    assert render.status_code == 200
    assert "DASH-STATIC" in render.text
    csp = render.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox allow-scripts;")
    assert "allow-same-origin" not in csp
    assert render.headers["X-Content-Type-Options"] == "nosniff"
    assert share_env.as_user("alice", "DELETE", f"api/shares/{created.json()['id']}").status_code == 204
