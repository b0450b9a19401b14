"""Projects over HTTP against a real jupyter server: CRUD, names, trash, the listing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

P = ("orpheus", "api", "projects")


async def test_create_get_patch_list_round_trip(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    code, made, r = await api("POST", *P, body={"name": "Sales Q3", "description": "first"})
    assert code == 201, made
    assert made["name"] == "sales-q3"
    assert made["path"] == "projects/sales-q3"
    assert r.headers["Location"].endswith("/orpheus/api/projects/sales-q3")
    record = json.loads((jp_root_dir / "projects" / "sales-q3" / ".project.json").read_text())
    assert record["description"] == "first"
    assert record["created_at"] == made["created_at"]

    code, got, _ = await api("GET", *P, "sales-q3")
    assert code == 200
    assert got["description"] == "first"
    assert set(got["contents"]) == {"sessions", "notes", "data", "dashboards", "videos"}

    code, patched, _ = await api("PATCH", *P, "sales-q3", body={"description": "second"})
    assert code == 200
    assert patched["description"] == "second"
    assert patched["updated_at"] > made["updated_at"]
    assert patched["created_at"] == made["created_at"]

    code, listed, _ = await api("GET", *P)
    assert [p["name"] for p in listed["projects"]] == ["sales-q3"]
    assert listed["projects"][0]["description"] == "second"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("ünïcödé ✨", None),  # accented Latin letters fold to ASCII: accepted as "unicode"
        ("   ", "empty"),
        ("x" * 65, "longer than 64"),  # a folder name asked for; titles may be longer
        ("..", "start with a dot"),
        (".hidden", "start with a dot"),
        ("a/b", "path separators"),
        ("a\\b", "path separators"),
        ("nul\x00here", "control characters"),
        ("x\nb", "control characters"),
        (42, "must be a string"),
    ],
)
async def test_bad_names_are_400_with_reason(api, jp_root_dir: Path, name: object, reason: str | None) -> None:  # type: ignore[no-untyped-def]
    code, body, _ = await api("POST", *P, body={"name": name})
    if reason is None:
        assert code == 201
        assert body["name"] == "unicode"
        return
    assert code == 400, body
    assert reason in body["message"]
    projects = jp_root_dir / "projects"
    assert not projects.exists() or list(projects.iterdir()) == []


@pytest.mark.parametrize(
    ("escaped", "reason"),
    [
        ("a%2Fb", "path separators"),
        ("nul%00x", "control characters"),
        ("%2E%2E", "start with a dot"),
        ("%20%20", "empty"),
        ("%2Ehidden", "start with a dot"),
    ],
)
async def test_bad_names_in_the_url_are_400(raw_api, escaped: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    for method in ("GET", "PATCH", "DELETE"):
        code, body = await raw_api(
            method, f"orpheus/api/projects/{escaped}", body={"description": "x"} if method == "PATCH" else None
        )
        assert code == 400, (method, body)
        assert reason in body["message"]


async def test_name_that_sanitizes_to_an_existing_project_is_409(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    assert (await api("POST", *P, body={"name": "My Data", "description": "keep me"}))[0] == 201
    code, body, _ = await api("POST", *P, body={"name": "my_data", "description": "other"})
    assert code == 409
    assert "'my-data' already exists" in body["message"]
    record = json.loads((jp_root_dir / "projects" / "my-data" / ".project.json").read_text())
    assert record["description"] == "keep me"


async def test_bad_bodies_are_400(api) -> None:  # type: ignore[no-untyped-def]
    code, body, _ = await api("POST", *P, body="not json")
    assert code == 400
    assert "not valid JSON" in body["message"]
    code, body, _ = await api("POST", *P, body={"name": "x", "colour": "red"})
    assert code == 400
    assert "colour" in body["message"]
    code, body, _ = await api("POST", *P, body={"description": "no name"})
    assert code == 400
    assert "title is required" in body["message"]
    await api("POST", *P, body={"name": "x"})
    code, body, _ = await api("PATCH", *P, "x", body={"description": 7})
    assert code == 400
    assert "description must be a string" in body["message"]
    code, body, _ = await api("PATCH", *P, "x", body={"description": "d" * 2001})
    assert code == 400
    assert "longer than 2000" in body["message"]


async def test_missing_project_is_404(api) -> None:  # type: ignore[no-untyped-def]
    for method in ("GET", "DELETE"):
        code, body, _ = await api(method, *P, "nope")
        assert code == 404
        assert body["message"] == "project 'nope' does not exist"
    code, body, _ = await api("PATCH", *P, "nope", body={"description": "x"})
    assert code == 404


async def test_delete_moves_to_trash_and_purge_deletes(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    await api("POST", *P, body={"name": "old"})
    (jp_root_dir / "projects" / "old" / "notes").mkdir()
    (jp_root_dir / "projects" / "old" / "notes" / "n.md").write_text("keep")
    code, body, _ = await api("DELETE", *P, "old")
    assert code == 200
    assert body["purged"] is False
    trashed = jp_root_dir / body["trash_path"]
    assert trashed.parent == jp_root_dir / ".orpheus-trash"
    assert (trashed / "notes" / "n.md").read_text() == "keep"
    assert not (jp_root_dir / "projects" / "old").exists()
    assert (await api("GET", *P, "old"))[0] == 404

    await api("POST", *P, body={"name": "old"})  # the name is free again
    code, body, _ = await api("DELETE", *P, "old", params={"purge": "1"})
    assert code == 200
    assert body["purged"] is True
    assert not (jp_root_dir / "projects" / "old").exists()
    assert len(list((jp_root_dir / ".orpheus-trash").iterdir())) == 1


async def test_delete_never_follows_links_out_of_the_project(api, jp_root_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("precious")
    await api("POST", *P, body={"name": "linky"})
    project = jp_root_dir / "projects" / "linky"
    os.symlink(outside, project / "data")
    code, _, _ = await api("DELETE", *P, "linky", params={"purge": "1"})
    assert code == 200
    assert (outside / "precious.txt").read_text() == "precious"

    # A project folder that is itself a link is refused, and its target untouched.
    os.symlink(outside, jp_root_dir / "projects" / "alias")
    code, body, _ = await api("DELETE", *P, "alias", params={"purge": "1"})
    assert code == 403
    assert "link" in body["message"]
    assert (outside / "precious.txt").exists()
    assert (jp_root_dir / "projects" / "alias").is_symlink()


async def test_trash_lists_restores_and_purges(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    await api("POST", *P, body={"name": "keep", "description": "mine"})
    (jp_root_dir / "projects" / "keep" / "notes").mkdir()
    (jp_root_dir / "projects" / "keep" / "notes" / "n.md").write_text("note")
    _, deleted, _ = await api("DELETE", *P, "keep")
    code, trash, _ = await api("GET", "orpheus", "api", "trash")
    assert code == 200
    [entry] = trash["trash"]
    assert entry["name"] == "keep"
    assert entry["path"] == deleted["trash_path"]

    # The name was taken again meanwhile: restoring over it is refused, under a new name works.
    await api("POST", *P, body={"name": "keep"})
    code, err, _ = await api("POST", "orpheus", "api", "trash", entry["entry"], "restore")
    assert code == 409
    assert "restore under another name" in err["message"]
    code, restored, _ = await api(
        "POST", "orpheus", "api", "trash", entry["entry"], "restore", body={"name": "Keep Old"}
    )
    assert code == 201
    assert restored["name"] == "keep-old"
    assert restored["description"] == "mine"
    assert restored["contents"]["notes"]["count"] == 1
    assert (await api("GET", "orpheus", "api", "trash"))[1]["trash"] == []

    await api("DELETE", *P, "keep-old")
    [entry] = (await api("GET", "orpheus", "api", "trash"))[1]["trash"]
    code, _, _ = await api("DELETE", "orpheus", "api", "trash", entry["entry"])
    assert code == 204
    assert list((jp_root_dir / ".orpheus-trash").iterdir()) == []


async def test_trash_entry_names_are_checked(api, raw_api) -> None:  # type: ignore[no-untyped-def]
    for escaped in ("..", "%2E%2E", "x%2Fy", "not-an-entry"):
        code, body = await raw_api("DELETE", f"orpheus/api/trash/{escaped}")
        assert code == 400, (escaped, body)
        assert "trash entry" in body["message"]
        assert "is not valid" in body["message"]
    code, body, _ = await api("POST", "orpheus", "api", "trash", "gone-20260101T000000000000Z", "restore")
    assert code == 404
    assert "does not exist" in body["message"]


async def test_old_trash_entries_are_purged_on_delete(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    trash = jp_root_dir / ".orpheus-trash"
    (trash / "ancient-20200101T000000000000Z" / "notes").mkdir(parents=True)
    (trash / "not-ours").mkdir()  # not a trash entry name: left alone
    await api("POST", *P, body={"name": "fresh"})
    code, deleted, _ = await api("DELETE", *P, "fresh")
    assert code == 200
    assert sorted(p.name for p in trash.iterdir()) == sorted(["not-ours", deleted["trash_path"].split("/")[1]])
