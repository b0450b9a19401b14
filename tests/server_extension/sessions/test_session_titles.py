"""Session titles in any script, and the slug ``name`` kept in each session record.

Issue 14 item 6, the session half: the title is checked as a project title is
(1-100 characters, no control characters, any script), each record gets a slug
``name`` unique in its project, and ``GET /orpheus/api/names/slug?kind=session``
predicts it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .conftest import create_session, multipart


def fallback(title: str) -> str:
    """The documented slug of a session title without ASCII letters or digits."""
    return f"session-{hashlib.sha256(title.encode()).hexdigest()[:8]}"


async def slug(jp_fetch, **query: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """GET /orpheus/api/names/slug with ``query``."""
    r = await jp_fetch("orpheus", "api", "names", "slug", params=query)
    return json.loads(r.body)  # type: ignore[no-any-return]


def record(root: Path, project: str, session_id: str) -> dict[str, object]:
    """The session record as stored on disk."""
    path = root / "projects" / project / ".orpheus" / "sessions" / f"{session_id}.json"
    return json.loads(path.read_text())  # type: ignore[no-any-return]


async def test_cjk_titles_get_unique_slug_names_in_the_record(jp_fetch, jp_root_dir) -> None:  # type: ignore[no-untyped-def]
    await jp_fetch("orpheus", "api", "projects", method="POST", body=json.dumps({"title": "Team"}))
    predicted = await slug(jp_fetch, title="数据分析", kind="session", project="team")
    assert predicted == {"title": "数据分析", "slug": fallback("数据分析"), "available": True}
    first = await create_session(jp_fetch, {"title": "数据分析", "project": "team"})
    assert first["title"] == "数据分析"
    stored = record(Path(jp_root_dir), "team", first["id"])
    assert (stored["title"], stored["name"]) == ("数据分析", fallback("数据分析"))
    predicted = await slug(jp_fetch, title="数据分析", kind="session", project="team")
    assert predicted == {"title": "数据分析", "slug": f"{fallback('数据分析')}-2", "available": False}
    second = await create_session(jp_fetch, {"title": "数据分析", "project": "team"})
    assert record(Path(jp_root_dir), "team", second["id"])["name"] == f"{fallback('数据分析')}-2"


async def test_rename_keeps_the_slug_name(jp_fetch, jp_root_dir) -> None:  # type: ignore[no-untyped-def]
    made = await create_session(jp_fetch, {"title": "🚀 launch"})
    assert made["title"] == "🚀 launch"
    await jp_fetch("orpheus", "api", "sessions", made["id"], method="PATCH",
                   body=json.dumps({"title": "发布 🚀"}))
    stored = record(Path(jp_root_dir), made["project"], made["id"])
    assert (stored["title"], stored["name"]) == ("发布 🚀", "launch")


async def test_session_title_limits(jp_fetch) -> None:  # type: ignore[no-untyped-def]
    for title, reason in (("x" * 101, b"longer than 100"), ("a\x85b", b"control characters")):
        body, content_type = multipart({"title": title})
        r = await jp_fetch("orpheus", "api", "sessions", method="POST", body=body,
                           headers={"Content-Type": content_type}, raise_error=False)
        assert r.code == 400
        assert reason in r.body


async def test_a_session_without_a_project_makes_one_titled_like_it(jp_fetch) -> None:  # type: ignore[no-untyped-def]
    made = await create_session(jp_fetch, {"title": "数据分析"})
    assert made["project"] == fallback("数据分析")
    assert made["name"] == fallback("数据分析")
    r = await jp_fetch("orpheus", "api", "projects", made["project"])
    assert json.loads(r.body)["title"] == "数据分析"
    again = await create_session(jp_fetch, {"title": "数据分析"})
    assert again["project"] == f"{fallback('数据分析')}-2"
