"""Video Studio's Claude session: the sessions machinery in the project's video folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from .conftest import open_terminal, standin_report

VIDEO = ("orpheus", "api", "projects", "film", "video")


async def start_video_session(jp_fetch: Any, idea: str) -> dict[str, Any]:
    assert (await jp_fetch(*VIDEO, method="POST", body="")).code == 201
    r = await jp_fetch(*VIDEO, "session", method="POST", body=json.dumps({"idea": idea}))
    assert r.code == 201
    return json.loads(r.body)


async def test_the_idea_is_claudes_first_prompt_in_the_video_folder(
    jp_fetch: Any, jp_ws_fetch: Any, jp_root_dir: Path
) -> None:
    idea = "A 10 second intro: our logo bounces in, then the title fades up"
    session = await start_video_session(jp_fetch, idea)
    video = jp_root_dir / "projects" / "film" / "video"
    assert session["path"] == "projects/film/video"
    assert session["project"] == "film"
    term = await open_terminal(jp_ws_fetch, session["terminal"])
    report = standin_report(
        await term.read_until(lambda out: "STANDIN " in out and "\n" in out.split("STANDIN ", 1)[1])
    )
    assert report["argv"] == [idea]
    assert Path(report["cwd"]).resolve() == video.resolve()
    # The Video Studio guide stays; the deny rules are added beside it.
    assert "make(width, height, fps)" in (video / "CLAUDE.md").read_text()
    assert (video / ".claude" / "settings.local.json").is_file()
    listed = json.loads((await jp_fetch("orpheus", "api", "sessions")).body)["sessions"]
    assert [s["id"] for s in listed] == [session["id"]]
    assert listed[0]["path"] == "projects/film/video"


async def test_purging_a_video_session_keeps_the_video_folder(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    session = await start_video_session(jp_fetch, "a sunrise timelapse")
    video = jp_root_dir / "projects" / "film" / "video"
    r = await jp_fetch(
        "orpheus", "api", "sessions", session["id"], method="DELETE", params={"purge": "1"}
    )
    assert json.loads(r.body)["status"] == "purged"
    assert (video / "scenes" / "starter.py").is_file()
    assert not (
        jp_root_dir / "projects" / "film" / ".orpheus" / "sessions" / f"{session['id']}.json"
    ).exists()


@pytest.mark.parametrize(
    "body", [{}, {"idea": ""}, {"idea": "   "}, {"idea": 3}, {"idea": "x" * 4001}]
)
async def test_bad_ideas_are_400(jp_fetch: Any, body: dict[str, Any]) -> None:
    assert (await jp_fetch(*VIDEO, method="POST", body="")).code == 201
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch(*VIDEO, "session", method="POST", body=json.dumps(body))
    assert e.value.code == 400


async def test_a_project_without_video_folder_is_404(jp_fetch: Any) -> None:
    await jp_fetch("orpheus", "api", "projects", method="POST", body=json.dumps({"name": "plain"}))
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch(
            "orpheus",
            "api",
            "projects",
            "plain",
            "video",
            "session",
            method="POST",
            body=json.dumps({"idea": "anything"}),
        )
    assert e.value.code == 404
