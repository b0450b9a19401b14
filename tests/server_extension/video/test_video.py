"""Video Studio against a real jupyter server, rendering real MP4s with MoviePy."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import av
import pytest
from tornado.httpclient import HTTPClientError

from .conftest import scaffold

API = ("orpheus", "api", "projects", "film", "video")


def sse_events(body: bytes) -> list[tuple[str, dict[str, Any]]]:
    """Parse a text/event-stream body into (event, data) pairs."""
    events = []
    for block in body.decode().strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


async def render(jp_fetch: Any, scene: str = "starter", **headers: str) -> Any:
    return await jp_fetch(
        *API,
        "render",
        method="POST",
        body=json.dumps({"scene": scene, "quality": "low"}),
        headers=headers,
        request_timeout=120,
    )


async def test_scaffold_is_idempotent_and_keeps_user_edits(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    await scaffold(jp_fetch)
    video = jp_root_dir / "projects" / "film" / "video"
    assert {p.name for p in video.iterdir()} >= {"scenes", "assets", "out", "CLAUDE.md"}
    guide = (video / "CLAUDE.md").read_text()
    assert "120 seconds" in guide
    assert "480 × 270" in guide
    (video / "scenes" / "starter.py").write_text("# my edit\n")
    r = await jp_fetch(*API, method="POST", body="")
    assert r.code == 200
    assert (video / "scenes" / "starter.py").read_text() == "# my edit\n"


@pytest.mark.slow  # renders with MoviePy/ffmpeg
async def test_starter_scene_renders_a_real_mp4(jp_fetch: Any, jp_root_dir: Path) -> None:
    await scaffold(jp_fetch)
    r = await render(jp_fetch)
    assert r.code == 201
    result = json.loads(r.body)
    path = jp_root_dir / "projects" / "film" / "video" / "out" / result["file"]
    assert path.with_suffix(".log").exists()
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        assert (stream.width, stream.height) == (480, 270)
        assert container.duration / 1_000_000 == pytest.approx(3.0, abs=0.2)
    assert frames == 36  # 3 s at the low preset's 12 fps
    assert result["width"] == 480
    assert result["height"] == 270
    assert result["duration"] == pytest.approx(3.0, abs=0.2)
    listing = json.loads((await jp_fetch(*API, "renders")).body)
    assert [entry["file"] for entry in listing] == [result["file"]]
    assert listing[0]["size"] == path.stat().st_size


@pytest.mark.slow  # renders with MoviePy/ffmpeg
async def test_progress_streams_as_server_sent_events(jp_fetch: Any) -> None:
    await scaffold(jp_fetch)
    r = await render(jp_fetch, Accept="text/event-stream")
    assert r.headers["Content-Type"] == "text/event-stream"
    events = sse_events(r.body)
    names = [name for name, _ in events]
    assert names[0] == "queued"
    assert names[-2:] == ["result", "complete"]
    fractions = [data["fraction"] for name, data in events if name == "progress"]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0


@pytest.mark.slow  # renders with MoviePy/ffmpeg
async def test_a_broken_scene_reports_the_renderers_error(jp_fetch: Any, jp_root_dir: Path) -> None:
    await scaffold(jp_fetch)
    scene = jp_root_dir / "projects" / "film" / "video" / "scenes" / "broken.py"
    scene.write_text("def make(width, height, fps):\n    raise ValueError('the sky is missing')\n")
    with pytest.raises(HTTPClientError) as e:
        await render(jp_fetch, "broken")
    assert e.value.code == 422
    message = json.loads(e.value.response.body)["message"]
    assert "ValueError: the sky is missing" in message
    assert "broken.py line 2" in message
    assert str(jp_root_dir) not in message
    assert json.loads((await jp_fetch(*API, "renders")).body) == []


@pytest.mark.slow  # renders with MoviePy/ffmpeg
async def test_concurrent_renders_queue_and_the_cap_answers_429(jp_fetch: Any) -> None:
    await scaffold(jp_fetch)
    results = await asyncio.gather(
        render(jp_fetch, Accept="text/event-stream"),
        render(jp_fetch, Accept="text/event-stream"),
        render(jp_fetch, Accept="text/event-stream"),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, HTTPClientError)]
    done = [sse_events(r.body) for r in results if not isinstance(r, BaseException)]
    assert len(refused) == 1  # max_waiting = 1: one running, one waiting, the third refused
    assert refused[0].code == 429
    assert "already waiting" in json.loads(refused[0].response.body)["message"]
    positions = sorted(events[0][1]["position"] for events in done)
    assert positions == [1, 2]
    assert all(events[-2][0] == "result" for events in done)


@pytest.mark.parametrize(
    "body",
    [
        {"scene": "../../etc/passwd"},
        {"scene": "Starter"},
        {"scene": 5},
        {"scene": "starter", "quality": "8k"},
    ],
)
async def test_bad_render_requests_are_400(jp_fetch: Any, body: dict[str, Any]) -> None:
    await scaffold(jp_fetch)
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch(*API, "render", method="POST", body=json.dumps(body))
    assert e.value.code == 400


async def test_unknown_scene_and_unscaffolded_project_are_404(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    await scaffold(jp_fetch)
    with pytest.raises(HTTPClientError) as e:
        await render(jp_fetch, "nothing-here")
    assert e.value.code == 404
    (jp_root_dir / "projects" / "empty").mkdir(parents=True)
    r = await jp_fetch(
        "orpheus",
        "api",
        "projects",
        method="POST",
        body=json.dumps({"name": "plain"}),
        raise_error=False,
    )
    if r.code == 201:  # the projects API is there: a project without a video folder
        with pytest.raises(HTTPClientError) as e:
            await jp_fetch("orpheus", "api", "projects", "plain", "video", "renders")
        assert e.value.code == 404
        assert "no video folder" in json.loads(e.value.response.body)["message"]
