"""``POST /projects/{name}/analyze`` (server-sent events) and ``GET .../analysis`` over HTTP."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from tornado.httpclient import HTTPClientError

from orpheus.datastudio import schemas

from . import datasets

SSE = {"Accept": "text/event-stream"}


def parse_sse(body: bytes) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in body.decode().split("\n\n"):
        if not block.strip():
            continue
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


async def make_project(jp_fetch: Any, root: Path, name: str = "trial") -> Path:
    await jp_fetch("orpheus", "api", "projects", method="POST", body=json.dumps({"name": name}))
    return root / "projects" / name


async def analyze(jp_fetch: Any, name: str, **body: Any) -> Any:
    return await jp_fetch("orpheus", "api", "projects", name, "analyze", method="POST",
                          body=json.dumps(body), headers=dict(SSE), request_timeout=120)


async def test_analyze_streams_events_and_stores_metadata(jp_fetch, jp_root_dir):  # type: ignore[no-untyped-def]
    folder = await make_project(jp_fetch, jp_root_dir)
    df = datasets.clinical_trial(folder / "data")
    (folder / "data" / "broken.json").write_text("{nope")
    r = await analyze(jp_fetch, "trial")
    assert r.headers["Content-Type"].startswith("text/event-stream")
    events = parse_sse(r.body)
    names = [e for e, _ in events]
    assert names[0] == "status"
    assert names[-1] == "complete"
    assert {"progress", "result", "error"} <= set(names)
    progress = [d for e, d in events if e == "progress" and d["file"] == "trial.csv"]
    assert progress[-1]["fraction"] == 1.0
    result = next(d for e, d in events if e == "result")
    assert (result["file"], result["rows"], result["columns"]) == ("trial.csv", len(df), 7)
    error = next(d for e, d in events if e == "error")
    assert error["file"] == "broken.json"
    assert "invalid JSON" in error["error"]
    complete = events[-1][1]
    assert complete["summary"]["domain_detected"] == "healthcare"

    stored = json.loads((await jp_fetch("orpheus", "api", "projects", "trial", "analysis")).body)
    jsonschema.Draft202012Validator(schemas.load("analysis")).validate(stored)
    assert stored["summary"]["total_rows"] == len(df)
    one = json.loads((await jp_fetch("orpheus", "api", "projects", "trial", "analysis",
                                     params={"file": "trial.csv"})).body)
    assert one["tables"][0]["rows"] == len(df)


async def test_analyze_without_sse_returns_json(jp_fetch, jp_root_dir):  # type: ignore[no-untyped-def]
    folder = await make_project(jp_fetch, jp_root_dir, "shop")
    datasets.orders_and_customers(folder / "data")
    r = await jp_fetch("orpheus", "api", "projects", "shop", "analyze", method="POST",
                       body=json.dumps({"mode": "separate"}))
    meta = json.loads(r.body)
    assert meta["mode"] == "separate"
    assert (folder / ".analysis" / "files" / "orders.tsv.json").is_file()


@pytest.mark.parametrize(
    ("name", "body", "code", "words"),
    [
        ("trial", {"mode": "sideways"}, 400, "mode must be one of"),
        ("missing", {}, 404, "does not exist"),
        ("..", {}, 400, "project name"),
    ],
)
async def test_analyze_bad_requests(jp_fetch, jp_root_dir, name, body, code, words):  # type: ignore[no-untyped-def]
    await make_project(jp_fetch, jp_root_dir)
    with pytest.raises(HTTPClientError) as e:
        await analyze(jp_fetch, name, **body)
    assert e.value.code == code
    assert words in json.loads(e.value.response.body)["message"]


async def test_analysis_before_analyze_is_404(jp_fetch, jp_root_dir):  # type: ignore[no-untyped-def]
    await make_project(jp_fetch, jp_root_dir)
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("orpheus", "api", "projects", "trial", "analysis")
    assert e.value.code == 404
    assert "not been analysed" in json.loads(e.value.response.body)["message"]


async def test_concurrent_analyze_calls_keep_metadata_whole(jp_fetch, jp_root_dir):  # type: ignore[no-untyped-def]
    folder = await make_project(jp_fetch, jp_root_dir)
    datasets.clinical_trial(folder / "data")
    datasets.orders_and_customers(folder / "data")
    responses = await asyncio.gather(*(analyze(jp_fetch, "trial") for _ in range(3)))
    for r in responses:
        assert parse_sse(r.body)[-1][0] == "complete"
    meta = json.loads((folder / ".analysis" / "metadata.json").read_text())
    jsonschema.Draft202012Validator(schemas.load("analysis")).validate(meta)
    assert meta["summary"]["total_files"] == 3
    assert len(meta["cross_file_insights"]["join_keys"]) >= 1


async def test_analysis_needs_authentication(jp_fetch, jp_root_dir):  # type: ignore[no-untyped-def]
    await make_project(jp_fetch, jp_root_dir)
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("orpheus", "api", "projects", "trial", "analysis", headers={"Authorization": ""})
    assert e.value.code == 403
