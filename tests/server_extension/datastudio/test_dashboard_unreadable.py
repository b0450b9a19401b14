"""A dashboard spec broken by hand (it is an ordinary file) is a 409 naming it, never a 500."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


@pytest.mark.parametrize(("content", "why"), [("{not json", "not valid JSON"), ("[1, 2]", "not a JSON object")])
async def test_unreadable_spec_is_409_and_left_out_of_the_listing(
    jp_fetch: Any, jp_root_dir: Path, content: str, why: str
) -> None:
    r = await jp_fetch("orpheus", "api", "projects", method="POST", body=json.dumps({"name": "p"}))
    assert r.code == 201
    folder = jp_root_dir / "projects" / "p" / "dashboards"
    folder.mkdir(parents=True)
    (folder / "broken.json").write_text(content)
    for method, tail in (("GET", ()), ("POST", ("undo",)), ("GET", ("export",))):
        r = await jp_fetch("orpheus", "api", "projects", "p", "dashboards", "broken", *tail,
                           method=method, body=None if method == "GET" else b"{}", raise_error=False)
        assert r.code == 409, (tail, r.body)
        message = json.loads(r.body)["message"]
        assert why in message
        assert str(jp_root_dir) not in message
    listing = json.loads((await jp_fetch("orpheus", "api", "projects", "p", "dashboards")).body)
    assert "broken" not in json.dumps(listing)
    assert (folder / "broken.json").read_text() == content  # nothing rewritten
