"""Render files over HTTP: ranges for <video>, traversal refused, delete, auth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from .conftest import render_starter, scaffold

API = ("orpheus", "api", "projects", "film", "video")


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 100), ("bytes=1000-1999", 1000, 2000), ("bytes=-64", -64, None)],
)
@pytest.mark.slow  # renders with MoviePy/ffmpeg
async def test_range_requests_answer_206_with_the_right_bytes(
    jp_fetch: Any, jp_root_dir: Path, header: str, start: int, end: int | None
) -> None:
    name, data = await render_starter(jp_fetch, jp_root_dir)
    r = await jp_fetch(*API, "renders", name, headers={"Range": header})
    assert r.code == 206
    expected = data[start:end] if end is not None else data[start:]
    assert r.body == expected
    first = start if start >= 0 else len(data) + start
    assert r.headers["Content-Range"] == f"bytes {first}-{first + len(expected) - 1}/{len(data)}"
    assert r.headers["Content-Type"] == "video/mp4"


@pytest.mark.slow  # renders with MoviePy/ffmpeg
async def test_whole_file_and_unsatisfiable_range(jp_fetch: Any, jp_root_dir: Path) -> None:
    name, data = await render_starter(jp_fetch, jp_root_dir)
    r = await jp_fetch(*API, "renders", name)
    assert r.code == 200
    assert r.body == data
    assert r.headers["Accept-Ranges"] == "bytes"
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch(*API, "renders", name, headers={"Range": f"bytes={len(data) + 10}-"})
    assert e.value.code == 416


@pytest.mark.parametrize(
    "name",
    [
        "..%2F..%2F..%2Fetc%2Fpasswd",
        "%2Fetc%2Fpasswd",
        "starter.py",
        "..",
        "x%00.mp4",
        "CLAUDE.md",
        "a" * 300 + ".mp4",
        "..%2Fscenes%2Fstarter.py",
        "starter-20260101T000000Z.log",
    ],
)
async def test_traversal_and_foreign_names_are_refused(
    jp_fetch: Any, jp_root_dir: Path, name: str
) -> None:
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch(*API, "renders", name)
    assert e.value.code in (400, 404)
    assert b"root:" not in (e.value.response.body or b"")


async def test_symlinked_render_is_not_served(jp_fetch: Any, jp_root_dir: Path) -> None:
    await scaffold(jp_fetch)
    out = jp_root_dir / "projects" / "film" / "video" / "out"
    (out / "evil-20260101T000000Z.mp4").symlink_to("/etc/passwd")
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch(*API, "renders", "evil-20260101T000000Z.mp4")
    assert e.value.code == 404
    listing = json.loads((await jp_fetch(*API, "renders")).body)
    assert listing == []


@pytest.mark.slow  # renders with MoviePy/ffmpeg
async def test_delete_removes_the_render_and_its_log(jp_fetch: Any, jp_root_dir: Path) -> None:
    name, _ = await render_starter(jp_fetch, jp_root_dir)
    out = jp_root_dir / "projects" / "film" / "video" / "out"
    r = await jp_fetch(*API, "renders", name, method="DELETE")
    assert r.code == 204
    assert not (out / name).exists()
    assert not (out / name).with_suffix(".log").exists()
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch(*API, "renders", name)
    assert e.value.code == 404


async def test_renders_need_authentication(jp_fetch: Any, jp_root_dir: Path) -> None:
    await scaffold(jp_fetch)
    name = "starter-20260101T000000Z.mp4"  # planted: no renderer in the quick subset
    (jp_root_dir / "projects" / "film" / "video" / "out" / name).write_bytes(b"not really an mp4")
    assert (await jp_fetch(*API, "renders", name)).body == b"not really an mp4"  # the owner's
    for path in ((*API, "renders"), (*API, "renders", name)):
        with pytest.raises(HTTPClientError) as e:
            await jp_fetch(*path, headers={"Authorization": ""})
        assert e.value.code == 403
