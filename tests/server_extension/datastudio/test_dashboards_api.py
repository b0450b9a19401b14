"""Dashboards over HTTP: generate, CRUD with history and undo, validation errors, static export."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import pyarrow.parquet as pq
import pytest
from tornado.httpclient import HTTPClientError

from orpheus.datastudio import schemas
from orpheus.datastudio.analysis.engine import load_metadata
from orpheus.datastudio.dashboards import static
from orpheus.datastudio.dashboards.spec import check_chart

from . import datasets, specs


async def call(jp_fetch: Any, *path: str, method: str = "GET", body: Any = None) -> Any:
    kwargs: dict[str, Any] = {"method": method}
    if body is None and method in ("POST", "PUT"):
        body = {}
    if body is not None:
        kwargs["body"] = body if isinstance(body, str) else json.dumps(body)
    r = await jp_fetch("orpheus", "api", "projects", *path, **kwargs)
    return json.loads(r.body) if r.body else None


async def project(jp_fetch: Any, root: Path, name: str = "trial") -> Path:
    await jp_fetch("orpheus", "api", "projects", method="POST", body=json.dumps({"name": name}))
    folder = root / "projects" / name
    datasets.clinical_trial(folder / "data")
    return folder


async def expect_error(coro: Any, code: int, *words: str) -> str:
    with pytest.raises(HTTPClientError) as e:
        await coro
    assert e.value.code == code
    message: str = json.loads(e.value.response.body)["message"]
    for word in words:
        assert word in message, message
    return message


async def test_generate_builds_valid_renderable_dashboard(jp_fetch, jp_root_dir):  # type: ignore[no-untyped-def]
    folder = await project(jp_fetch, jp_root_dir)
    model = await call(jp_fetch, "trial", "dashboards", "generate", method="POST", body={})
    spec = model["spec"]
    jsonschema.Draft202012Validator(schemas.load("dashboard")).validate(spec)
    assert model["notebook"] == f"projects/trial/dashboards/{spec['id']}.ipynb"
    assert model["render_url"].endswith(f"/voila/render/projects/trial/dashboards/{spec['id']}.ipynb")
    assert (folder / model["notebook"].removeprefix("projects/trial/")).is_file()

    analysis = load_metadata(folder / ".analysis")
    assert analysis is not None
    columns = {c["name"]: c for c in analysis["files"][0]["column_profiles"]}
    charts = [w for w in spec["widgets"] if w["type"] == "chart"]
    kinds = {w["kind"] for w in charts}
    assert len(charts) >= 4
    assert {"line", "bar", "histogram"} <= kinds
    for w in charts:
        check_chart(w["id"], w, columns)  # columns exist and the kind suits their types
    filters = {w["column"] for w in spec["widgets"] if w["type"] == "filter"}
    assert {"enrollment_date", "treatment_arm"} <= filters
    kpi = next(w for w in spec["widgets"] if w["type"] == "kpi" and w["aggregation"] == "count")
    assert kpi["column"] is None

    cache = folder / "dashboards" / ".cache" / spec["id"] / "data.parquet"
    table = pq.read_table(cache)
    assert table.num_rows == datasets.TRIAL_ROWS
    used = {
        c
        for w in spec["widgets"]
        for c in [w.get("column"), *(w.get("encoding") or {}).values(), *w.get("columns", [])]
        if c
    }
    assert set(table.column_names) == used
    figures = static.figure_json(spec, pd.read_parquet(cache))
    assert all(len(fig["data"]) >= 1 for fig in figures.values())
    listing = await call(jp_fetch, "trial", "dashboards")
    assert [d["id"] for d in listing["dashboards"]] == [spec["id"]]
    assert listing["dashboards"][0]["render_url"] == model["render_url"]
    assert listing["dashboards"][0]["notebook"] == model["notebook"]


async def test_crud_history_and_undo(jp_fetch, jp_root_dir):  # type: ignore[no-untyped-def]
    folder = await project(jp_fetch, jp_root_dir)
    await call(jp_fetch, "trial", "analyze", method="POST", body={})
    created = await call(jp_fetch, "trial", "dashboards", method="POST", body=specs.trial_spec())
    spec = created["spec"]
    dash_id = spec["id"]
    assert dash_id.startswith("trial-overview-")
    assert (spec["version"], created["undo_available"]) == (1, 0)

    changed = copy.deepcopy(spec)
    changed["title"] = "Renamed"
    changed["widgets"] = changed["widgets"][:6]
    saved = await call(jp_fetch, "trial", "dashboards", dash_id, method="PUT", body=changed)
    assert (saved["spec"]["version"], saved["spec"]["title"], saved["undo_available"]) == (2, "Renamed", 1)
    nb = json.loads((folder / "dashboards" / f"{dash_id}.ipynb").read_text())
    assert nb["metadata"]["orpheus"]["version"] == 2
    assert len(nb["cells"]) == 1 + 6

    undone = await call(jp_fetch, "trial", "dashboards", dash_id, "undo", method="POST")
    assert (undone["spec"]["version"], undone["spec"]["title"]) == (1, "Trial overview")
    assert len(undone["spec"]["widgets"]) == len(specs.trial_spec()["widgets"])
    got = await call(jp_fetch, "trial", "dashboards", dash_id)
    assert got["spec"]["title"] == "Trial overview"
    await expect_error(call(jp_fetch, "trial", "dashboards", dash_id, "undo", method="POST"), 409, "no earlier version")

    await jp_fetch("orpheus", "api", "projects", "trial", "dashboards", dash_id, method="DELETE")
    await expect_error(call(jp_fetch, "trial", "dashboards", dash_id), 404, "does not exist")
    assert not (folder / "dashboards" / f"{dash_id}.ipynb").exists()


def _broken(mutate: Any) -> dict[str, Any]:
    spec = specs.trial_spec()
    mutate(spec)
    return spec


BAD_SPECS = [
    (lambda s: s["widgets"][4].update(kind="pizza"), "widgets[4].kind"),
    (lambda s: s["widgets"][5]["encoding"].update(y="nope"), "widgets[5].encoding.y: column 'nope' does not exist"),
    (
        lambda s: s["widgets"][7]["encoding"].update(x="treatment_arm"),
        "widgets[7].encoding.x: column 'treatment_arm' is categorical",
    ),
    (lambda s: s["widgets"][0]["position"].update(x=8, w=6), "widgets[0].position: x + w must be at most 12"),
    (lambda s: s["widgets"][1].update(id="arm"), "widgets[1].id: duplicate widget id 'arm'"),
    (lambda s: s["data_source"].update(file="../../secret.csv"), "data_source.file"),
    (
        lambda s: s["widgets"][3].update(column="treatment_arm"),
        "widgets[3].column: column 'treatment_arm' is categorical",
    ),
    (lambda s: s.pop("widgets"), "'widgets' is a required property"),
    (lambda s: s["widgets"][2].update(colour="red"), "widgets[2]"),
]


@pytest.mark.parametrize(("mutate", "field"), BAD_SPECS)
async def test_invalid_specs_are_400_naming_the_field(jp_fetch, jp_root_dir, mutate, field):  # type: ignore[no-untyped-def]
    await project(jp_fetch, jp_root_dir)
    await call(jp_fetch, "trial", "analyze", method="POST", body={})
    await expect_error(call(jp_fetch, "trial", "dashboards", method="POST", body=_broken(mutate)), 400, field)


async def test_failed_put_keeps_previous_version(jp_fetch, jp_root_dir):  # type: ignore[no-untyped-def]
    folder = await project(jp_fetch, jp_root_dir)
    await call(jp_fetch, "trial", "analyze", method="POST", body={})
    spec = (await call(jp_fetch, "trial", "dashboards", method="POST", body=specs.trial_spec()))["spec"]
    path = folder / "dashboards" / f"{spec['id']}.json"
    before = path.read_bytes()
    bad = copy.deepcopy(spec)
    bad["widgets"][4]["encoding"]["x"] = "missing_column"
    await expect_error(
        call(jp_fetch, "trial", "dashboards", spec["id"], method="PUT", body=bad), 400, "widgets[4].encoding.x"
    )
    await expect_error(
        call(jp_fetch, "trial", "dashboards", spec["id"], method="PUT", body="[1, 2"), 400, "not valid JSON"
    )
    assert path.read_bytes() == before
    await expect_error(call(jp_fetch, "trial", "dashboards", "Bad..Id"), 400, "id:")
    await expect_error(
        call(jp_fetch, "trial", "dashboards", "generate", method="POST", body={"table": "nope.csv"}),
        404,
        "no analysed table",
    )


async def test_static_export_inlines_plotly_and_data(jp_fetch, jp_root_dir):  # type: ignore[no-untyped-def]
    folder = await project(jp_fetch, jp_root_dir)
    await call(jp_fetch, "trial", "analyze", method="POST", body={})
    spec = (await call(jp_fetch, "trial", "dashboards", method="POST", body=specs.trial_spec()))["spec"]
    r = await jp_fetch("orpheus", "api", "projects", "trial", "dashboards", spec["id"], "export")
    assert r.headers["Content-Type"].startswith("text/html")
    page = r.body.decode()
    assert "<script src=" not in page  # plotly.js is inlined, nothing fetched from elsewhere
    assert page.count('class="orpheus-figure"') == len(specs.EXPECTED_TRACES)
    assert "Patients per arm" in page
    assert f"{datasets.TRIAL_ROWS:,}" in page  # the KPI counted every row
    # the share-link hook (shares/builder.py) exports from the stored spec's path
    hooked = static.export_static_html(spec, folder / "dashboards" / f"{spec['id']}.json")
    assert hooked is not None
    assert hooked.count('class="orpheus-figure"') == len(specs.EXPECTED_TRACES)
