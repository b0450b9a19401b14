"""Project titles (any script, kept as typed) apart from folder slugs, over real HTTP.

Issue 14 item 6: "Sales Q3" became ``sales-q3`` with the name lost, "🚀 launch" became
``launch``, and CJK names were refused. Now the title is stored and returned beside the
slug ``name``, and ``GET /orpheus/api/names/slug`` shows the slug before anything is made.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

P = ("orpheus", "api", "projects")
SLUG = ("orpheus", "api", "names", "slug")


def fallback(kind: str, title: str) -> str:
    """The documented slug of a title without ASCII letters or digits."""
    return f"{kind}-{hashlib.sha256(title.encode()).hexdigest()[:8]}"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Sales Q3", "sales-q3"),
        ("🚀 launch", "launch"),
        ("Café Crème", "cafe-creme"),
        ("数据分析", fallback("project", "数据分析")),
        ("🚀🎉", fallback("project", "🚀🎉")),
        ("  Über 2025  ", "uber-2025"),
    ],
)
async def test_title_is_kept_and_slug_derived(api, jp_root_dir: Path, title: str, slug: str) -> None:  # type: ignore[no-untyped-def]
    code, made, r = await api("POST", *P, body={"title": title, "description": "d"})
    assert code == 201, made
    assert made["name"] == slug
    assert made["title"] == title.strip()
    assert r.headers["Location"].endswith(f"/orpheus/api/projects/{slug}")
    record = json.loads((jp_root_dir / "projects" / slug / ".project.json").read_text())
    assert record["title"] == title.strip()
    code, got, _ = await api("GET", *P, slug)
    assert (code, got["title"], got["name"]) == (200, title.strip(), slug)
    code, listed, _ = await api("GET", *P)
    assert [(p["name"], p["title"]) for p in listed["projects"]] == [(slug, title.strip())]


async def test_same_title_twice_gets_a_suffix_not_a_409(api) -> None:  # type: ignore[no-untyped-def]
    names = []
    for _ in range(3):
        code, made, _ = await api("POST", *P, body={"title": "数据分析"})
        assert code == 201, made
        names.append(made["name"])
    base = fallback("project", "数据分析")
    assert names == [base, f"{base}-2", f"{base}-3"]
    code, listed, _ = await api("GET", *P)
    assert {p["title"] for p in listed["projects"]} == {"数据分析"}


async def test_explicit_name_with_title_and_legacy_name_only(api) -> None:  # type: ignore[no-untyped-def]
    code, made, _ = await api("POST", *P, body={"title": "Quarterly Sales 📈", "name": "qs"})
    assert (code, made["name"], made["title"]) == (201, "qs", "Quarterly Sales 📈")
    code, again, _ = await api("POST", *P, body={"title": "Other", "name": "qs"})
    assert code == 409
    assert "already exists" in again["message"]
    code, legacy, _ = await api("POST", *P, body={"name": "Sales Q3"})
    assert (code, legacy["name"], legacy["title"]) == (201, "sales-q3", "Sales Q3")
    code, cjk, _ = await api("POST", *P, body={"name": "数据"})
    assert (code, cjk["name"], cjk["title"]) == (201, fallback("project", "数据"), "数据")


@pytest.mark.parametrize(
    ("title", "reason"),
    [
        ("", "title is empty"),
        ("   ", "title is empty"),
        ("x" * 101, "longer than 100 characters"),
        ("a\nb", "control characters"),
        ("tab\there", "control characters"),
        ("c1\x85control", "control characters"),
        (42, "title must be a string"),
        (None, "title must be a string"),
    ],
)
async def test_bad_titles_are_400_with_reason(api, jp_root_dir: Path, title: object, reason: str) -> None:  # type: ignore[no-untyped-def]
    code, body, _ = await api("POST", *P, body={"title": title})
    assert code == 400, body
    assert reason in body["message"]
    projects = jp_root_dir / "projects"
    assert not projects.exists() or list(projects.iterdir()) == []


async def test_hundred_characters_and_joined_emoji_are_fine(api) -> None:  # type: ignore[no-untyped-def]
    family = "👩\u200d👩\u200d👧 " + "é" * 90
    for title in ("a" * 100, family):
        code, made, _ = await api("POST", *P, body={"title": title})
        assert code == 201, made
        assert made["title"] == title


async def test_rename_changes_title_never_the_folder(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    code, made, _ = await api("POST", *P, body={"title": "Sales Q3"})
    assert code == 201
    code, patched, _ = await api("PATCH", *P, "sales-q3", body={"title": "销售 Q3 🚀"})
    assert code == 200, patched
    assert (patched["name"], patched["title"]) == ("sales-q3", "销售 Q3 🚀")
    assert patched["description"] == ""
    assert (jp_root_dir / "projects" / "sales-q3").is_dir()
    code, listed, _ = await api("GET", *P)
    assert [(p["name"], p["title"]) for p in listed["projects"]] == [("sales-q3", "销售 Q3 🚀")]
    code, bad, _ = await api("PATCH", *P, "sales-q3", body={"title": "x" * 101})
    assert code == 400
    assert "longer than 100" in bad["message"]
    code, bad, _ = await api("PATCH", *P, "sales-q3", body={})
    assert code == 400
    assert "title and/or description" in bad["message"]


async def test_a_project_without_a_stored_title_shows_its_slug(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    folder = jp_root_dir / "projects" / "old-one"
    folder.mkdir(parents=True)
    (folder / ".project.json").write_text(json.dumps({"name": "old-one", "description": "x"}))
    code, got, _ = await api("GET", *P, "old-one")
    assert (code, got["title"]) == (200, "old-one")


async def slug(api, **query: str):  # type: ignore[no-untyped-def]
    """GET /orpheus/api/names/slug?<query> → (status, JSON)."""
    code, body, _ = await api("GET", *SLUG, params=query)
    return code, body


async def test_slug_endpoint_previews_exactly_what_create_makes(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    for title in ("Sales Q3", "数据分析", "🚀 launch"):
        code, preview = await slug(api, title=title, kind="project")
        assert code == 200, preview
        assert set(preview) == {"title", "slug", "available"}
        assert preview["available"] is True
        assert not (jp_root_dir / "projects" / preview["slug"]).exists()  # nothing written
        code, made, _ = await api("POST", *P, body={"title": title})
        assert made["name"] == preview["slug"]
        assert made["title"] == preview["title"] == title
        code, after = await slug(api, title=title)  # kind defaults to project
        assert after == {"title": title, "slug": f"{made['name']}-2", "available": False}


async def test_slug_endpoint_for_sessions(api) -> None:  # type: ignore[no-untyped-def]
    code, preview = await slug(api, title="数据分析", kind="session")
    assert (code, preview) == (200, {"title": "数据分析", "slug": fallback("session", "数据分析"),
                                     "available": True})
    await api("POST", *P, body={"title": "Sales Q3"})
    code, preview = await slug(api, title="Sales Q3", kind="session")
    assert preview == {"title": "Sales Q3", "slug": "sales-q3-2", "available": False}
    code, inside = await slug(api, title="Sales Q3", kind="session", project="sales-q3")
    assert (code, inside) == (200, {"title": "Sales Q3", "slug": "sales-q3", "available": True})


@pytest.mark.parametrize(
    ("query", "status", "reason"),
    [
        ({}, 400, "title is required"),
        ({"title": ""}, 400, "title is empty"),
        ({"title": "x" * 101}, 400, "longer than 100"),
        ({"title": "a\x07b"}, 400, "control characters"),
        ({"title": "ok", "kind": "folder"}, 400, "kind must be one of project, session"),
        ({"title": "ok", "project": "p"}, 400, "project is only for kind=session"),
        ({"title": "ok", "kind": "session", "project": "nope"}, 404, "does not exist"),
        ({"title": "ok", "kind": "session", "project": ".."}, 400, "start with a dot"),
    ],
)
async def test_slug_endpoint_bad_input(api, query: dict[str, str], status: int, reason: str) -> None:  # type: ignore[no-untyped-def]
    code, body = await slug(api, **query)
    assert code == status, body
    assert reason in body["message"]
