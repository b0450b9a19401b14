"""Every projects, notes, import and trash route refuses requests without credentials."""

from __future__ import annotations

import pytest

ROUTES = [
    ("GET", "orpheus/api/projects"),
    ("POST", "orpheus/api/projects"),
    ("GET", "orpheus/api/projects/p"),
    ("PATCH", "orpheus/api/projects/p"),
    ("DELETE", "orpheus/api/projects/p"),
    ("GET", "orpheus/api/projects/p/notes"),
    ("POST", "orpheus/api/projects/p/notes"),
    ("GET", "orpheus/api/projects/p/notes/n"),
    ("PUT", "orpheus/api/projects/p/notes/n"),
    ("DELETE", "orpheus/api/projects/p/notes/n"),
    ("POST", "orpheus/api/projects/p/data/import"),
    ("GET", "orpheus/api/trash"),
    ("DELETE", "orpheus/api/trash/p-20260101T000000000000Z"),
    ("POST", "orpheus/api/trash/p-20260101T000000000000Z/restore"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_route_needs_credentials(
    http_server_client, jp_base_url: str, jp_root_dir, method: str, path: str
) -> None:  # type: ignore[no-untyped-def]
    (jp_root_dir / "projects" / "p" / "notes").mkdir(parents=True)
    (jp_root_dir / "projects" / "p" / "notes" / "n.md").write_text("secret note")
    kw = {"body": "{}"} if method in ("POST", "PUT", "PATCH") else {}
    r = await http_server_client.fetch(
        jp_base_url + path,
        method=method,
        raise_error=False,
        allow_nonstandard_methods=True,
        **kw,
    )
    assert r.code == 403
    assert b"secret note" not in r.body
    assert (jp_root_dir / "projects" / "p" / "notes" / "n.md").exists()
