"""R3: a traversal corpus in every path parameter of every Orpheus route, through the proxy.

Routes come from the user server's route table; each ``(?P<name>...)`` parameter gets every
payload below (encoded dot segments, absolute paths, NULs, over-long UTF-8, doubled
slashes), with GET and DELETE. Nothing may answer 2xx, 5xx or a traceback, show a byte
of a secret outside the Jupyter root, or change a file: a sentinel project and a
neighbour's file are checked after the whole corpus.
"""

from __future__ import annotations

import hashlib
import http.client
import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from orpheus.app import HANDLER_MODULES
from tests.harness.hub import Hub, running_hub

pytestmark = [pytest.mark.slow]

SECRET = "neighbour-secret-7f3a"
PAYLOADS = [
    "..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "..%2f..%2f..%2fetc%2fpasswd", "%2e%2e%2f%2e%2e%2fusers",
    "..%5c..%5cetc", "%2fetc%2fpasswd", "%252e%252e", "%c0%ae%c0%ae", "....%2f%2f", "keep%00.md",
    "%2e%2e%2fkeep", "..%2fkeep", "~root", "%2e", ".", "keep%2f..%2f..%2f..",
]
_PARAM = re.compile(r"\(\?P<(\w+)>[^()]*\)")


def routes() -> list[str]:
    """Route patterns with at least one named parameter."""
    found = []
    for module in HANDLER_MODULES:
        for pattern, *_ in importlib.import_module(module).default_handlers:
            if _PARAM.search(pattern):
                found.append(pattern.removesuffix("/?").removesuffix("$"))
    return found


def targets(pattern: str) -> Iterator[str]:
    """``pattern`` with one parameter at a time replaced by each payload, others by 'keep'."""
    params = list(_PARAM.finditer(pattern))
    for index in range(len(params)):
        for payload in PAYLOADS:
            parts, last = [], 0
            for i, match in enumerate(params):
                parts += [pattern[last:match.start()], payload if i == index else "keep"]
                last = match.end()
            yield "".join([*parts, pattern[last:]]).replace("\\", "")


def raw(hub: Hub, method: str, path: str, token: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(urlsplit(hub.url).netloc, timeout=60)
    try:
        conn.request(method, path, headers={"Authorization": f"token {token}"})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        h.update(str(path.relative_to(folder)).encode())
        if path.is_file() and not path.is_symlink():
            h.update(path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Hub, str, str]]:
    for hub in running_hub(Path(tmp_path_factory.mktemp("traversal"))):
        neighbour = hub.create_user("neighbour")
        nbase = hub.spawn("neighbour")
        r = requests.put(nbase + "api/contents/secret.txt", json={"type": "file", "format": "text",
                         "content": SECRET}, headers={"Authorization": f"token {neighbour}"}, timeout=30)
        assert r.status_code == 201, r.text
        token = hub.create_user("walker")
        base = hub.spawn("walker")
        auth = {"Authorization": f"token {token}"}
        assert requests.post(base + "orpheus/api/projects", json={"name": "keep"}, headers=auth,
                             timeout=30).status_code == 201
        r = requests.post(base + "orpheus/api/projects/keep/notes", json={"title": "keep", "body": "x"},
                          headers=auth, timeout=30)
        assert r.status_code == 201, r.text
        yield hub, base, token


def test_r3_traversal_corpus_in_every_path_parameter(world: Any, tally: Any) -> None:
    hub, base, token = world
    home = hub.data_dir / "users" / "walker"
    before_home, before_neighbour = digest(home / "projects"), digest(hub.data_dir / "users" / "neighbour")
    prefix = urlsplit(base).path.rstrip("/")
    bad, attempts = [], 0
    for pattern in routes():
        for target in targets(pattern):
            for method in ("GET", "DELETE"):
                status, body = raw(hub, method, prefix + target, token)
                attempts += 1
                if (status < 400 and method == "DELETE") or status >= 500 or SECRET.encode() in body \
                        or b"Traceback" in body or b"root:x:0:0" in body:
                    bad.append(f"{method} {target} -> {status} {body[:120]!r}")
    after_home = digest(home / "projects")
    tally.record("R3 traversal corpus through the proxy", attempts, len(bad))
    assert not bad, "\n".join(bad[:40])
    assert after_home == before_home, "a request changed the user's projects"
    assert digest(hub.data_dir / "users" / "neighbour") == before_neighbour
