"""Kernel-side runtime of a generated dashboard notebook: ipywidgets filters, plotly charts.

The notebook holds the spec and calls :class:`Dashboard`; each widget cell
shows one widget. Changing a filter recomputes every chart, KPI and table
from the compact Parquet cache the generator wrote next to the notebook.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pandas as pd

from . import figures, frames

ALL = "(all)"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
MAX_OPTIONS = 400


def range_caption(w: dict[str, Any], value: tuple[Any, Any]) -> str:
    """``<b>enrollment_date</b>: 2024-01-01 – 2024-06-30``: a range filter's label."""
    import html

    def text(v: Any) -> str:
        if isinstance(v, pd.Timestamp):
            return str(v.date().isoformat())
        return figures.label(float(v)) if float(v).is_integer() else f"{float(v):,.4g}"

    title = html.escape(str(w.get("title") or w["column"]))
    return f"<b>{title}</b>: {html.escape(text(value[0]))} – {html.escape(text(value[1]))}"


class Dashboard:
    """Widgets of one dashboard spec over one data frame."""

    def __init__(self, spec: dict[str, Any], data: pd.DataFrame) -> None:
        self.spec = spec
        self.base = frames.apply_clauses(data, spec["data_source"].get("filters", []))
        self.row_height = spec["layout"].get("row_height", 80)
        self.widgets = {w["id"]: w for w in spec["widgets"]}
        self.controls: dict[str, Any] = {}
        self.views: dict[str, Any] = {}
        self.pages: dict[str, int] = {}  # table widget id -> 0-based page shown

    @classmethod
    def from_parquet(cls, spec: dict[str, Any], path: str) -> Dashboard:
        """Load the generator's Parquet cache (only the columns the spec uses)."""
        return cls(spec, pd.read_parquet(path))

    @staticmethod
    def style() -> Any:
        """The widgets' CSS as a displayable HTML object."""
        from IPython.display import HTML

        css = resources.files(__package__).joinpath("dashboard.css").read_text(encoding="utf-8")
        return HTML(f"<style>{css}</style>")  # type: ignore[no-untyped-call]

    def _view(self, w: dict[str, Any]) -> Any:
        import ipywidgets as widgets

        if w["type"] == "filter":
            control = self._control(w)
            control.observe(lambda _change: self.refresh(), names="value")
            self.controls[w["id"]] = control
            if w["control"] not in ("range", "date_range"):
                return widgets.VBox([control], layout=widgets.Layout(width="100%"))
            # A slider's own readout is cut off in a narrow cell: the range goes in a label
            # above it, in full, updated as the slider moves.
            caption = widgets.HTML(range_caption(w, control.value),
                                   layout=widgets.Layout(width="100%"))
            caption.add_class("orpheus-filter-label")
            control.observe(lambda change: setattr(caption, "value", range_caption(w, change["new"])),
                            names="value")
            return widgets.VBox([caption, control], layout=widgets.Layout(width="100%"))
        if w["type"] == "chart":
            return widgets.Output(layout=widgets.Layout(width="100%"))
        if w["type"] == "table":
            return self._table_view(w)
        return widgets.HTML(layout=widgets.Layout(width="100%"))

    def _table_view(self, w: dict[str, Any]) -> Any:
        """The table's HTML with Previous/Next buttons under it."""
        import ipywidgets as widgets

        body = widgets.HTML(layout=widgets.Layout(width="100%"))
        back = widgets.Button(description="‹ Previous", layout=widgets.Layout(width="auto"))
        forward = widgets.Button(description="Next ›", layout=widgets.Layout(width="auto"))
        view = widgets.VBox([body, widgets.HBox([back, forward])], layout=widgets.Layout(width="100%"))
        view.add_class("orpheus-table-view")
        self.pages[w["id"]] = 0

        def turn(step: int) -> None:
            self.pages[w["id"]] += step
            self._update(w["id"], self.frame())

        back.on_click(lambda _b: turn(-1))
        forward.on_click(lambda _b: turn(1))
        return view

    def _control(self, w: dict[str, Any]) -> Any:
        import ipywidgets as widgets

        series = self.base[w["column"]].dropna()
        label = w.get("title") or w["column"]
        style = {"description_width": "initial"}
        wide = widgets.Layout(width="95%")
        if w["control"] == "range":
            lo, hi = float(series.min()), float(series.max())
            return widgets.FloatRangeSlider(value=(lo, hi), min=lo, max=hi, step=(hi - lo) / 100 or 1,
                                            readout=False, layout=wide)
        if w["control"] == "date_range":
            days = sorted(series.dt.normalize().unique())
            step = max(1, len(days) // MAX_OPTIONS)
            options = [(pd.Timestamp(d).date().isoformat(), pd.Timestamp(d)) for d in days[::step]]
            return widgets.SelectionRangeSlider(options=options, index=(0, len(options) - 1),
                                                readout=False, layout=wide)
        values = [str(v) for v in series.value_counts().index[:MAX_OPTIONS]]
        if w["control"] == "multiselect":
            return widgets.SelectMultiple(options=sorted(values), description=label, style=style,
                                          layout=wide)
        return widgets.Dropdown(options=[ALL, *sorted(values)], value=ALL, description=label,
                                style=style, layout=wide)

    def frame(self) -> pd.DataFrame:
        """The base frame narrowed by the current filter controls."""
        df = self.base
        for wid, control in self.controls.items():
            column, value = self.widgets[wid]["column"], control.value
            kind = self.widgets[wid]["control"]
            if kind in ("range", "date_range"):
                df = df[df[column].between(value[0], value[1] + (pd.Timedelta(days=1) - pd.Timedelta(1)
                                                                if kind == "date_range" else 0))]
            elif kind == "multiselect" and value:
                df = df[df[column].astype(str).isin(value)]
            elif kind == "dropdown" and value != ALL:
                df = df[df[column].astype(str) == value]
        return df

    def refresh(self) -> None:
        """Recompute every shown chart, KPI and table for the current filters (tables
        go back to their first page)."""
        df = self.frame()
        self.pages = dict.fromkeys(self.pages, 0)
        for wid in self.views:
            try:
                self._update(wid, df)
            except Exception as e:
                self._show_error(wid, e)

    def _show_error(self, wid: str, error: Exception) -> None:
        import html

        message = f"{self.widgets[wid].get('title') or wid}: could not update ({error})"
        view = self.views[wid]
        if self.widgets[wid]["type"] == "table":
            view = view.children[0]
        if self.widgets[wid]["type"] == "chart":
            view.outputs = ({"output_type": "stream", "name": "stderr", "text": message},)
        elif hasattr(view, "value") and isinstance(view.value, str):
            view.value = f'<div class="orpheus-kpi">{html.escape(message)}</div>'

    def _update(self, wid: str, df: pd.DataFrame) -> None:
        w, view = self.widgets[wid], self.views[wid]
        if w["type"] == "chart":
            fig = figures.figure(w, df, height=w["position"]["h"] * self.row_height - 16)
            # Set the Output widget's state directly instead of capturing display():
            # no output-capture hooks in the kernel, one state update per chart.
            figure = {**json.loads(fig.to_json()), "config": {"displaylogo": False}}
            view.outputs = ({"output_type": "display_data", "metadata": {},
                             "data": {PLOTLY_MIME: figure, "text/plain": w.get("title") or wid}},)
        elif w["type"] == "kpi":
            view.value = frames.kpi_html(w, df)
        elif w["type"] == "table":
            pages = frames.table_pages(w, df)
            page = self.pages[wid] = min(max(self.pages.get(wid, 0), 0), pages - 1)
            body, (back, forward) = view.children[0], view.children[1].children
            body.value = frames.table_html(w, df, page)
            back.disabled, forward.disabled = page == 0, page >= pages - 1
        elif w["type"] == "markdown":
            view.value = frames.markdown_html(w)

    def show(self, widget_id: str) -> Any:
        """Create (once) and return the ipywidget of one dashboard widget.

        Each widget's models are created by the cell that displays it, the way
        Voila expects, so the page can render cell by cell.
        """
        if widget_id not in self.views:
            self.views[widget_id] = self._view(self.widgets[widget_id])
            self._update(widget_id, self.frame())
        return self.views[widget_id]
