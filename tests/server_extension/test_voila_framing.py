"""Voila pages may be framed by the server's own origin (a dashboard opens in a JupyterLab
panel); every other page keeps the hub's ``frame-ancestors 'none'``.

The server is configured as ``jupyterhub-singleuser`` configures it under the hub: its
default headers carry ``Content-Security-Policy: frame-ancestors 'none'``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

HUB_CSP = "frame-ancestors 'none'"


@pytest.fixture
def jp_env_jupyter_path() -> str:
    """Voila's own templates live in the venv."""
    return str(Path(sys.prefix) / "share" / "jupyter")


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    return {
        "ServerApp": {"jpserver_extensions": {"orpheus": True, "voila": True},
                      "tornado_settings": {"headers": {"Content-Security-Policy": HUB_CSP}}},
    }


def directives(csp: str) -> dict[str, str]:
    """``{"frame-ancestors": "'self'", ...}`` of a policy."""
    parts = (d.strip().split(None, 1) for d in csp.split(";") if d.strip())
    return {p[0]: (p[1] if len(p) > 1 else "") for p in parts}


@pytest.mark.slow
@pytest.mark.timeout(180)
async def test_voila_page_may_be_framed_by_its_own_origin_only(jp_fetch, jp_root_dir) -> None:  # type: ignore[no-untyped-def]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Framed dashboard")])
    nbformat.write(nb, Path(jp_root_dir) / "board.ipynb")
    r = await jp_fetch("voila", "render", "board.ipynb")
    assert r.code == 200
    assert b"Framed dashboard" in r.body
    assert directives(r.headers["Content-Security-Policy"])["frame-ancestors"] == "'self'"


async def test_other_pages_keep_frame_ancestors_none(jp_fetch) -> None:  # type: ignore[no-untyped-def]
    for path in (("orpheus", "api", "projects"), ("api", "status"), ("api", "contents")):
        r = await jp_fetch(*path)
        assert r.code == 200
        assert directives(r.headers["Content-Security-Policy"])["frame-ancestors"] == "'none'", path
    # A look-alike path outside Voila's pages is not relaxed either.
    r = await jp_fetch("api", "contents", "voila", "render", method="GET", raise_error=False)
    assert r.code == 404
    assert directives(r.headers["Content-Security-Policy"])["frame-ancestors"] == "'none'"
