"""The unified listing reflects what every app made in a project, through their own APIs.

Sessions (the sessions API with a stand-in ``claude``), notes (notes API), data
files (data import API) and dashboards (Data Studio's analyze + dashboards API)
are made through the real endpoints; a video render is placed by folder
convention (docs/use/projects.md), since rendering one takes MoviePy seconds.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

P = ("orpheus", "api", "projects")
STANDIN = Path(__file__).resolve().parents[2] / "fakes" / "claude_standin.py"


@pytest.fixture
def jp_server_config(tmp_path: Path) -> dict[str, Any]:
    """Orpheus with its contents manager; session terminals run the stand-in claude."""
    home = tmp_path / "home"
    home.mkdir()
    return {
        "ServerApp": {
            "jpserver_extensions": {"orpheus": True},
            "contents_manager_class": "orpheus.contents.OrpheusContentsManager",
        },
        "ClaudeSessionManager": {
            "claude_command": [sys.executable, str(STANDIN)],
            "home_dir": str(home),
            "anthropic_base_url": "http://127.0.0.1:9/llm/anthropic",
            "anthropic_auth_token": "listing-test-token",
            "reap_interval": 3600.0,
        },
    }


DASHBOARD = {
    "title": "Sales",
    "data_source": {"file": "sales.csv", "table": None, "filters": []},
    "layout": {"columns": 12, "row_height": 80},
    "widgets": [{"id": "n", "type": "markdown", "text": "hello",
                 "position": {"x": 0, "y": 0, "w": 4, "h": 2}}],
}


def _multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


async def test_listing_counts_every_app_and_sorts_by_last_change(api, jp_fetch, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    assert (await api("POST", *P, body={"name": "beta"}))[0] == 201
    assert (await api("POST", *P, body={"name": "alpha"}))[0] == 201

    body, ctype = _multipart({"title": "Explore", "project": "alpha", "mode": "claude"})
    r = await jp_fetch("orpheus", "api", "sessions", method="POST", body=body,
                       headers={"Content-Type": ctype})
    assert r.code == 201
    session = json.loads(r.body)
    await api("DELETE", "orpheus", "api", "sessions", session["id"])  # the record stays

    assert (await api("POST", *P, "alpha", "notes", body={"title": "Idea"}))[0] == 201
    (jp_root_dir / "sales.csv").write_text("a,b\n1,2\n")
    assert (await api("POST", *P, "alpha", "data", "import", body={"paths": ["sales.csv"]}))[0] == 201

    # Data Studio: analyse the imported file, then a dashboard spec through its API.
    assert (await api("POST", *P, "alpha", "analyze", body={}))[0] == 200
    code, dash, _ = await api("POST", *P, "alpha", "dashboards", body=DASHBOARD)
    assert code == 201, dash
    alpha = jp_root_dir / "projects" / "alpha"
    assert (alpha / "dashboards" / f"{dash['spec']['id']}.ipynb").is_file()  # derived, not counted
    (alpha / "video" / "out").mkdir(parents=True)
    (alpha / "video" / "out" / "final.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (alpha / "video" / "out" / ".partial.mp4").write_bytes(b"")  # hidden, not counted

    code, listing, _ = await api("GET", *P)
    assert code == 200
    assert [p["name"] for p in listing["projects"]] == ["alpha", "beta"]
    got = listing["projects"][0]
    counts = {app: v["count"] for app, v in got["contents"].items()}
    assert counts == {"sessions": 1, "notes": 1, "data": 1, "dashboards": 1, "videos": 1}
    assert all(v["last_change"] for v in got["contents"].values())
    assert got["last_change"] == max(
        [got["updated_at"], *(v["last_change"] for v in got["contents"].values())]
    )
    assert {"sessions", "datastudio"} <= set(got["apps"])
    empty = listing["projects"][1]
    assert {v["count"] for v in empty["contents"].values()} == {0}

    # A change in beta moves it to the top.
    assert (await api("POST", *P, "beta", "notes", body={"title": "Later"}))[0] == 201
    _, listing, _ = await api("GET", *P)
    assert [p["name"] for p in listing["projects"]] == ["beta", "alpha"]


async def test_listing_skips_folders_that_are_not_projects(api, jp_root_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    projects = jp_root_dir / "projects"
    (projects / "real").mkdir(parents=True)  # made in the file browser: listed, record made up
    (projects / ".hidden").mkdir()
    (projects / "Not A Slug").mkdir()
    (projects / "stray.txt").write_text("x")
    (tmp_path / "elsewhere").mkdir()
    (projects / "link").symlink_to(tmp_path / "elsewhere")
    code, listing, _ = await api("GET", *P)
    assert code == 200
    assert [p["name"] for p in listing["projects"]] == ["real"]
    assert listing["projects"][0]["apps"] == []
