"""A generated dashboard rendered by the real Voila server extension, checked in real Chromium.

One jupyter server (pytest-jupyter) with the orpheus and voila extensions, the
``orpheus-data`` kernelspec and the ``orpheus`` Voila template from the source
tree, a real kernel, and Debian's chromium driven by Playwright. The page must
hold the plotly figures with the trace counts the seeded data implies, and the
ipywidgets filter must update the KPI and the figures. The screenshot goes to
``test-artifacts/``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser import ARTIFACTS, launch

from . import datasets, specs

TRACES_JS = """() => Object.fromEntries(
  Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter(gd => gd.layout && gd.layout.meta)
    .map(gd => [gd.layout.meta.orpheus_widget, gd.data.length]))"""
KPI_JS = """() => Array.from(document.querySelectorAll('.orpheus-kpi-value')).map(e => e.textContent)"""
BARS_JS = """() => { const gd = Array.from(document.querySelectorAll('.js-plotly-plot'))
  .find(g => g.layout.meta && g.layout.meta.orpheus_widget === 'by-arm'); return gd ? gd.data[0].x : null; }"""


@pytest.fixture
def jp_env_jupyter_path() -> str:
    """Voila's own templates and the lab extensions (plotly, widgets) live in the venv."""
    return str(Path(sys.prefix) / "share" / "jupyter")


async def _dashboard(jp_fetch: Any, root: Path) -> dict[str, Any]:
    await jp_fetch("orpheus", "api", "projects", method="POST", body=json.dumps({"name": "trial"}))
    datasets.clinical_trial(root / "projects" / "trial" / "data")
    await jp_fetch("orpheus", "api", "projects", "trial", "analyze", method="POST", body="{}")
    r = await jp_fetch("orpheus", "api", "projects", "trial", "dashboards", method="POST",
                       body=json.dumps(specs.trial_spec()))
    model: dict[str, Any] = json.loads(r.body)
    return model


@pytest.mark.slow
@pytest.mark.timeout(420)
async def test_dashboard_renders_in_voila_and_filters_update(  # type: ignore[no-untyped-def]
    jp_fetch, jp_root_dir, jp_serverapp, jp_http_port, jp_base_url
):
    from playwright.async_api import async_playwright

    model = await _dashboard(jp_fetch, jp_root_dir)
    dash_id = model["spec"]["id"]
    r = await jp_fetch("voila", "render", "projects", "trial", "dashboards", f"{dash_id}.ipynb",
                       request_timeout=300)
    page_html = r.body.decode()
    assert page_html.count('class="orpheus-cell"') == len(model["spec"]["widgets"])
    assert "cdn.jsdelivr.net" not in page_html
    assert "cdnjs.cloudflare.com" not in page_html
    assert '"ename"' not in page_html  # no cell raised

    token = jp_serverapp.identity_provider.token
    url = f"http://127.0.0.1:{jp_http_port}{model['render_url']}?token={token}"
    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as pw:
        browser = await launch(pw)
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 1500})
            console: list[str] = []
            page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
            page.on("requestfailed", lambda req: console.append(f"failed: {req.url}"))
            hosts: set[str] = set()
            page.on("request", lambda req: hosts.add(urlsplit(req.url).netloc)
                    if urlsplit(req.url).scheme in ("http", "https") else None)
            await page.goto(url, timeout=120_000)
            try:
                # every figure drawn: plotly has set data and layout (with our widget id) on each
                await page.wait_for_function(
                    f"Object.keys(({TRACES_JS})()).length >= {len(specs.EXPECTED_TRACES)}",
                    timeout=90_000)
            except Exception:
                await page.screenshot(path=str(ARTIFACTS / "datastudio-dashboard-failed.png"), full_page=True)
                errors = [c for c in console if not c.startswith(("warning:", "debug:", "info:"))]
                raise AssertionError("no plotly figures; browser errors:\n" + "\n".join(errors[-30:])) from None
            assert await page.evaluate(TRACES_JS) == specs.EXPECTED_TRACES
            assert await page.evaluate(KPI_JS) == [f"{datasets.TRIAL_ROWS:,}", _mean_bp(jp_root_dir)]
            await page.screenshot(path=str(ARTIFACTS / "datastudio-dashboard.png"), full_page=True)
            assert hosts == {f"127.0.0.1:{jp_http_port}"}  # nothing from a CDN

            await page.locator(".orpheus-cell[data-widget='arm'] select").select_option("Placebo")
            placebo = int((_trial(jp_root_dir)["treatment_arm"] == "Placebo").sum())
            await page.wait_for_function(
                f"document.querySelector('.orpheus-kpi-value').textContent === '{placebo:,}'",
                timeout=60_000)
            await page.wait_for_function(f"({BARS_JS})().length === 1", timeout=60_000)
            assert await page.evaluate(BARS_JS) == ["Placebo"]
            # one arm left -> one line in the colored trend chart
            await page.wait_for_function(f"({TRACES_JS})()['bp-trend'] === 1", timeout=60_000)
            traces = await page.evaluate(TRACES_JS)
            assert traces == {**specs.EXPECTED_TRACES, "bp-trend": 1}
            # the table is the last widget refreshed: once it counts the Placebo rows, all are done
            await page.wait_for_function(
                f"document.querySelector('.orpheus-table-wrap').textContent.includes('({placebo:,} rows)')",
                timeout=60_000)
            await page.screenshot(path=str(ARTIFACTS / "datastudio-dashboard-filtered.png"),
                                  full_page=True)
        finally:
            await browser.close()


def _trial(root: Path) -> Any:
    import pandas as pd

    return pd.read_csv(root / "projects" / "trial" / "data" / "trial.csv")


def _mean_bp(root: Path) -> str:
    return f"{_trial(root)['systolic_bp'].mean():,.2f}"
