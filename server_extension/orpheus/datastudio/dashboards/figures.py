"""Plotly figures from a chart widget and a pandas frame (kernel and static export alike).

Large frames never reach the browser whole: histograms are binned here, box
plots are sent as precomputed quartiles, scatter and raw lines are sampled
(the title says so), and categorical axes keep the ``limit`` largest values.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

MAX_POINTS = 5000
DEFAULT_LIMIT = 30
HIST_BINS = 30
PERIODS = {"hour": "h", "day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}


def _bucket(series: pd.Series, unit: str | None) -> pd.Series:
    if unit is None or not pd.api.types.is_datetime64_any_dtype(series):
        return series
    return series.dt.to_period(PERIODS[unit]).dt.start_time


def aggregate(df: pd.DataFrame, keys: list[str], y: str | None, agg: str) -> pd.DataFrame:
    """Group by ``keys``; the value column is ``value`` (row count when no y or count)."""
    grouped = df.groupby(keys, observed=True, dropna=True, sort=True)
    if agg in ("count", "none") or y is None:
        out = grouped.size().rename("value")
    else:
        out = grouped[y].agg(agg).rename("value")
    return out.reset_index()


def _top(df: pd.DataFrame, column: str, limit: int) -> pd.DataFrame:
    keep = df.groupby(column, observed=True)["value"].sum().nlargest(limit).index
    return df[df[column].isin(keep)]


def label(value: Any) -> str:
    """A category as text: whole floats without ``.0`` (an integer column with blanks
    is read as floats; ``28.0`` is shown as ``28``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _split(df: pd.DataFrame, color: str | None) -> list[tuple[str | None, pd.DataFrame]]:
    if color is None:
        return [(None, df)]
    return [(label(k), part) for k, part in df.groupby(color, observed=True, sort=True)]


def _sample(df: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    if len(df) <= MAX_POINTS:
        return df, False
    return df.sample(MAX_POINTS, random_state=0).sort_index(), True


def figure(widget: dict[str, Any], df: pd.DataFrame, height: int | None = None) -> go.Figure:
    """The plotly figure of a ``chart`` widget over ``df`` (already filtered)."""
    builder = {"histogram": _histogram, "bar": _bar, "line": _line, "area": _line,
               "scatter": _scatter, "box": _box, "pie": _pie, "heatmap": _heatmap}[widget["kind"]]
    fig, note = builder(widget, df)
    title = widget.get("title") or widget["kind"]
    legend = len(fig.data) > 1 and widget["kind"] not in ("pie", "heatmap")
    fig.update_layout(
        title={"text": title + (f" <sup>({note})</sup>" if note else ""), "x": 0.01, "y": 0.98,
               "yanchor": "top"},
        margin={"l": 56, "r": 16, "t": 76 if legend else 48, "b": 48}, template="plotly_white",
        height=height, meta={"orpheus_widget": widget["id"]}, showlegend=legend or widget["kind"] == "pie",
        # Above the plot, right-aligned under the title: never over the x axis title below.
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "xanchor": "right", "x": 1,
                "title": {"text": widget.get("encoding", {}).get("color") or ""}},
    )
    return fig


def _histogram(w: dict[str, Any], df: pd.DataFrame) -> tuple[go.Figure, str]:
    x, color = w["encoding"]["x"], w["encoding"].get("color")
    data = df[[x] + ([color] if color else [])].dropna(subset=[x])
    is_time = pd.api.types.is_datetime64_any_dtype(data[x])
    values = data[x].astype("int64") if is_time else data[x].astype("float64")
    edges = np.histogram_bin_edges(values, bins=HIST_BINS) if len(values) else np.arange(2)
    fig = go.Figure()
    for name, part in _split(data.assign(_v=values), color):
        counts, _ = np.histogram(part["_v"], bins=edges)
        centers = (edges[:-1] + edges[1:]) / 2
        xs = pd.to_datetime(centers) if is_time else centers
        fig.add_bar(x=xs, y=counts, name=name or x, width=None if is_time else np.diff(edges))
    fig.update_layout(barmode="stack", bargap=0.02, xaxis_title=x, yaxis_title="rows")
    return fig, ""


def _bar(w: dict[str, Any], df: pd.DataFrame) -> tuple[go.Figure, str]:
    enc, agg = w["encoding"], w.get("aggregation", "none")
    x, y, color = enc["x"], enc.get("y"), enc.get("color")
    agg = "count" if y is None else ("sum" if agg == "none" else agg)
    data = df.assign(**{x: _bucket(df[x], w.get("time_unit"))})
    table = _top(aggregate(data, [x] + ([color] if color else []), y, agg), x,
                 w.get("limit", DEFAULT_LIMIT))
    fig = go.Figure()
    for name, part in _split(table, color):
        fig.add_bar(x=part[x].astype(str) if not color and part[x].dtype == bool else part[x],
                    y=part["value"], name=name or (y or "rows"))
    fig.update_layout(barmode="group", xaxis_title=x, yaxis_title=f"{agg} of {y}" if y else "rows")
    return fig, ""


def _line(w: dict[str, Any], df: pd.DataFrame) -> tuple[go.Figure, str]:
    enc, agg = w["encoding"], w.get("aggregation", "none")
    x, y, color = enc["x"], enc.get("y"), enc.get("color")
    data, note = df.dropna(subset=[x]), ""
    if agg == "none" and y is not None:
        data, sampled = _sample(data.sort_values(x))
        table = data.rename(columns={y: "value"})
        note = f"sample of {MAX_POINTS:,} rows" if sampled else ""
    else:
        data = data.assign(**{x: _bucket(data[x], w.get("time_unit"))})
        table = aggregate(data, [x] + ([color] if color else []), y, agg if y else "count")
    fig = go.Figure()
    area = w["kind"] == "area"
    for name, part in _split(table, color):
        fig.add_scatter(x=part[x], y=part["value"], mode="lines", name=name or (y or "rows"),
                        stackgroup="one" if area else None)
    fig.update_layout(xaxis_title=x, yaxis_title=f"{agg} of {y}" if y and agg != "none" else (y or "rows"))
    return fig, note


def _scatter(w: dict[str, Any], df: pd.DataFrame) -> tuple[go.Figure, str]:
    enc = w["encoding"]
    x, y, color = enc["x"], enc["y"], enc.get("color")
    data, sampled = _sample(df.dropna(subset=[x, y]))
    fig = go.Figure()
    # SVG, not WebGL (scattergl): at most MAX_POINTS points draw fine as SVG, and in a
    # browser without WebGL (software rendering, remote desktops) a WebGL scatter is blank.
    for name, part in _split(data, color):
        fig.add_scatter(x=part[x], y=part[y], mode="markers", name=name or y,
                        marker={"size": 5, "opacity": 0.6})
    fig.update_layout(xaxis_title=x, yaxis_title=y)
    return fig, f"sample of {MAX_POINTS:,} rows" if sampled else ""


def _box(w: dict[str, Any], df: pd.DataFrame) -> tuple[go.Figure, str]:
    x, y = w["encoding"]["x"], w["encoding"]["y"]
    data = df.dropna(subset=[x, y])
    stats = data.groupby(x, observed=True)[y].describe()
    counts = data[x].value_counts()
    counts = counts[counts > 0]  # categorical columns list unused categories too
    stats = stats.loc[counts.index[: w.get("limit", DEFAULT_LIMIT)]].sort_index()
    iqr = stats["75%"] - stats["25%"]
    grouped = data.groupby(x, observed=True)[y]
    lower = np.maximum(stats["min"], stats["25%"] - 1.5 * iqr)
    upper = np.minimum(stats["max"], stats["75%"] + 1.5 * iqr)
    fig = go.Figure(go.Box(
        x=[label(i) for i in stats.index], q1=stats["25%"], median=stats["50%"], q3=stats["75%"],
        lowerfence=lower, upperfence=upper, mean=grouped.mean().loc[stats.index], name=y,
    ))
    fig.update_layout(xaxis_title=x, yaxis_title=y)
    return fig, ""


def _pie(w: dict[str, Any], df: pd.DataFrame) -> tuple[go.Figure, str]:
    x, y = w["encoding"]["x"], w["encoding"].get("y")
    agg = w.get("aggregation", "none")
    table = aggregate(df, [x], y, "count" if y is None else ("sum" if agg in ("none", "count") else agg))
    table = table.sort_values("value", ascending=False)
    limit = min(w.get("limit", 10), 10)
    if len(table) > limit:
        rest = pd.DataFrame({x: ["Other"], "value": [table["value"].iloc[limit:].sum()]})
        table = pd.concat([table.iloc[:limit].assign(**{x: table[x].iloc[:limit].map(label)}), rest])
    fig = go.Figure(go.Pie(labels=table[x].map(label), values=table["value"], hole=0.35))
    return fig, ""


def _heatmap(w: dict[str, Any], df: pd.DataFrame) -> tuple[go.Figure, str]:
    enc, agg = w["encoding"], w.get("aggregation", "count")
    x, y = enc["x"], enc["y"]
    data = df.assign(**{x: _bucket(df[x], w.get("time_unit"))})
    table = aggregate(data, [x, y], None, "count")
    grid = table.pivot(index=y, columns=x, values="value").fillna(0)
    fig = go.Figure(go.Heatmap(z=grid.to_numpy(), x=[label(c) for c in grid.columns],
                               y=[label(i) for i in grid.index], colorscale="Blues"))
    fig.update_layout(xaxis_title=x, yaxis_title=y)
    return fig, "" if agg in ("count", "none") else "counts"
