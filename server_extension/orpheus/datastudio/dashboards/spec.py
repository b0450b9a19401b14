"""Dashboard specs: JSON Schema validation plus checks against the analysed columns.

:func:`validate` raises :class:`SpecError` (a ``ValueError``) whose ``field``
names the failing part, e.g. ``widgets[2].encoding.y``.
"""

from __future__ import annotations

from typing import Any

import jsonschema

from .. import schemas

NUMERIC = {"integer", "float"}
DISCRETE = {"categorical", "boolean", "integer", "identifier"}
MAX_COLOR_VALUES = 20
# kind -> (types allowed on x, whether y is required, types allowed on y)
KINDS: dict[str, tuple[set[str], bool, set[str]]] = {
    "histogram": (NUMERIC | {"datetime"}, False, set()),
    "bar": (DISCRETE | {"datetime"}, False, NUMERIC),
    "line": (NUMERIC | {"datetime"}, False, NUMERIC),
    "area": (NUMERIC | {"datetime"}, False, NUMERIC),
    "scatter": (NUMERIC | {"datetime"}, True, NUMERIC),
    "box": (DISCRETE, True, NUMERIC),
    "pie": (DISCRETE, False, NUMERIC),
    "heatmap": (DISCRETE | {"datetime"}, True, DISCRETE | {"datetime"}),
}


class SpecError(ValueError):
    """A spec that fails validation; ``field`` is the path of the failing part."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "spec"


def check_schema(spec: Any) -> None:
    """Validate against ``dashboard.schema.json``; the deepest, most specific error wins."""
    validator = jsonschema.Draft202012Validator(schemas.load("dashboard"))
    errors = list(validator.iter_errors(spec))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        raise SpecError(_path(best.absolute_path), best.message)


def validate(spec: Any, columns: dict[str, dict[str, Any]] | None) -> None:
    """Schema, unique ids, the 12-column grid and, given ``columns``, column/type fit."""
    check_schema(spec)
    seen: set[str] = set()
    for i, widget in enumerate(spec["widgets"]):
        where = f"widgets[{i}]"
        if widget["id"] in seen:
            raise SpecError(f"{where}.id", f"duplicate widget id {widget['id']!r}")
        seen.add(widget["id"])
        pos = widget["position"]
        if pos["x"] + pos["w"] > 12:
            raise SpecError(f"{where}.position", "x + w must be at most 12 (a 12-column grid)")
        if columns is not None:
            check_widget(where, widget, columns)
    if columns is not None:
        for i, clause in enumerate(spec["data_source"].get("filters", [])):
            _column(f"data_source.filters[{i}].column", clause["column"], columns)


def _column(field: str, name: str, columns: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if name not in columns:
        raise SpecError(field, f"column {name!r} does not exist in the data source")
    return columns[name]


def _typed(field: str, name: str | None, columns: dict[str, dict[str, Any]], allowed: set[str],
           what: str) -> dict[str, Any] | None:
    if name is None:
        return None
    col = _column(field, name, columns)
    if col["type"] not in allowed:
        raise SpecError(field, f"column {name!r} is {col['type']}; {what} needs "
                               f"{' or '.join(sorted(allowed))}")
    return col


def check_widget(where: str, w: dict[str, Any], columns: dict[str, dict[str, Any]]) -> None:
    """Column existence and type fit for one widget."""
    kind = w["type"]
    if kind == "chart":
        check_chart(where, w, columns)
    elif kind == "kpi":
        agg = w["aggregation"]
        if agg != "count" and w.get("column") is None:
            raise SpecError(f"{where}.column", f"a {agg} KPI needs a column")
        allowed = NUMERIC if agg in ("sum", "mean", "median", "min", "max") else set(_all_types())
        _typed(f"{where}.column", w.get("column"), columns, allowed, f"a {agg} KPI")
    elif kind == "table":
        for j, name in enumerate(w["columns"]):
            _column(f"{where}.columns[{j}]", name, columns)
    elif kind == "filter":
        need = {"range": NUMERIC, "date_range": {"datetime"},
                "dropdown": DISCRETE, "multiselect": DISCRETE}[w["control"]]
        _typed(f"{where}.column", w["column"], columns, need, f"a {w['control']} filter")


def _all_types() -> list[str]:
    return ["integer", "float", "boolean", "datetime", "categorical", "text", "identifier"]


def check_chart(where: str, w: dict[str, Any], columns: dict[str, dict[str, Any]]) -> None:
    """A chart's encodings exist and suit its kind and aggregation."""
    kind, enc = w["kind"], w["encoding"]
    x_types, y_required, y_types = KINDS[kind]
    agg = w.get("aggregation", "none")
    if enc.get("x") is None:
        raise SpecError(f"{where}.encoding.x", f"a {kind} chart needs an x column")
    _typed(f"{where}.encoding.x", enc["x"], columns, x_types, f"the x axis of a {kind} chart")
    y = enc.get("y")
    if y is None and (y_required or agg not in ("none", "count")):
        raise SpecError(f"{where}.encoding.y", f"a {kind} chart with aggregation {agg!r} needs a y column")
    if y is not None and kind == "histogram":
        raise SpecError(f"{where}.encoding.y", "a histogram takes no y column (it counts x)")
    _typed(f"{where}.encoding.y", y, columns, y_types, f"the y axis of a {kind} chart")
    color = _typed(f"{where}.encoding.color", enc.get("color"), columns,
                   DISCRETE, f"the color of a {kind} chart")
    if color is not None and color["distinct"] > MAX_COLOR_VALUES:
        raise SpecError(f"{where}.encoding.color", f"column {enc['color']!r} has "
                        f"{color['distinct']} values; color takes at most {MAX_COLOR_VALUES}")
    if kind in ("pie", "heatmap") and enc.get("color") is not None:
        raise SpecError(f"{where}.encoding.color", f"a {kind} chart takes no color column")
