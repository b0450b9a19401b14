"""Every id in an Orpheus API path has its own strict form, checked first (issue 13, items 12-13).

Generated from the extension's route table: for every route and method, each id
in the path is replaced by dot segments and other malformed values (encoded as
the proxy would pass them on), and by an invalid UTF-8 escape; each is a 400
naming the kind of id, never a 500, never touching a file. A path ending in '/'
(what a proxy leaves after normalizing ``notes/%2e%2e``) is a 400 as well.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from tornado.web import RequestHandler

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
LABELS = {"note_id": "note id", "session_id": "session id", "chat_id": "conversation id",
          "dashboard_id": "dashboard id", "file": "render name", "entry": "trash entry",
          "name": "project name", "project": "project name"}
VALID = {"note_id": "kick-off", "session_id": "0123456789ab", "chat_id": "0123456789ab",
         "dashboard_id": "overview", "file": "starter-20260101T000000Z.mp4",
         "entry": "p-20260101T000000123456Z", "name": "p", "project": "p", "rest": "x"}
# Dot segments as a client or proxy could pass them on undecoded, and other non-ids.
BAD = ["%2e%2e", "%2E%2E", "%2e", "..%2F..", "%2e%2e%5c", "x%00y", "%0A", "%2Eenv"]
_NAMED = re.compile(r"\(\?P<(\w+)>[^()]*\)")


def _routes(app: Any) -> list[tuple[str, type[RequestHandler]]]:
    (orpheus,) = app.extension_manager.extension_apps["orpheus"]
    return [(p, h) for p, h, *_ in orpheus.handlers if _NAMED.search(p) and "rest" not in p]


def _methods(handler: type[RequestHandler]) -> list[str]:
    return [m for m in METHODS if getattr(handler, m.lower()) is not getattr(RequestHandler, m.lower())]


def _path(pattern: str, target: str, value: str) -> str:
    def fill(m: re.Match[str]) -> str:
        return value if m.group(1) == target else VALID[m.group(1)]
    return _NAMED.sub(fill, pattern.removesuffix("/?")).replace("\\", "").lstrip("/")


async def _fetch(client: Any, base: str, auth: dict[str, str], method: str, path: str) -> Any:
    body = None if method in ("GET", "HEAD", "DELETE") else b"{}"
    return await client.fetch(base + path, method=method, body=body, headers=auth,
                              raise_error=False, follow_redirects=False,
                              allow_nonstandard_methods=True)


def _snapshot(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


async def test_malformed_ids_are_400_before_anything_else(
        http_server_client: Any, jp_base_url: str, jp_auth_header: dict[str, str],
        jp_serverapp: Any, jp_root_dir: Path) -> None:
    before = _snapshot(jp_root_dir)
    routes = _routes(jp_serverapp)
    assert len(routes) >= 25
    tried = 0
    for pattern, handler in routes:
        for target in _NAMED.findall(pattern):
            for method in _methods(handler):
                for bad in [*BAD, "%C0%AE"]:
                    path = _path(pattern, target, bad)
                    r = await _fetch(http_server_client, jp_base_url, jp_auth_header, method, path)
                    assert r.code == 400, (method, path, r.code, r.body[:300])
                    if method == "HEAD":
                        continue
                    message = json.loads(r.body)["message"]
                    if bad == "%C0%AE":
                        assert f"request's {target} is not valid UTF-8" in message, (path, message)
                        assert "%C0%AE is not a character" in message
                    else:
                        assert LABELS[target] in message, (path, message)
                    tried += 1
    assert tried > 300
    assert _snapshot(jp_root_dir) == before  # nothing was created, moved or deleted


@pytest.mark.parametrize("bad", ["..", ".x", "a b", "ABC", "0123456789abc"])
async def test_session_ids_have_one_form(jp_fetch: Any, bad: str) -> None:
    r = await jp_fetch("orpheus", "api", "sessions", bad, raise_error=False)
    assert r.code == 400, r.body
    assert "session id" in json.loads(r.body)["message"]


async def test_note_ids_keep_lab_made_names(jp_fetch: Any, jp_root_dir: Path) -> None:
    await jp_fetch("orpheus", "api", "projects", method="POST", body=json.dumps({"name": "p"}))
    notes = jp_root_dir / "projects" / "p" / "notes"
    notes.mkdir()
    names = ("My Ideas", "Café 2026", "数据 notes", "v1.2 (draft)", "What next?", "50% done")
    for name in names:
        (notes / f"{name}.md").write_text(f"# {name}\n")
        r = await jp_fetch("orpheus", "api", "projects", "p", "notes", name)
        assert json.loads(r.body)["title"] == name
    (notes / "_scratch.md").write_text("# not addressable\n")  # no id form: not listed
    r = await jp_fetch("orpheus", "api", "projects", "p", "notes")
    assert sorted(n["id"] for n in json.loads(r.body)["notes"]) == sorted(names)


async def test_trailing_slash_left_by_a_normalized_dot_segment_is_refused(
        http_server_client: Any, jp_base_url: str, jp_auth_header: dict[str, str],
        jp_fetch: Any, jp_root_dir: Path) -> None:
    await jp_fetch("orpheus", "api", "projects", method="POST", body=json.dumps({"name": "p"}))
    before = _snapshot(jp_root_dir)
    for method in METHODS:
        for path in ("orpheus/api/projects/p/", "orpheus/api/projects/p/notes/",
                     "orpheus/api/trash/", "orpheus/api/projects/"):
            r = await _fetch(http_server_client, jp_base_url, jp_auth_header, method, path)
            assert r.code == 400, (method, path, r.code)
            if method != "HEAD":
                assert "never end in '/'" in json.loads(r.body)["message"]
    assert _snapshot(jp_root_dir) == before
    assert (jp_root_dir / "projects" / "p" / ".project.json").is_file()
