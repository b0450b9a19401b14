"""Notes over HTTP: CRUD, YAML front matter on disk, stale edits refused, JupyterLab edits agree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

P = ("orpheus", "api", "projects")


async def make_project(api) -> str:  # type: ignore[no-untyped-def]
    """Create the project the notes go in (through the API, like a user)."""
    code, body, _ = await api("POST", *P, body={"name": "notebook"})
    assert code == 201, body
    return str(body["name"])


def _on_disk(root: Path, note_id: str) -> tuple[dict[str, object], str]:
    text = (root / "projects" / "notebook" / "notes" / f"{note_id}.md").read_text()
    _, meta, body = text.split("---\n", 2)
    return yaml.safe_load(meta), body


async def test_note_crud_round_trip(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    project = await make_project(api)
    code, note, r = await api(
        "POST",
        *P,
        project,
        "notes",
        body={"title": "Kick-off ✨", "body": "# Plan\n\n- one\n", "tags": ["a", "b", "a"]},
    )
    assert code == 201, note
    assert note["id"] == "kick-off"
    assert note["tags"] == ["a", "b"]
    assert r.headers["ETag"] == f'"{note["revision"]}"'
    meta, body = _on_disk(jp_root_dir, "kick-off")
    assert meta["title"] == "Kick-off ✨"
    assert meta["id"] == "kick-off"
    assert meta["created_at"] == note["created_at"]
    assert meta["updated_at"] == note["updated_at"]
    assert body == "# Plan\n\n- one\n"

    code, got, r = await api("GET", *P, project, "notes", "kick-off")
    assert code == 200
    assert got["body"] == "# Plan\n\n- one\n"
    assert got["revision"] == note["revision"]

    code, upd, r2 = await api(
        "PUT", *P, project, "notes", "kick-off", body={"body": "changed"}, headers={"If-Match": r.headers["ETag"]}
    )
    assert code == 200, upd
    assert upd["title"] == "Kick-off ✨"
    assert upd["body"] == "changed"
    assert upd["revision"] != note["revision"]
    assert r2.headers["ETag"] == f'"{upd["revision"]}"'
    assert upd["created_at"] == note["created_at"]

    code, second, _ = await api("POST", *P, project, "notes", body={"title": "Kick-off"})
    assert code == 201
    assert second["id"] == "kick-off-2"
    code, listed, _ = await api("GET", *P, project, "notes")
    assert [n["id"] for n in listed["notes"]] == ["kick-off-2", "kick-off"]
    assert "body" not in listed["notes"][0]

    code, _, _ = await api("DELETE", *P, project, "notes", "kick-off")
    assert code == 204
    assert not (jp_root_dir / "projects" / "notebook" / "notes" / "kick-off.md").exists()
    code, body, _ = await api("GET", *P, project, "notes", "kick-off")
    assert code == 404
    assert body["message"] == "note 'kick-off' does not exist"


async def test_stale_update_is_409_and_both_versions_survive(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    project = await make_project(api)
    _, note, r = await api("POST", *P, project, "notes", body={"title": "Shared", "body": "v1"})
    etag = r.headers["ETag"]
    # Two editors load revision 1; the first saves.
    code, first, _ = await api(
        "PUT", *P, project, "notes", "shared", body={"body": "alice's edit"}, headers={"If-Match": etag}
    )
    assert code == 200
    # The second, still on revision 1, is refused and told why.
    code, err, _ = await api(
        "PUT", *P, project, "notes", "shared", body={"body": "bob's edit"}, headers={"If-Match": etag}
    )
    assert code == 409
    assert "changed since you loaded it" in err["message"]
    assert first["revision"] in err["message"]
    assert _on_disk(jp_root_dir, "shared")[1] == "alice's edit"
    # Bob reloads, merges, and saves against the current revision.
    _, cur, r = await api("GET", *P, project, "notes", "shared")
    code, merged, _ = await api(
        "PUT",
        *P,
        project,
        "notes",
        "shared",
        body={"body": cur["body"] + "\nbob's edit"},
        headers={"If-Match": r.headers["ETag"]},
    )
    assert code == 200
    assert merged["body"] == "alice's edit\nbob's edit"
    # updated_at works as the revision too; a stale delete is refused.
    code, _, _ = await api(
        "PUT", *P, project, "notes", "shared", body={"body": "late", "updated_at": note["updated_at"]}
    )
    assert code == 409
    code, _, _ = await api("DELETE", *P, project, "notes", "shared", headers={"If-Match": etag})
    assert code == 409
    assert _on_disk(jp_root_dir, "shared")[1] == "alice's edit\nbob's edit"


async def test_jupyterlab_edit_and_api_agree(api) -> None:  # type: ignore[no-untyped-def]
    project = await make_project(api)
    _, note, r = await api("POST", *P, project, "notes", body={"title": "Lab", "body": "from api"})
    path = f"projects/{project}/notes/lab.md"
    # Edit the file the way JupyterLab's editor saves it: through /api/contents.
    code, model, _ = await api("GET", "api", "contents", path, params={"content": "1"})
    text = model["content"].replace("from api", "edited in lab").replace("title: Lab", "title: Lab v2")
    code, _, _ = await api("PUT", "api", "contents", path, body={"type": "file", "format": "text", "content": text})
    assert code == 200
    code, got, _ = await api("GET", *P, project, "notes", "lab")
    assert got["body"] == "edited in lab"
    assert got["title"] == "Lab v2"
    # The API's old revision is now stale.
    code, _, _ = await api(
        "PUT", *P, project, "notes", "lab", body={"body": "x"}, headers={"If-Match": r.headers["ETag"]}
    )
    assert code == 409

    # A note made in the file browser without front matter is listed and editable.
    code, _, _ = await api(
        "PUT",
        "api",
        "contents",
        f"projects/{project}/notes/My Ideas.md",
        body={"type": "file", "format": "text", "content": "# Big idea\nbody"},
    )
    assert code == 201
    _, listed, _ = await api("GET", *P, project, "notes")
    plain = next(n for n in listed["notes"] if n["id"] == "My Ideas")
    assert plain["title"] == "Big idea"
    assert plain["tags"] == []
    code, upd, _ = await api("PUT", *P, project, "notes", "My Ideas", body={"tags": ["x"]})
    assert code == 200
    assert upd["body"] == "# Big idea\nbody"
    assert upd["tags"] == ["x"]


async def test_broken_front_matter_is_reported_not_a_500(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    project = await make_project(api)
    notes = jp_root_dir / "projects" / project / "notes"
    notes.mkdir()
    (notes / "bad.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    code, got, _ = await api("GET", *P, project, "notes", "bad")
    assert code == 200
    assert "not valid YAML" in got["problem"]
    code, fixed, _ = await api("PUT", *P, project, "notes", "bad", body={"title": "Fixed", "body": "body\n"})
    assert code == 200
    assert "problem" not in fixed
    assert yaml.safe_load((notes / "bad.md").read_text().split("---\n")[1])["title"] == "Fixed"


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ({"title": 5}, 400, "title must be a string"),
        ({"title": "a\nb"}, 400, "one line"),
        ({"title": "t" * 201}, 400, "longer than 200"),
        ({"tags": "a"}, 400, "list of strings"),
        ({"tags": [""]}, 400, "each tag"),
        ({"body": 3}, 400, "body must be a string"),
        ({"body": "a\x00b"}, 400, "NUL"),
        ({"colour": 1}, 400, "unknown field"),
        ({"id": "../x"}, 400, "path separators"),
        ({"id": ".x"}, 400, "start with a dot"),
        ({"body": "x" * (1024 * 1024 + 1)}, 413, "limit"),
    ],
)
async def test_bad_note_input(api, jp_root_dir: Path, body: dict[str, object], status: int, reason: str) -> None:  # type: ignore[no-untyped-def]
    project = await make_project(api)
    code, err, _ = await api("POST", *P, project, "notes", body=body)
    assert code == status, err
    assert reason in err["message"]
    notes = jp_root_dir / "projects" / project / "notes"
    assert not notes.exists() or [p.name for p in notes.iterdir()] == []


async def test_bad_note_ids_in_url(api, raw_api) -> None:  # type: ignore[no-untyped-def]
    project = await make_project(api)
    for escaped, reason in [
        ("a%2Fb", "path separators"),
        ("%2E%2E", "path segment is never an id"),
        ("%2Ex", "start with a dot"),
        ("x%00", "control"),
    ]:
        code, body = await raw_api("GET", f"orpheus/api/projects/{project}/notes/{escaped}")
        assert code == 400, body
        assert reason in body["message"]
    code, body = await raw_api("GET", "orpheus/api/projects/nope/notes")
    assert code == 404
    assert "project 'nope'" in body["message"]


async def test_explicit_id_conflict_is_409(api) -> None:  # type: ignore[no-untyped-def]
    project = await make_project(api)
    assert (await api("POST", *P, project, "notes", body={"id": "fixed", "body": "one"}))[0] == 201
    code, err, _ = await api("POST", *P, project, "notes", body={"id": "Fixed", "body": "two"})
    assert code == 409
    assert "'fixed' already exists" in err["message"]
    _, got, _ = await api("GET", *P, project, "notes", "fixed")
    assert got["body"] == "one"
    assert json.loads(json.dumps(got))["title"] == "Untitled"


async def test_notes_never_reach_through_links(api, jp_root_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = await make_project(api)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("secret")
    notes = jp_root_dir / "projects" / project / "notes"
    notes.symlink_to(outside)
    for method, parts, body in [
        ("GET", ("secret",), None),
        ("PUT", ("secret",), {"body": "x"}),
        ("DELETE", ("secret",), None),
        ("POST", (), {"title": "t"}),
        ("GET", (), None),
    ]:
        code, err, _ = await api(method, *P, project, "notes", *parts, body=body)
        assert code == 403, (method, parts, err)
        assert "link" in err["message"]
    assert (outside / "secret.md").read_text() == "secret"
    assert [p.name for p in outside.iterdir()] == ["secret.md"]

    notes.unlink()
    notes.mkdir()
    (notes / "alias.md").symlink_to(outside / "secret.md")
    code, err, _ = await api("GET", *P, project, "notes", "alias")
    assert code == 403
    _, listed, _ = await api("GET", *P, project, "notes")
    assert listed["notes"] == []
