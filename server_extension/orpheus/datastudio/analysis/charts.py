"""Recommended charts: each one names existing columns and a kind that suits their types.

A recommendation has the same fields as a dashboard ``chart`` widget's
encoding (``kind``, ``x``, ``y``, ``color``, ``aggregation``, ``time_unit``),
so the dashboard generator can place it as is.
"""

from __future__ import annotations

from typing import Any

MAX_PER_TABLE = 8
MAX_OVERALL = 8
MAX_CATEGORIES = 30
MAX_COLORS = 8


def _usable(col: dict[str, Any]) -> bool:
    return bool(col["missing_ratio"] < 0.9 and col["distinct"] > 1)


def column_roles(columns: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Columns grouped by what a chart can do with them."""
    cols = [c for c in columns if _usable(c)]
    return {
        "num": [c for c in cols if c["type"] in ("integer", "float")],
        "cat": [c for c in cols if c["type"] in ("categorical", "boolean")
                and c["distinct"] <= MAX_CATEGORIES],
        "date": [c for c in cols if c["type"] == "datetime"],
    }


def time_unit(col: dict[str, Any]) -> str | None:
    """A readable bucket for a datetime axis, from its span."""
    span = col["datetime"]["span_days"]
    if span > 3 * 365:
        return "month"
    if span > 120:
        return "week"
    if span > 3:
        return "day"
    return None


def _agg(num: dict[str, Any]) -> str:
    return "sum" if num.get("semantic_type") == "currency" else "mean"


def _chart(kind: str, title: str, reason: str, score: float, **enc: Any) -> dict[str, Any]:
    base = {"kind": kind, "title": title, "x": None, "y": None, "color": None,
            "aggregation": "none", "time_unit": None}
    base.update(enc)
    return {**base, "reason": reason, "score": score}


def _time_charts(r: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    out = []
    if r["date"]:
        d = r["date"][0]
        unit = time_unit(d)
        if r["num"]:
            n = r["num"][0]
            out.append(_chart("line", f"{n['name']} over time", "a measure over a date column",
                              0.95, x=d["name"], y=n["name"], aggregation=_agg(n), time_unit=unit))
            small = [c for c in r["cat"] if c["distinct"] <= MAX_COLORS]
            if small:
                out.append(_chart("area", f"{n['name']} over time by {small[0]['name']}",
                                  "a measure over time split by a small category", 0.65,
                                  x=d["name"], y=n["name"], color=small[0]["name"],
                                  aggregation="sum", time_unit=unit))
        else:
            out.append(_chart("line", f"Rows over time ({d['name']})", "records per period",
                              0.8, x=d["name"], aggregation="count", time_unit=unit))
    return out


def _category_charts(r: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    out = []
    if r["cat"]:
        c = r["cat"][0]
        if r["num"]:
            n = r["num"][0]
            out.append(_chart("bar", f"{n['name']} by {c['name']}", "a measure per category", 0.9,
                              x=c["name"], y=n["name"], aggregation=_agg(n)))
            out.append(_chart("box", f"{n['name']} distribution by {c['name']}",
                              "spread of a measure per category", 0.7, x=c["name"], y=n["name"]))
        kind = "pie" if c["distinct"] <= 6 else "bar"
        out.append(_chart(kind, f"Rows by {c['name']}", "share of each category", 0.85,
                          x=c["name"], aggregation="count"))
        if len(r["cat"]) > 1:
            c2 = r["cat"][1]
            out.append(_chart("heatmap", f"{c['name']} × {c2['name']}", "counts of two categories",
                              0.6, x=c["name"], y=c2["name"], aggregation="count"))
    return out


def _numeric_charts(r: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    out = []
    for i, n in enumerate(r["num"][:2]):
        out.append(_chart("histogram", f"Distribution of {n['name']}", "shape of a measure",
                          0.8 - 0.1 * i, x=n["name"]))
    if len(r["num"]) > 1:
        a, b = r["num"][0], r["num"][1]
        small = [c for c in r["cat"] if c["distinct"] <= MAX_COLORS]
        out.append(_chart("scatter", f"{b['name']} vs {a['name']}", "relation of two measures",
                          0.75, x=a["name"], y=b["name"], color=small[0]["name"] if small else None))
    return out


def recommend(table_id: str, columns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Best charts for one table, highest score first."""
    roles = column_roles(columns)
    charts = _time_charts(roles) + _category_charts(roles) + _numeric_charts(roles)
    charts.sort(key=lambda c: -c["score"])
    return [{"id": f"{table_id}:{i}", "table": table_id, **c}
            for i, c in enumerate(charts[:MAX_PER_TABLE])]


def recommend_overall(tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The best charts across tables: the largest tables' best charts first."""
    ranked = []
    for t in tables:
        for rank, chart in enumerate(t.get("recommended_charts", [])):
            ranked.append((rank, -chart["score"], -t.get("rows", 0), chart))
    ranked.sort(key=lambda r: r[:3])
    return [r[3] for r in ranked[:MAX_OVERALL]]
