"""R5: bad uploads through the proxy and the contents API, each refused with a 4xx that
says why, and none of them replaces or adds a file (the previous version stays)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.harness.hub import Hub, running_hub

pytestmark = [pytest.mark.slow]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("text saved as png", "pic.png", {"type": "file", "format": "text", "content": "not an image"}),
    ("base64 text as png", "pic.png", {"type": "file", "format": "base64", "content": b64(b"GIF89a? no, text")}),
    ("notebook model as png", "pic.png", {"type": "notebook", "content": NOTEBOOK}),
    ("binary as csv", "table.csv", {"type": "file", "format": "base64", "content": b64(b"a,b\n\x00\x01\x02")}),
    ("zip that is not", "book.xlsx", {"type": "file", "format": "base64", "content": b64(b"plain text")}),
    ("bad base64", "pic.png", {"type": "file", "format": "base64", "content": "!!not base64!!"}),
    ("chunk with wrong magic", "pic.png", {"type": "file", "format": "base64", "content": b64(b"text"),
                                           "chunk": 1}),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Hub, str, dict[str, str]]]:
    for hub in running_hub(Path(tmp_path_factory.mktemp("uploads"))):
        token = hub.create_user("uploader")
        base = hub.spawn("uploader")
        auth = {"Authorization": f"token {token}"}
        for name, data in (("pic.png", PNG), ("table.csv", b"a,b\n1,2\n"), ("book.xlsx", b"PK\x03\x04" + b"\x00" * 32)):
            r = requests.put(base + f"api/contents/{name}", json={"type": "file", "format": "base64",
                             "content": b64(data)}, headers=auth, timeout=30)
            assert r.status_code == 201, r.text
        yield hub, base, auth


def test_r5_bad_uploads_are_refused_and_keep_the_previous_file(world: Any, tally: Any) -> None:
    hub, base, auth = world
    home = hub.data_dir / "users" / "uploader"
    before = {p.name: p.read_bytes() for p in home.iterdir() if p.is_file()}
    for label, name, model in CASES:
        r = requests.put(base + f"api/contents/{name}", json=model, headers=auth, timeout=30)
        assert 400 <= r.status_code < 500, (label, r.status_code, r.text[:300])
        message = json.loads(r.text).get("message", "")
        assert message, (label, r.text[:300])
        assert "Traceback" not in r.text
        assert str(hub.data_dir) not in r.text, (label, "an internal path leaked")
    # a rename that would give a text file a binary extension
    r = requests.patch(base + "api/contents/table.csv", json={"path": "renamed.png"}, headers=auth, timeout=30)
    assert 400 <= r.status_code < 500, r.text[:300]
    after = {p.name: p.read_bytes() for p in home.iterdir() if p.is_file()}
    assert after == before, "a refused upload replaced, removed or added a file"
    tally.record("R5 bad uploads through the proxy", len(CASES) + 1, 0)
