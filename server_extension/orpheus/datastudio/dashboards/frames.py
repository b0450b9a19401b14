"""Frame-level helpers shared by the kernel runtime and the static export.

Filter clauses, KPI values, tables and markdown, all from a pandas frame.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

OPS = {
    "eq": lambda s, v: s == v, "ne": lambda s, v: s != v,
    "gt": lambda s, v: s > v, "gte": lambda s, v: s >= v,
    "lt": lambda s, v: s < v, "lte": lambda s, v: s <= v,
    "in": lambda s, v: s.isin(list(v)), "not_in": lambda s, v: ~s.isin(list(v)),
    "between": lambda s, v: s.between(v[0], v[1]),
    "contains": lambda s, v: s.astype(str).str.contains(str(v), case=False, regex=False),
}


def _coerce(series: pd.Series, value: Any) -> Any:
    if pd.api.types.is_datetime64_any_dtype(series):
        if isinstance(value, (list, tuple)):
            return [pd.Timestamp(v) for v in value]
        return pd.Timestamp(value)
    return value


def apply_clauses(df: pd.DataFrame, clauses: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows matching every ``{column, op, value}`` clause."""
    mask = pd.Series(True, index=df.index)
    for c in clauses:
        series = df[c["column"]]
        mask &= OPS[c["op"]](series, _coerce(series, c["value"])).fillna(False).astype(bool)
    return df[mask]


def kpi_value(widget: dict[str, Any], df: pd.DataFrame) -> float | int | None:
    """The number a KPI shows."""
    agg, column = widget["aggregation"], widget.get("column")
    if agg == "count":
        return int(df[column].count()) if column else len(df)
    series = df[column]
    if agg == "distinct":
        return int(series.nunique())
    if series.dropna().empty:
        return None
    value = getattr(series, agg)()
    return float(value)


# (divisor, suffix) from thousands up; values below FULL_BELOW are written out in full.
UNITS = ((1e3, "K"), (1e6, "M"), (1e9, "B"), (1e12, "T"))
FULL_BELOW = 1e4


def format_kpi(widget: dict[str, Any], value: float | int | None) -> str:
    """Human text of a KPI value: ``9,999``, ``12.3K``, ``4.5M``, ``-$224.0K``, ``12.5%``.

    Below 10,000 the number is written in full (two decimals unless whole, none for
    ``integer``); from 10,000 on it is divided by its unit (K thousands, M millions,
    B billions, T trillions) with one decimal, moving up a unit when the rounded
    figure reaches 1,000. The sign comes before a currency symbol.
    """
    if value is None or not math.isfinite(value):
        return "–"
    fmt = widget.get("format", "number")
    if fmt == "percent":
        return f"{value:.1f}%"
    sign = "-" if value < 0 else ""
    prefix = "$" if fmt == "currency" else ""
    size = abs(value)
    if fmt == "integer":
        size = round(size)
    if size < FULL_BELOW:
        text = f"{size:,.0f}" if float(size).is_integer() else f"{size:,.2f}"
        return f"{sign}{prefix}{text}"
    for i, (limit, suffix) in enumerate(UNITS):
        scaled = f"{size / limit:,.1f}"
        if float(scaled.replace(",", "")) < 1000 or i == len(UNITS) - 1:
            return f"{sign}{prefix}{scaled}{suffix}"
    raise AssertionError("unreachable: the last unit always answers")


def kpi_html(widget: dict[str, Any], df: pd.DataFrame) -> str:
    """A KPI card."""
    title = widget.get("title") or f"{widget['aggregation']} {widget.get('column') or 'rows'}"
    value = format_kpi(widget, kpi_value(widget, df))
    return (f'<div class="orpheus-kpi"><div class="orpheus-kpi-title">{html.escape(title)}</div>'
            f'<div class="orpheus-kpi-value">{html.escape(value)}</div></div>')


def whole_numbers(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with float columns that hold only whole numbers as nullable integers.

    A column of integers with blanks is read as floats (``28.0``); shown to people it
    is the integer column it was (``28``, blanks empty).
    """
    out = df
    for name in df.columns:
        series = df[name]
        if not pd.api.types.is_float_dtype(series):
            continue
        values = series.dropna()
        if values.empty or not bool((values == values.round()).all()) or values.abs().max() >= 2**53:
            continue
        if out is df:
            out = df.copy()
        out[name] = series.astype("Int64")
    return out


def table_pages(widget: dict[str, Any], df: pd.DataFrame) -> int:
    """How many pages the table widget has over ``df`` (at least one)."""
    size = int(widget.get("page_size", 20))
    return max(1, -(-len(df) // size))


def table_html(widget: dict[str, Any], df: pd.DataFrame, page: int = 0) -> str:
    """Page ``page`` (0-based, clamped) of the chosen columns as an HTML table, with the
    rows it shows and the page count under it."""
    size = int(widget.get("page_size", 20))
    page = min(max(page, 0), table_pages(widget, df) - 1)
    rows = whole_numbers(df[widget["columns"]].iloc[page * size:(page + 1) * size])
    title = widget.get("title") or "Rows"
    body = rows.to_html(index=False, classes="orpheus-table", border=0, na_rep="", escape=True)
    first, last = (page * size + 1, page * size + len(rows)) if len(rows) else (0, 0)
    pager = (f'<div class="orpheus-table-pager">Rows {first:,}–{last:,} of {len(df):,} · '
             f"page {page + 1:,} of {table_pages(widget, df):,}</div>")
    return (f'<div class="orpheus-table-wrap"><div class="orpheus-kpi-title">{html.escape(title)} '
            f"({len(df):,} rows)</div>{body}{pager}</div>")


def markdown_html(widget: dict[str, Any]) -> str:
    """Markdown rendered to HTML (raw HTML in the text is escaped)."""
    import mistune

    render = mistune.create_markdown(escape=True)
    return f'<div class="orpheus-markdown">{render(widget["text"])}</div>'
