"""Links out of the Jupyter root are never followed by the apps (issue 13, item 8).

A project folder may hold a link (made in a terminal or kernel) to a folder
outside the root: another user's home, or any other place. Data Studio (analysis,
dashboards), Video Studio (renders list/serve/delete) and the session recording
refuse such a link with a 403 naming it, and nothing is read from or written to
its target.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from .server_helpers import CSV, create_project, other_user, refused, tree


@pytest.fixture
def bob(jp_root_dir: Path) -> Path:
    """A sibling user-like folder next to the Jupyter root."""
    return other_user(jp_root_dir.parent)


def _project(root: Path, name: str = "p", data: bool = True) -> Path:
    folder = root / "projects" / name
    if data:
        (folder / "data").mkdir(parents=True, exist_ok=True)
        (folder / "data" / "sales.csv").write_text(CSV)
    return folder


# ---- Data Studio: analysis -------------------------------------------------------------
async def test_analysis_refuses_a_data_folder_link(jp_fetch: Any, jp_root_dir: Path, bob: Path) -> None:
    await create_project(jp_fetch, "p")
    folder = _project(jp_root_dir, data=False)
    (folder / "data").symlink_to(bob / "projects" / "secret" / "data")
    before = tree(bob)
    await refused(jp_fetch, "projects", "p", "analyze", method="POST", words=("data",))
    assert tree(bob) == before
    assert not (folder / ".analysis").exists()


@pytest.mark.parametrize("elsewhere", ["bob", "outside"])
async def test_analysis_refuses_an_output_link(jp_fetch: Any, jp_root_dir: Path, bob: Path,
                                               tmp_path: Path, elsewhere: str) -> None:
    await create_project(jp_fetch, "p")
    folder = _project(jp_root_dir)
    target = bob / "projects" / "secret" / ".analysis" if elsewhere == "bob" else tmp_path / "out"
    target.mkdir(exist_ok=True)
    (folder / ".analysis").symlink_to(target)
    before = tree(target.parent)
    await refused(jp_fetch, "projects", "p", "analysis", words=(".analysis",))
    await refused(jp_fetch, "projects", "p", "analyze", method="POST", words=(".analysis",))
    assert tree(target.parent) == before


# ---- Data Studio: dashboards ---------------------------------------------------------------
@pytest.mark.parametrize("link", ["dashboards", "dashboards/.cache", "dashboards/.history", ".analysis"])
async def test_generate_never_writes_through_a_link(jp_fetch: Any, jp_root_dir: Path, bob: Path,
                                                    link: str) -> None:
    await create_project(jp_fetch, "p")
    folder = _project(jp_root_dir)
    if link == "dashboards/.history":  # history is written on the first save: analyse and create first
        r = await jp_fetch("orpheus", "api", "projects", "p", "dashboards", "generate",
                           method="POST", body="{}")
        spec = json.loads(r.body)["spec"]
    target = bob / "projects" / "secret" / link.split("/")[-1].lstrip(".")
    target.mkdir(parents=True, exist_ok=True)
    (folder / link).parent.mkdir(parents=True, exist_ok=True)
    (folder / link).symlink_to(target)
    before = tree(bob)
    if link == "dashboards/.history":
        await refused(jp_fetch, "projects", "p", "dashboards", spec["id"], method="PUT",
                      body={**spec, "title": "changed"})
    else:
        await refused(jp_fetch, "projects", "p", "dashboards", "generate", method="POST")
        await refused(jp_fetch, "projects", "p", "dashboards")
    assert tree(bob) == before


async def test_dashboard_spec_link_is_not_read(jp_fetch: Any, jp_root_dir: Path, bob: Path) -> None:
    await create_project(jp_fetch, "p")
    folder = _project(jp_root_dir)
    (folder / "dashboards").mkdir()
    secret = bob / "projects" / "secret" / "dashboards" / "mine.json"
    secret.write_text(json.dumps({"id": "mine", "title": "bob's", "widgets": []}))
    (folder / "dashboards" / "mine.json").symlink_to(secret)
    before = tree(bob)
    for method in ("GET", "DELETE"):
        await refused(jp_fetch, "projects", "p", "dashboards", "mine", method=method)
    r = await jp_fetch("orpheus", "api", "projects", "p", "dashboards")
    assert json.loads(r.body)["dashboards"] == []
    assert tree(bob) == before


# ---- Video Studio ------------------------------------------------------------------------
@pytest.mark.parametrize("link", ["video", "video/out"])
async def test_renders_are_not_listed_served_or_deleted_through_a_link(
        jp_fetch: Any, jp_root_dir: Path, bob: Path, link: str) -> None:
    await create_project(jp_fetch, "p")
    folder = _project(jp_root_dir, data=False)
    (folder / "video" / "scenes").mkdir(parents=True)
    if link == "video":
        (folder / "video" / "scenes").rmdir()
        (folder / "video").rmdir()
    (folder / link).symlink_to(bob / "projects" / "secret" / link)
    before = tree(bob)
    name = "intro-20260101T000000Z.mp4"
    await refused(jp_fetch, "projects", "p", "video", "renders")
    await refused(jp_fetch, "projects", "p", "video")
    for method in ("GET", "HEAD", "DELETE"):
        r = await jp_fetch("orpheus", "api", "projects", "p", "video", "renders", name,
                           method=method, raise_error=False, allow_nonstandard_methods=True)
        assert r.code == 403, (method, r.code, r.body[:300])
        if method != "HEAD":
            assert "is a link that leads outside the project" in json.loads(r.body)["message"]
    assert tree(bob) == before


# ---- Session recording -----------------------------------------------------------------------
@pytest.mark.parametrize("elsewhere", ["bob", "outside"])
async def test_recording_link_is_not_served(jp_fetch: Any, jp_root_dir: Path, bob: Path,
                                            tmp_path: Path, elsewhere: str) -> None:
    await create_project(jp_fetch, "p")
    folder = _project(jp_root_dir, data=False)
    records = folder / ".orpheus" / "sessions"
    records.mkdir(parents=True)
    session_id = "0123456789ab"
    (folder / "sessions" / session_id).mkdir(parents=True)
    record = {"id": session_id, "title": "t", "project": "p", "mode": "claude",
              "created": "2026-01-01T00:00:00+00:00", "status": "terminated"}
    (records / f"{session_id}.json").write_text(json.dumps(record))
    if elsewhere == "bob":
        target = bob / "projects" / "secret" / ".orpheus" / "sessions" / "bob.cast"
    else:
        target = tmp_path / "elsewhere.cast"
        target.write_text("outside secret\n")
    (records / f"{session_id}.cast").symlink_to(target)
    before = tree(target.parent)
    await refused(jp_fetch, "sessions", session_id, "recording", words=("recording",))
    assert tree(target.parent) == before


# ---- Projects: the record and the per-app counts ------------------------------------------------
async def test_project_record_and_counts_do_not_follow_links(jp_fetch: Any, jp_root_dir: Path,
                                                             bob: Path) -> None:
    await create_project(jp_fetch, "p")
    folder = _project(jp_root_dir, data=False)
    secret = bob / "projects" / "secret"
    (secret / ".project.json").write_text(json.dumps({"name": "p", "description": "bob only"}))
    (folder / ".project.json").unlink()
    (folder / ".project.json").symlink_to(secret / ".project.json")
    (secret / ".orpheus" / "sessions" / "0123456789ab.json").write_text("{}")
    (folder / ".orpheus").symlink_to(secret / ".orpheus")
    before = tree(bob)
    r = await jp_fetch("orpheus", "api", "projects", "p")
    model = json.loads(r.body)
    assert model["description"] == ""
    assert model["contents"]["sessions"]["count"] == 0
    assert "bob" not in r.body.decode()
    assert tree(bob) == before


async def test_a_render_never_writes_through_a_planted_link(jp_fetch: Any, jp_root_dir: Path,
                                                            tmp_path: Path) -> None:
    r = await jp_fetch("orpheus", "api", "projects", "film", "video", method="POST", body="")
    assert r.code == 201
    out = jp_root_dir / "projects" / "film" / "video" / "out"
    victims = tmp_path / "victims"
    victims.mkdir()
    now = time.time()
    for second in range(0, 8):  # the render is named after the second it is asked for
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now + second))
        for suffix in (".mp4", ".log"):
            (out / f"starter-{stamp}{suffix}").symlink_to(victims / f"{stamp}{suffix}")
    r = await jp_fetch("orpheus", "api", "projects", "film", "video", "render", method="POST",
                       body=json.dumps({"scene": "starter", "quality": "low"}), request_timeout=120)
    assert r.code == 201, r.body
    made = out / json.loads(r.body)["file"]
    assert made.is_file()
    assert not made.is_symlink()
    assert list(victims.iterdir()) == []


async def test_trash_folder_link_is_neither_filled_nor_restored_from(
        jp_fetch: Any, jp_root_dir: Path, bob: Path) -> None:
    await create_project(jp_fetch, "p")
    bob_trash = bob / ".orpheus-trash"
    (bob_trash / "secret-20260101T000000000000Z" / "data").mkdir(parents=True)
    (bob_trash / "secret-20260101T000000000000Z" / "data" / "x.csv").write_text(CSV)
    (jp_root_dir / ".orpheus-trash").symlink_to(bob_trash)
    before = tree(bob)
    r = await jp_fetch("orpheus", "api", "projects", "p", method="DELETE", raise_error=False)
    assert r.code == 403, r.body
    assert "is a link that leads outside your Jupyter root" in json.loads(r.body)["message"]
    assert (jp_root_dir / "projects" / "p" / ".project.json").is_file()
    r = await jp_fetch("orpheus", "api", "trash", "secret-20260101T000000000000Z", "restore",
                       method="POST", body="{}", raise_error=False)
    assert r.code == 403, r.body
    assert not (jp_root_dir / "projects" / "secret").exists()
    assert tree(bob) == before


async def test_projects_folder_link_lists_nothing_of_the_target(jp_fetch: Any, jp_root_dir: Path,
                                                                bob: Path) -> None:
    secret = bob / "projects" / "secret"
    (secret / ".project.json").write_text(json.dumps({"name": "secret", "description": "bob only"}))
    record = {"id": "0123456789ab", "title": "bob's session", "project": "secret", "mode": "claude"}
    (secret / ".orpheus" / "sessions" / "0123456789ab.json").write_text(json.dumps(record))
    (jp_root_dir / "projects").symlink_to(bob / "projects")
    before = tree(bob)
    for path in (("projects",), ("sessions",), ("sessions", "0123456789ab"),
                 ("projects", "secret", "notes")):
        r = await jp_fetch("orpheus", "api", *path, raise_error=False)
        assert r.code == 403, (path, r.code, r.body[:300])
        assert "is a link that leads outside your Jupyter root" in json.loads(r.body)["message"]
        assert "bob" not in r.body.decode()
    assert tree(bob) == before


async def test_chat_and_insights_do_not_load_a_linked_data_folder(jp_fetch: Any, jp_root_dir: Path,
                                                                  bob: Path) -> None:
    await create_project(jp_fetch, "p")
    folder = _project(jp_root_dir, data=False)
    (folder / "data").symlink_to(bob / "projects" / "secret" / "data")
    before = tree(bob)
    await refused(jp_fetch, "projects", "p", "chat", method="POST", body={"message": "sum it"},
                  words=("data/",))
    await refused(jp_fetch, "projects", "p", "analysis", "insights", method="POST", words=("data/",))
    assert tree(bob) == before
