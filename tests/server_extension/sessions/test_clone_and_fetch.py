"""``clone`` (https allowlist, local repos only when enabled) and ``fetch`` (SSRF guard)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tornado import web
from tornado.httpclient import HTTPClientError
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from .conftest import create_session

GIT = ["git", "-c", "user.email=t@example.org", "-c", "user.name=Test", "-c", "init.defaultBranch=main"]


async def post(jp_fetch: Any, session_id: str, action: str, body: dict[str, Any]) -> Any:
    return await jp_fetch("orpheus", "api", "sessions", session_id, action, method="POST",
                          body=json.dumps(body))


async def expect_error(jp_fetch: Any, session_id: str, action: str, body: dict[str, Any]) -> tuple[int, bytes]:
    with pytest.raises(HTTPClientError) as e:
        await post(jp_fetch, session_id, action, body)
    return e.value.code, e.value.response.body


@pytest.fixture
def bare_repo(tmp_path: Path) -> Path:
    """A local bare repository with one commit (a README)."""
    work, bare = tmp_path / "work", tmp_path / "repo.git"
    subprocess.run([*GIT, "init", "-q", str(work)], check=True)
    (work / "README.md").write_text("# local repo\n")
    subprocess.run([*GIT, "-C", str(work), "add", "README.md"], check=True)
    subprocess.run([*GIT, "-C", str(work), "commit", "-q", "-m", "init"], check=True)
    subprocess.run([*GIT, "clone", "-q", "--bare", str(work), str(bare)], check=True)
    return bare


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("https://evil.example.com/a/b.git", 403, b"not allowed"),
        ("https://github.com.evil.example/a/b.git", 403, b"not allowed"),
        ("http://github.com/a/b.git", 400, b"only https"),
        ("https://user:secret@github.com/a/b.git", 400, b"credentials"),
        ("git@github.com:a/b.git", 400, b"only https"),
        ("ssh://github.com/a/b.git", 400, b"only https"),
        ("--upload-pack=touch /tmp/x", 400, b"spaces or control"),
        ("https://github.com/", 400, b"repository name"),
    ],
)
async def test_clone_refuses_what_is_not_an_allowlisted_https_repo(  # type: ignore[no-untyped-def]
    jp_fetch, url, status, message
):
    model = await create_session(jp_fetch, {"title": "Clone"})
    code, body = await expect_error(jp_fetch, model["id"], "clone", {"url": url})
    assert code == status
    assert message in body


async def test_local_bare_repo_only_when_enabled(jp_fetch, jp_root_dir, sessions, bare_repo):  # type: ignore[no-untyped-def]
    model = await create_session(jp_fetch, {"title": "Clone local"})
    code, body = await expect_error(jp_fetch, model["id"], "clone", {"url": f"file://{bare_repo}"})
    assert (code, b"only https" in body) == (400, True)
    code, _ = await expect_error(jp_fetch, model["id"], "clone", {"url": str(bare_repo)})
    assert code == 400

    sessions.cloner.allow_local = True
    code, body = await expect_error(
        jp_fetch, model["id"], "clone", {"url": f"file://{bare_repo}", "branch": "--evil"}
    )
    assert (code, b"branch" in body) == (400, True)
    r = await post(jp_fetch, model["id"], "clone", {"url": f"file://{bare_repo}", "branch": "main"})
    assert r.code == 201
    cloned = json.loads(r.body)
    assert cloned["name"] == "repo"
    dest = Path(jp_root_dir) / cloned["path"]
    assert (dest / "README.md").read_text() == "# local repo\n"
    code, _ = await expect_error(jp_fetch, model["id"], "clone", {"url": f"file://{bare_repo}"})
    assert code == 409
    sessions.cloner.max_bytes = 10
    (dest.parent / "repo").rename(dest.parent / "first")
    code, body = await expect_error(jp_fetch, model["id"], "clone", {"url": f"file://{bare_repo}"})
    assert (code, b"larger than" in body) == (413, True)
    assert not (dest.parent / "repo").exists()  # a failed clone leaves nothing behind


class Pages(web.RequestHandler):
    """A small local web site for fetch tests."""

    def get(self, name: str) -> None:
        port = self.request.host.rsplit(":", 1)[1]
        if name == "page":
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.write("<html><head><title>Local Page</title><script>var secret=1</script>"
                       "</head><body><h1>Hello fetch</h1><p>Some <b>bold</b> text.</p></body></html>")
        elif name == "to-loopback":
            self.redirect(f"http://localhost:{port}/page")
        elif name == "to-private":
            self.redirect("http://10.0.0.7/page")
        elif name == "to-metadata":
            self.redirect("http://169.254.169.254/latest/meta-data/")
        elif name == "binary":
            self.set_header("Content-Type", "image/png")
            self.write(b"\x89PNG\r\n\x1a\n")
        elif name == "huge":
            self.set_header("Content-Type", "text/html")
            self.write("<p>" + "x" * (2 * 1024 * 1024) + "</p>")
        else:
            raise web.HTTPError(404)


@pytest.fixture
def site(sessions: Any) -> Any:
    sock, port = bind_unused_port()
    server = HTTPServer(web.Application([(r"/(\w[\w-]*)", Pages)]))
    server.add_sockets([sock])
    sessions.fetcher.allowed_hosts = [f"127.0.0.1:{port}"]
    yield port
    server.stop()


async def test_fetch_saves_a_page_as_markdown(jp_fetch, jp_root_dir, site):  # type: ignore[no-untyped-def]
    model = await create_session(jp_fetch, {"title": "Fetch"})
    r = await post(jp_fetch, model["id"], "fetch", {"url": f"http://127.0.0.1:{site}/page"})
    assert r.code == 201
    saved = json.loads(r.body)
    assert saved["title"] == "Local Page"
    text = (Path(jp_root_dir) / saved["path"]).read_text()
    assert saved["path"].startswith(model["path"] + "/web/")
    assert "# Hello fetch" in text
    assert "**bold**" in text
    assert "secret" not in text


SSRF_CORPUS = [
    "http://127.0.0.1/",
    "http://127.0.0.2:{port}/page",
    "http://[::1]:{port}/page",
    "http://10.0.0.7/",
    "http://192.168.1.1/",
    "http://172.16.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/",
    "http://2130706433:{port}/page",
    "http://0x7f000001:{port}/page",
    "http://0177.0.0.1:{port}/page",
    "http://127.1:{port}/page",
    "http://localhost:{port}/page",
    "http://[::ffff:127.0.0.1]:{port}/page",
    "http://0.0.0.0:{port}/page",
    "http://224.0.0.1/",
    "http://100.64.0.1/",
    "http://127.0.0.1:{port}/to-loopback",
    "http://127.0.0.1:{port}/to-private",
    "http://127.0.0.1:{port}/to-metadata",
]


async def test_ssrf_corpus_is_refused(jp_fetch, jp_root_dir, site):  # type: ignore[no-untyped-def]
    model = await create_session(jp_fetch, {"title": "SSRF"})
    for template in SSRF_CORPUS:
        url = template.format(port=site)
        code, body = await expect_error(jp_fetch, model["id"], "fetch", {"url": url})
        assert code == 403, (url, code, body)
        assert b"refused" in body
    web_dir = Path(jp_root_dir) / model["path"] / "web"
    assert not web_dir.exists() or not any(web_dir.iterdir())


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("file:///etc/passwd", 400, b"only http and https"),
        ("ftp://example.org/x", 400, b"only http and https"),
        ("gopher://127.0.0.1:70/", 400, b"only http and https"),
        ("http://user:pw@127.0.0.1:{port}/page", 400, b"credentials"),
        ("http://127.0.0.1:{port}/binary", 415, b"only HTML or text"),
        ("http://127.0.0.1:{port}/huge", 413, b"larger than"),
        ("http://127.0.0.1:{port}/missing", 502, b"answered 404"),
        ("not a url", 400, b"spaces"),
    ],
)
async def test_fetch_limits(jp_fetch, sessions, site, url, status, message):  # type: ignore[no-untyped-def]
    sessions.fetcher.max_bytes = 1024 * 1024
    model = await create_session(jp_fetch, {"title": "Limits"})
    code, body = await expect_error(jp_fetch, model["id"], "fetch", {"url": url.format(port=site)})
    assert code == status
    assert message in body


async def test_fetch_never_writes_through_a_planted_link(jp_fetch, jp_root_dir, site, tmp_path):  # type: ignore[no-untyped-def]
    outside = tmp_path / "outside"
    outside.mkdir()
    model = await create_session(jp_fetch, {"title": "Planted"})
    (Path(jp_root_dir) / model["path"] / "web").symlink_to(outside, target_is_directory=True)
    code, body = await expect_error(jp_fetch, model["id"], "fetch",
                                    {"url": f"http://127.0.0.1:{site}/page"})
    assert code == 409
    assert list(outside.iterdir()) == []
