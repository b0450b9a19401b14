"""Quality scores and plain-language insights generated from the numbers (no LLM)."""

from __future__ import annotations

from typing import Any

MAX_INSIGHTS = 12
WITH_GAPS = 99.0  # the best score of anything with a missing cell: 100 means nothing is missing


def capped(score: float, missing: int) -> float:
    """``score`` rounded to one place, at most 99 when any cell is missing (never shown as 100)."""
    score = round(max(score, 0.0), 1)
    return min(score, WITH_GAPS) if missing else score


def column_quality(col: dict[str, Any]) -> float:
    """0-100: completeness, minus penalties for constant columns and many outliers."""
    score = 100.0 * (1.0 - float(col["missing_ratio"]))
    if col["distinct"] <= 1:
        score -= 25
    outliers = (col.get("outliers") or {}).get("ratio", 0.0)
    if outliers > 0.05:
        score -= min(20.0, outliers * 100)
    return capped(score, col["missing"])


def table_quality(columns: list[dict[str, Any]], rows: int) -> dict[str, Any]:
    """Completeness of all cells, share of sound columns, and the 0-100 score from both."""
    cells = rows * len(columns)
    missing = sum(c["missing"] for c in columns)
    completeness = 1.0 - missing / cells if cells else 0.0
    sound = sum(1 for c in columns if c["quality_score"] >= 80) / len(columns) if columns else 0.0
    return {
        "score": capped(100 * (0.7 * completeness + 0.3 * sound), missing),
        "completeness": round(completeness, 6),
        "sound_columns_ratio": round(sound, 6),
        "missing_cells": missing,
    }


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 1e15 else f"{value:.3g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def column_insights(col: dict[str, Any]) -> list[tuple[int, str]]:
    """(priority, sentence) pairs about one column; lower priority sorts first."""
    name, out = col["name"], []
    if col["missing_ratio"] >= 0.2:
        out.append((1, f"'{name}' is missing {col['missing_ratio']:.0%} of its values."))
    elif col["missing"]:
        out.append((5, f"'{name}' has {col['missing']:,} missing values ({col['missing_ratio']:.1%})."))
    if col["distinct"] == 1:
        out.append((2, f"'{name}' holds a single value ({_fmt(col['top_values'][0]['value'])})."))
    if col["type"] == "identifier":
        out.append((6, f"'{name}' looks like an identifier ({col['distinct']:,} distinct values)."))
    stats = col.get("stats")
    if stats:
        q = stats["quantiles"]
        out.append((4, f"'{name}' ranges from {_fmt(stats['min'])} to {_fmt(stats['max'])} "
                       f"(median {_fmt(q['p50'])}, mean {_fmt(stats['mean'])})."))
    outliers = col.get("outliers")
    if outliers and outliers["count"] and col["type"] in ("integer", "float"):
        out.append((3, f"'{name}' has {outliers['count']:,} outliers outside "
                       f"[{_fmt(outliers['lower_fence'])}, {_fmt(outliers['upper_fence'])}] (IQR rule)."))
    dt = col.get("datetime")
    if dt:
        out.append((2, f"'{name}' spans {dt['min']} to {dt['max']} ({dt['span_days']:,.0f} days, "
                       f"mostly {dt['frequency']})."))
    top = col["top_values"]
    if col["type"] == "categorical" and top and top[0]["share"] >= 0.5 and col["distinct"] > 1:
        out.append((3, f"'{name}' is dominated by '{_fmt(top[0]['value'])}' ({top[0]['share']:.0%})."))
    elif col["type"] == "categorical" and top:
        out.append((5, f"'{name}' has {col['distinct']} categories; the most common is "
                       f"'{_fmt(top[0]['value'])}' ({top[0]['share']:.0%})."))
    if col.get("semantic_type") and col["semantic_type"] != "id":
        out.append((7, f"'{name}' holds {col['semantic_type'].replace('_', ' ')} values."))
    return out


def table_insights(rows: int, columns: list[dict[str, Any]], quality: dict[str, Any]) -> list[str]:
    """The most useful sentences about one table, most important first."""
    head = [f"{rows:,} rows and {len(columns)} columns; data quality score "
            f"{quality['score']:.0f}/100 ({quality['completeness']:.1%} of cells filled)."]
    ranked = sorted((p, i, s) for i, c in enumerate(columns) for p, s in column_insights(c))
    return head + [s for _, _, s in ranked[: MAX_INSIGHTS - 1]]
