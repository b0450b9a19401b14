"""Video Studio fixtures: a real server with a scaffolded project."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    return {
        "ServerApp": {"jpserver_extensions": {"orpheus": True}},
        "RenderQueue": {"max_waiting": 1},
    }


async def scaffold(jp_fetch: Any) -> str:
    """Scaffold the video folder of a project named ``film`` (pytest-jupyter has no async fixtures)."""
    r = await jp_fetch("orpheus", "api", "projects", "film", "video", method="POST", body="")
    assert r.code == 201
    assert "starter" in json.loads(r.body)["scenes"]
    return "film"


async def render_starter(jp_fetch: Any, root: Path) -> tuple[str, bytes]:
    """Scaffold and render the starter scene; (file name, its bytes)."""
    await scaffold(jp_fetch)
    r = await jp_fetch(
        "orpheus",
        "api",
        "projects",
        "film",
        "video",
        "render",
        method="POST",
        body=json.dumps({"scene": "starter"}),
        request_timeout=120,
    )
    name = json.loads(r.body)["file"]
    return name, (root / "projects" / "film" / "video" / "out" / name).read_bytes()
