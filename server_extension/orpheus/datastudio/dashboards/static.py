"""Static HTML export of a dashboard: interactive plotly, data inlined, no kernel.

plotly.js is inlined from the installed plotly package (never a CDN), so the
page works offline and behind share links. Figures are built by the same
code the Voila runtime uses (``figures.py``); filters are applied as stored
in the spec (the live controls need a kernel, so the page lists them).
"""

from __future__ import annotations

import html
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from ... import folders
from ...fsutil import contain
from . import cache, figures, frames

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1d2a3a; }}
.orpheus-grid {{ display: grid; grid-template-columns: repeat(12, minmax(0, 1fr));
  grid-auto-rows: {row}px; gap: 12px; }}
.orpheus-cell {{ min-width: 0; overflow: hidden; }}
</style>
<script>{plotly}</script>
</head><body>
<h1>{title}</h1><p>{description}</p>
<div class="orpheus-grid">
{cells}
</div>
<script>
document.querySelectorAll("script.orpheus-figure").forEach(function (node) {{
  var fig = JSON.parse(node.textContent);
  Plotly.newPlot(node.parentNode.querySelector(".orpheus-plot"), fig.data, fig.layout,
                 {{responsive: true, displaylogo: false}});
}});
</script>
</body></html>
"""


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs())


def _cell(w: dict[str, Any], inner: str) -> str:
    p = w["position"]
    style = f"grid-column: {p['x'] + 1} / span {p['w']}; grid-row: {p['y'] + 1} / span {p['h']};"
    return f'<div class="orpheus-cell" data-widget="{html.escape(w["id"])}" style="{style}">{inner}</div>'


def _widget_html(w: dict[str, Any], df: pd.DataFrame, row: int) -> str:
    if w["type"] == "chart":
        fig = figures.figure(w, df, height=w["position"]["h"] * row - 16)
        payload = fig.to_json().replace("</", "<\\/")
        return (f'<div class="orpheus-plot"></div>'
                f'<script type="application/json" class="orpheus-figure">{payload}</script>')
    if w["type"] == "kpi":
        return frames.kpi_html(w, df)
    if w["type"] == "table":
        return frames.table_html(w, df)
    if w["type"] == "markdown":
        return frames.markdown_html(w)
    title = html.escape(w.get("title") or w["column"])
    return (f'<div class="orpheus-kpi"><div class="orpheus-kpi-title">Filter: {title}</div>'
            f'<div>interactive in the live dashboard</div></div>')


def render_html(spec: dict[str, Any], df: pd.DataFrame) -> str:
    """The whole page for ``spec`` over ``df`` (the unfiltered data source)."""
    df = frames.apply_clauses(df, spec["data_source"].get("filters", []))
    row = int(spec["layout"].get("row_height", 80))
    cells = "\n".join(_cell(w, _widget_html(w, df, row)) for w in spec["widgets"])
    css = resources.files(__package__).joinpath("dashboard.css").read_text(encoding="utf-8")
    return PAGE.format(title=html.escape(spec["title"]), description=html.escape(spec.get("description", "")),
                       css=css, row=row, plotly=_plotly_js(), cells=cells)


def export_project_dashboard(project_dir: Path, spec: dict[str, Any]) -> str:
    """Export a stored dashboard of ``project_dir`` (its Parquet cache is built if missing)."""
    path = contain(project_dir, cache.cache_path(project_dir / folders.DASHBOARDS, spec["id"]),
                   f"the cache of dashboard {spec['id']}")
    if not path.is_file():
        from .store import DashboardStore

        DashboardStore(project_dir).render(spec)
    return render_html(spec, pd.read_parquet(path))


def export_static_html(spec: dict[str, Any], spec_path: Path | None = None) -> str | None:
    """Share-link hook: the export of the spec stored at ``spec_path`` (None without it)."""
    if spec_path is None:
        return None
    return export_project_dashboard(spec_path.parent.parent, spec)


def figure_json(spec: dict[str, Any], df: pd.DataFrame) -> dict[str, Any]:
    """Each chart widget's figure as plain JSON (for tests and other front ends)."""
    return {w["id"]: json.loads(figures.figure(w, df).to_json())
            for w in spec["widgets"] if w["type"] == "chart"}
