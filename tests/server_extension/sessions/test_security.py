"""Uploads (415/413, nothing written), path traversal corpus, shell access, archive contents."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from .conftest import create_session, multipart

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
CANARY = "canary-3f9c1e outside the jupyter root"


def projects_in(root: str) -> list[str]:
    folder = Path(root) / "projects"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("photo.png", b"this is not a png at all", b"does not look like a .png file"),
        ("sheet.xlsx", b"name,value\n1,2\n", b"does not look like a .xlsx file"),
        ("data.csv", ELF, b"binary or executable"),
    ],
)
async def test_rejected_upload_is_415_with_reason_and_nothing_is_written(  # type: ignore[no-untyped-def]
    jp_fetch, jp_root_dir, home, name, content, reason
):
    body, content_type = multipart(
        {"title": "Uploads"}, [("good.csv", b"a,b\n1,2\n"), (name, content)]
    )
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("orpheus", "api", "sessions", method="POST", body=body,
                       headers={"Content-Type": content_type})
    assert e.value.code == 415
    assert reason in e.value.response.body
    assert name.encode() in e.value.response.body
    assert projects_in(jp_root_dir) == []
    assert not (home / ".claude.json").exists()


async def test_upload_size_cap_is_413(jp_fetch, jp_root_dir, sessions):  # type: ignore[no-untyped-def]
    sessions.uploads.max_file_bytes = 16
    body, content_type = multipart({"title": "Big"}, [("big.txt", b"x" * 17)])
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("orpheus", "api", "sessions", method="POST", body=body,
                       headers={"Content-Type": content_type})
    assert e.value.code == 413
    assert b"the limit is 16" in e.value.response.body
    assert projects_in(jp_root_dir) == []


def canary_outside(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.txt").write_text(CANARY)
    return outside


TRAVERSAL_IDS = [
    "..", "...", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%2e%2e%2f%2e%2e%2fsecret.txt",
    "%2Fetc%2Fpasswd", "..%5C..%5Cwindows", "abc%00def", "0123456789ab%00", "a" * 5000,
    "..%252F..%252Fetc", "%c0%ae%c0%ae", "0123456789AB", "0123456789abc",
]


async def test_traversal_corpus_against_every_session_endpoint(  # type: ignore[no-untyped-def]
    jp_fetch, jp_root_dir, jp_http_port, jp_base_url, jp_auth_header, tmp_path
):
    outside = canary_outside(tmp_path)
    model = await create_session(jp_fetch, {"title": "Target"})
    base = f"http://127.0.0.1:{jp_http_port}{jp_base_url}orpheus/api/sessions/"
    routes = [("GET", ""), ("PATCH", ""), ("DELETE", ""), ("GET", "/recording"),
              ("GET", "/archive"), ("POST", "/resume"), ("POST", "/clone"), ("POST", "/fetch")]
    client = AsyncHTTPClient()
    bodies = {"PATCH": json.dumps({"title": "x"}), "POST": json.dumps({"url": "https://github.com/a/b"})}
    statuses = set()
    for raw in TRAVERSAL_IDS:
        for method, tail in routes:
            r = await client.fetch(base + raw + tail, method=method, body=bodies.get(method),
                                   headers=jp_auth_header, raise_error=False)
            statuses.add(r.code)
            assert 400 <= r.code < 500, (raw, method, tail, r.code)
            assert CANARY.encode() not in (r.body or b"")
            assert str(jp_root_dir).encode() not in (r.body or b"")
    assert statuses <= {400, 404, 405}
    assert (outside / "secret.txt").read_text() == CANARY
    # the real session is untouched
    r = await jp_fetch("orpheus", "api", "sessions", model["id"])
    assert json.loads(r.body)["title"] == "Target"


@pytest.mark.parametrize(
    "filename",
    ["../evil.txt", "../../outside/secret.txt", "/etc/passwd", "sub/dir.txt", "..\\evil.txt",
     ".bashrc", "a" * 300 + ".txt", "..", "."],
)
async def test_upload_names_that_would_escape_are_refused(  # type: ignore[no-untyped-def]
    jp_fetch, jp_root_dir, tmp_path, filename
):
    outside = canary_outside(tmp_path)
    body, content_type = multipart({"title": "Names"}, [(filename, b"hello\n")])
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("orpheus", "api", "sessions", method="POST", body=body,
                       headers={"Content-Type": content_type})
    assert e.value.code == 400
    assert projects_in(jp_root_dir) == []
    assert sorted(os.listdir(outside)) == ["secret.txt"]


@pytest.mark.parametrize("project", ["../outside", "/etc", "a/../../b", ".hidden", "x" * 100])
async def test_project_names_that_would_escape_are_refused(jp_fetch, jp_root_dir, project):  # type: ignore[no-untyped-def]
    body, content_type = multipart({"title": "P", "project": project})
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("orpheus", "api", "sessions", method="POST", body=body,
                       headers={"Content-Type": content_type})
    assert e.value.code == 400
    assert projects_in(jp_root_dir) == []


async def test_symlinked_session_folder_is_never_followed(  # type: ignore[no-untyped-def]
    jp_fetch, jp_root_dir, tmp_path
):
    outside = canary_outside(tmp_path)
    model = await create_session(jp_fetch, {"title": "Linked"})
    await jp_fetch("orpheus", "api", "sessions", model["id"], method="DELETE")
    workdir = Path(jp_root_dir) / model["path"]
    workdir.rename(workdir.with_name("moved"))
    workdir.symlink_to(outside, target_is_directory=True)
    for parts, method, body in [(("archive",), "GET", None),
                                (("fetch",), "POST", json.dumps({"url": "https://example.org/"})),
                                (("resume",), "POST", "{}")]:
        with pytest.raises(HTTPClientError) as e:
            await jp_fetch("orpheus", "api", "sessions", model["id"], *parts, method=method, body=body)
        assert e.value.code == 403
        assert b"the session folder is a link that leads outside the project" in e.value.response.body
        assert CANARY.encode() not in e.value.response.body
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]  # no Claude files written
    await jp_fetch("orpheus", "api", "sessions", model["id"], method="DELETE", params={"purge": "1"})
    assert (outside / "secret.txt").read_text() == CANARY  # purge removed the link, not its target
    assert not workdir.is_symlink()


async def test_archive_streams_the_folder_without_claude_settings_or_links(  # type: ignore[no-untyped-def]
    jp_fetch, jp_root_dir, tmp_path
):
    outside = canary_outside(tmp_path)
    model = await create_session(jp_fetch, {"title": "Zip me"}, [("data.csv", b"a,b\n1,2\n")])
    workdir = Path(jp_root_dir) / model["path"]
    (workdir / "sub").mkdir()
    (workdir / "sub" / "notes.md").write_text("# notes\n")
    (workdir / "big.bin").write_bytes(os.urandom(3 * 1024 * 1024))
    (workdir / "passwd-link").symlink_to("/etc/passwd")
    (workdir / "outside-link").symlink_to(outside, target_is_directory=True)
    r = await jp_fetch("orpheus", "api", "sessions", model["id"], "archive")
    assert r.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.body)) as zf:
        assert zf.testzip() is None
        names = sorted(zf.namelist())
        assert names == ["CLAUDE.md", "big.bin", "data.csv", "sub/notes.md"]
        assert zf.read("data.csv") == b"a,b\n1,2\n"
        assert zf.read("big.bin") == (workdir / "big.bin").read_bytes()


class FakeHubMe(web.RequestHandler):
    """``GET /hub/api/orpheus/me`` answering the groups of the token's owner."""

    def initialize(self, groups: dict[str, list[str]]) -> None:
        self.groups = groups

    def get(self) -> None:
        token = self.request.headers.get("Authorization", "").removeprefix("token ")
        if token not in self.groups:
            raise web.HTTPError(403)
        self.write({"name": "someone", "state": "approved", "groups": self.groups[token]})


