"""Helpers for the user-server reliability tests (test_server_*.py)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

CSV = "region,amount\nNorth,10\nSouth,20\nEast,30\nWest,40\n"


def tree(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` (links not followed) with a hash of its bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            out[rel] = f"link -> {path.readlink()}"
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[rel] = "dir"
    return out


def other_user(base: Path) -> Path:
    """A sibling folder shaped like another user's home, with a project full of app files."""
    home = base / "bob"
    project = home / "projects" / "secret"
    (project / "data").mkdir(parents=True)
    (project / "data" / "salaries.csv").write_text(CSV.replace("North", "BobOnly"))
    (project / ".analysis").mkdir()
    (project / ".analysis" / "metadata.json").write_text(json.dumps({"project_name": "bob-secret"}))
    (project / "dashboards" / ".cache").mkdir(parents=True)
    (project / "video" / "out").mkdir(parents=True)
    (project / "video" / "scenes").mkdir()
    render = project / "video" / "out" / "intro-20260101T000000Z.mp4"
    render.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    (project / ".orpheus" / "sessions").mkdir(parents=True)
    (project / ".orpheus" / "sessions" / "bob.cast").write_text('{"version": 2}\n[0.1, "o", "bob secret"]\n')
    return home


async def create_project(jp_fetch: Any, name: str) -> None:
    """POST /orpheus/api/projects."""
    r = await jp_fetch("orpheus", "api", "projects", method="POST", body=json.dumps({"name": name}))
    assert r.code == 201


async def refused(jp_fetch: Any, *path: str, method: str = "GET", body: Any = None,
                  words: tuple[str, ...] = ()) -> dict[str, Any]:
    """Call an Orpheus API path and check it is a 403 naming the link; returns the error."""
    kw: dict[str, Any] = {"method": method, "raise_error": False}
    if method in ("POST", "PUT", "PATCH"):
        kw["body"] = json.dumps(body if body is not None else {})
    if method == "DELETE":
        kw["allow_nonstandard_methods"] = True
    r = await jp_fetch("orpheus", "api", *path, **kw)
    assert r.code == 403, (method, path, r.code, r.body[:400])
    error: dict[str, Any] = json.loads(r.body)
    assert "is a link that leads outside the project" in error["message"], error
    for word in words:
        assert word in error["message"], error
    assert "bob" not in r.body.decode(), r.body  # nothing of the other folder is shown
    return error
