"""A good first dashboard from the analysis: KPIs, the recommended charts, filters, a table."""

from __future__ import annotations

from typing import Any

from .spec import check_chart

MAX_KPIS = 4
MAX_CHARTS = 6
MAX_FILTERS = 3


def pick_table(analysis: dict[str, Any], table_id: str | None) -> dict[str, Any]:
    """The requested table, else the analysed table with the most rows."""
    ok = [t for t in analysis.get("files", []) if t.get("status") == "ok"]
    if table_id is not None:
        for t in ok:
            if t["id"] == table_id:
                return dict(t)
        raise LookupError(f"no analysed table {table_id!r}")
    if not ok:
        raise LookupError("the analysis has no table that analysed without errors")
    return dict(max(ok, key=lambda t: t["rows"]))


def _kpis(table: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"type": "kpi", "title": "Rows", "aggregation": "count",
                                  "column": None, "format": "integer"}]
    nums = [c for c in table["column_profiles"] if c["type"] in ("integer", "float")
            and c["distinct"] > 1 and c["missing_ratio"] < 0.9]
    for c in nums[: MAX_KPIS - 1]:
        currency = c.get("semantic_type") == "currency"
        agg = "sum" if currency else "mean"
        out.append({"type": "kpi", "title": f"{'Total' if currency else 'Average'} {c['name']}",
                    "aggregation": agg, "column": c["name"],
                    "format": "currency" if currency else "number"})
    return out


def _filters(table: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for c in table["column_profiles"]:
        if c["type"] == "datetime" and c["distinct"] > 1:
            out.append({"type": "filter", "column": c["name"], "control": "date_range",
                        "title": c["name"]})
            break
    cats = [c for c in table["column_profiles"] if c["type"] in ("categorical", "boolean")
            and 1 < c["distinct"] <= 50]
    for c in cats[: MAX_FILTERS - len(out)]:
        out.append({"type": "filter", "column": c["name"], "control": "dropdown", "title": c["name"]})
    return out


def _charts(table: dict[str, Any], columns: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for rec in table.get("recommended_charts", []):
        widget = {"type": "chart", "title": rec["title"], "kind": rec["kind"],
                  "encoding": {"x": rec["x"], "y": rec["y"], "color": rec["color"]},
                  "aggregation": rec["aggregation"], "time_unit": rec.get("time_unit"),
                  "id": f"chart-{len(out) + 1}", "position": {"x": 0, "y": 0, "w": 6, "h": 4}}
        try:
            check_chart("chart", widget, columns)
        except ValueError:
            continue  # only charts whose columns and types fit are placed
        out.append(widget)
        if len(out) == MAX_CHARTS:
            break
    return out


def _place(widgets: list[dict[str, Any]], width: int, height: int, y: int) -> int:
    """Lay widgets left to right in rows of 12 columns; returns the next free row."""
    per_row = 12 // width
    for i, w in enumerate(widgets):
        w["position"] = {"x": (i % per_row) * width, "y": y + (i // per_row) * height,
                         "w": width, "h": height}
    rows = -(-len(widgets) // per_row) if widgets else 0
    return y + rows * height


def generate(analysis: dict[str, Any], dashboard_id: str, table_id: str | None = None,
             title: str | None = None) -> dict[str, Any]:
    """The spec of a first dashboard over one analysed table."""
    table = pick_table(analysis, table_id)
    columns = {c["name"]: c for c in table["column_profiles"]}
    filters, kpis, charts = _filters(table), _kpis(table), _charts(table, columns)
    y = _place(filters, 12 // max(len(filters), 1), 1, 0)
    y = _place(kpis, 12 // len(kpis), 2, y)
    y = _place(charts, 6, 4, y)
    shown = [c["name"] for c in table["column_profiles"]][:8]
    insights = "\n".join(f"- {s}" for s in table.get("insights", [])[:6])
    extras: list[dict[str, Any]] = [
        {"type": "table", "title": "Rows", "columns": shown, "page_size": 15},
        {"type": "markdown", "title": "Insights", "text": f"### What the data says\n\n{insights}"},
    ]
    _place(extras, 6, 5, y)
    widgets = [*filters, *kpis, *charts, *extras]
    for i, w in enumerate(widgets):
        if w["type"] != "chart":
            w["id"] = f"{w['type']}-{i + 1}"
    return {
        "id": dashboard_id,
        "title": title or f"{table['id']} overview",
        "description": f"Generated from the analysis of {table['id']} ({table['rows']:,} rows).",
        "version": 1,
        "generated_from": {"analyzed_at": analysis.get("analyzed_at"), "table": table["id"]},
        "data_source": {"file": table["file"], "table": table.get("table"), "filters": []},
        "layout": {"columns": 12, "row_height": 80},
        "widgets": widgets,
    }