@pytest.fixture
def fake_hub(jp_serverapp: Any) -> Any:
    sock, port = bind_unused_port()
    groups = {"member-token": ["shell", "staff"], "plain-token": ["staff"]}
    server = HTTPServer(web.Application([(r"/hub/api/orpheus/me", FakeHubMe, {"groups": groups})]))
    server.add_sockets([sock])
    ext = next(iter(jp_serverapp.extension_manager.extension_apps["orpheus"]))
    ext.hub_client.api_url = f"http://127.0.0.1:{port}/hub/api"
    yield ext.hub_client
    server.stop()


async def test_shell_mode_needs_the_hub_group_or_the_access_key(  # type: ignore[no-untyped-def]
    jp_fetch, jp_root_dir, fake_hub, sessions
):
    fake_hub.api_token = "plain-token"
    body, content_type = multipart({"title": "Shell", "mode": "shell"})
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("orpheus", "api", "sessions", method="POST", body=body,
                       headers={"Content-Type": content_type})
    assert e.value.code == 403
    assert b"hub group 'shell'" in e.value.response.body

    sessions.shell_access_key = "open-sesame-123"
    body, content_type = multipart({"title": "Shell", "mode": "shell", "access_key": "wrong"})
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("orpheus", "api", "sessions", method="POST", body=body,
                       headers={"Content-Type": content_type})
    assert e.value.code == 403
    keyed = await create_session(
        jp_fetch, {"title": "Shell", "mode": "shell", "access_key": "open-sesame-123"}
    )
    assert keyed["mode"] == "shell"

    fake_hub.api_token = "member-token"
    member = await create_session(jp_fetch, {"title": "Member shell", "mode": "shell"})
    assert member["status"] == "created"
    workdir = Path(jp_root_dir) / member["path"]
    assert workdir.is_dir()
    assert not (workdir / "CLAUDE.md").exists()  # a plain shell gets no Claude files
