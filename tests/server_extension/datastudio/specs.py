"""A hand-written dashboard spec over the clinical-trial dataset, with known trace counts."""

from __future__ import annotations

from typing import Any

from . import datasets

# chart widget id -> traces its figure must have (3 arms -> 3 lines when colored by arm)
EXPECTED_TRACES = {"by-arm": 1, "bp-trend": len(datasets.ARMS), "events": 1, "ages": 1, "bp-box": 1}


def pos(x: int, y: int, w: int, h: int) -> dict[str, int]:
    return {"x": x, "y": y, "w": w, "h": h}


def trial_spec(title: str = "Trial overview") -> dict[str, Any]:
    """Filters, KPIs, five chart kinds, a table and markdown on trial.csv."""
    return {
        "title": title,
        "data_source": {"file": "trial.csv", "table": None, "filters": []},
        "layout": {"columns": 12, "row_height": 80},
        "widgets": [
            {"id": "arm", "type": "filter", "column": "treatment_arm", "control": "dropdown",
             "position": pos(0, 0, 6, 1)},
            {"id": "when", "type": "filter", "column": "enrollment_date", "control": "date_range",
             "position": pos(6, 0, 6, 1)},
            {"id": "rows", "type": "kpi", "title": "Patients", "aggregation": "count",
             "position": pos(0, 1, 6, 2)},
            {"id": "bp", "type": "kpi", "title": "Mean systolic BP", "aggregation": "mean",
             "column": "systolic_bp", "position": pos(6, 1, 6, 2)},
            {"id": "by-arm", "type": "chart", "kind": "bar", "title": "Patients per arm",
             "encoding": {"x": "treatment_arm"}, "aggregation": "count", "position": pos(0, 3, 6, 4)},
            {"id": "bp-trend", "type": "chart", "kind": "line", "title": "Systolic BP by month",
             "encoding": {"x": "enrollment_date", "y": "systolic_bp", "color": "treatment_arm"},
             "aggregation": "mean", "time_unit": "month", "position": pos(6, 3, 6, 4)},
            {"id": "events", "type": "chart", "kind": "pie", "title": "Adverse events",
             "encoding": {"x": "adverse_event"}, "aggregation": "count", "position": pos(0, 7, 4, 4)},
            {"id": "ages", "type": "chart", "kind": "histogram", "title": "Ages",
             "encoding": {"x": "age"}, "position": pos(4, 7, 4, 4)},
            {"id": "bp-box", "type": "chart", "kind": "box", "title": "BP per arm",
             "encoding": {"x": "treatment_arm", "y": "systolic_bp"}, "position": pos(8, 7, 4, 4)},
            {"id": "sample", "type": "table", "columns": ["patient_id", "treatment_arm", "age"],
             "page_size": 5, "position": pos(0, 11, 8, 4)},
            {"id": "notes", "type": "markdown", "text": "**Seeded** trial data", "position": pos(8, 11, 4, 4)},
        ],
    }
