"""Dashboard polish in a real Voila render, measured in Chromium (issue 14 item 10).

The title is on the page, the date-range label is not cut off, KPI cards fill their
cell, integer columns with blanks show as integers, and the table pages with Next.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, launch

from . import specs
from .test_dashboard_polish import visits_with_blanks

CLIPPED_JS = """() => Array.from(document.querySelectorAll('.orpheus-filter-label .widget-html-content'))
  .map(e => [e.textContent, e.scrollWidth <= e.clientWidth + 1])"""
KPI_FILL_JS = """() => Array.from(document.querySelectorAll('.orpheus-kpi')).map(k =>
  k.getBoundingClientRect().height / k.closest('.orpheus-cell').getBoundingClientRect().height)"""
CELLS_JS = """() => Array.from(document.querySelectorAll('.orpheus-table td')).map(td => td.textContent)"""


@pytest.fixture
def jp_env_jupyter_path() -> str:
    """Voila's own templates and the lab extensions (plotly, widgets) live in the venv."""
    return str(Path(sys.prefix) / "share" / "jupyter")


@pytest.mark.slow
@pytest.mark.timeout(420)
async def test_polish_in_a_real_voila_page(jp_fetch, jp_root_dir, jp_serverapp, jp_http_port) -> None:  # type: ignore[no-untyped-def]
    from playwright.async_api import async_playwright

    await jp_fetch("orpheus", "api", "projects", method="POST", body=json.dumps({"name": "trial"}))
    visits_with_blanks(jp_root_dir / "projects" / "trial" / "data")
    await jp_fetch("orpheus", "api", "projects", "trial", "analyze", method="POST", body="{}")
    spec = specs.trial_spec("Trial 🚀 overview")
    spec["widgets"][-2]["columns"] = ["patient_id", "visits"]
    r = await jp_fetch("orpheus", "api", "projects", "trial", "dashboards", method="POST", body=json.dumps(spec))
    model = json.loads(r.body)
    url = f"http://127.0.0.1:{jp_http_port}{model['render_url']}?token={jp_serverapp.identity_provider.token}"
    async with async_playwright() as pw:
        browser = await launch(pw)
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 1400})
            await page.goto(url, timeout=120_000)
            await page.wait_for_selector(".orpheus-table-pager", timeout=120_000)
            assert (await page.inner_text(".orpheus-title h1")).strip() == "Trial 🚀 overview"
            title = await page.locator(".orpheus-title").bounding_box()
            first = await page.locator(".orpheus-cell[data-widget='arm']").bounding_box()
            assert title
            assert first
            assert title["y"] + title["height"] <= first["y"]  # the title heads the page
            labels = await page.evaluate(CLIPPED_JS)
            assert labels == [["enrollment_date: 2024-01-01 – 2025-08-22", True]], labels
            fills = await page.evaluate(KPI_FILL_JS)
            assert len(fills) == 2
            assert min(fills) > 0.85, fills  # the card fills its cell, not its top half
            cells = await page.evaluate(CELLS_JS)
            assert "P00000" in cells
            assert "28" in cells  # visits of P00000, a float column because of blanks
            assert not [c for c in cells if c.endswith(".0")], cells
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(ARTIFACTS / "datastudio-dashboard-polish.png"), full_page=True)
            await page.click(".orpheus-table-view button:has-text('Next')")
            await page.wait_for_function(
                "document.querySelector('.orpheus-table-pager').textContent.includes('page 2 of 120')",
                timeout=60_000)
            assert "P00005" in await page.evaluate(CELLS_JS)
        finally:
            await browser.close()
