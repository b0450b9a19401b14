"""The dashboard edit tools the model may call, and how each changes a spec.

Every call is checked against its own input schema here; the resulting spec
is then validated as a whole (dashboard schema + analysed columns) before
anything is saved. Application never mutates the caller's spec.
"""

from __future__ import annotations

import copy
import secrets
from typing import Any

import jsonschema

from .client import ToolUse

GRID: dict[str, Any] = {k: {"type": "integer"} for k in ("x", "y", "w", "h")}

TOOLS: list[dict[str, Any]] = [
    {"name": "update_widget", "description": "Change fields of one widget (shallow merge; "
     "'encoding' and 'position' are merged key by key). The id cannot change.",
     "input_schema": {"type": "object", "required": ["widget_id", "changes"], "additionalProperties": False,
                      "properties": {"widget_id": {"type": "string"}, "changes": {"type": "object"}}}},
    {"name": "add_widget", "description": "Add a widget (kpi, chart, table, markdown or filter) "
     "as the dashboard schema describes it; position is optional (placed below the others).",
     "input_schema": {"type": "object", "required": ["widget"], "additionalProperties": False,
                      "properties": {"widget": {"type": "object", "required": ["type"]}}}},
    {"name": "remove_widget", "description": "Remove one widget.",
     "input_schema": {"type": "object", "required": ["widget_id"], "additionalProperties": False,
                      "properties": {"widget_id": {"type": "string"}}}},
    {"name": "set_layout", "description": "Move or resize widgets on the 12-column grid.",
     "input_schema": {"type": "object", "required": ["positions"], "additionalProperties": False,
                      "properties": {"positions": {"type": "array", "minItems": 1, "items": {
                          "type": "object", "required": ["widget_id", "x", "y", "w", "h"],
                          "properties": {"widget_id": {"type": "string"},
                                         **GRID}}}}}},
    {"name": "set_filter", "description": "Replace the dashboard's data filters (clauses of "
     "column, op in eq/ne/in/not_in/gt/gte/lt/lte/between/contains, value).",
     "input_schema": {"type": "object", "required": ["filters"], "additionalProperties": False,
                      "properties": {"filters": {"type": "array", "items": {"type": "object"}}}}},
]
_SCHEMAS = {t["name"]: t["input_schema"] for t in TOOLS}


class ToolError(ValueError):
    """A call that cannot be applied; the message is fed back to the model."""


def _widget_index(spec: dict[str, Any], widget_id: Any) -> int:
    for i, widget in enumerate(spec["widgets"]):
        if widget.get("id") == widget_id:
            return i
    known = ", ".join(str(w.get("id")) for w in spec["widgets"]) or "none"
    raise ToolError(f"no widget has id {widget_id!r} (ids: {known})")


def _update(spec: dict[str, Any], args: dict[str, Any]) -> None:
    i = _widget_index(spec, args["widget_id"])
    changes = args["changes"]
    if "id" in changes and changes["id"] != args["widget_id"]:
        raise ToolError("a widget's id cannot change; remove it and add a new one instead")
    widget = spec["widgets"][i]
    for key, value in changes.items():
        if key in ("encoding", "position") and isinstance(value, dict) and isinstance(widget.get(key), dict):
            widget[key] = {**widget[key], **value}
        else:
            widget[key] = value


def _add(spec: dict[str, Any], args: dict[str, Any]) -> None:
    widget = dict(args["widget"])
    widget.setdefault("id", f"{widget['type']}-{secrets.token_hex(3)}")
    if any(w.get("id") == widget["id"] for w in spec["widgets"]):
        raise ToolError(f"a widget with id {widget['id']!r} exists already")
    if "position" not in widget:
        bottom = max((w["position"]["y"] + w["position"]["h"] for w in spec["widgets"]
                      if isinstance(w.get("position"), dict)), default=0)
        widget["position"] = {"x": 0, "y": bottom, "w": 6, "h": 4}
    spec["widgets"].append(widget)


def _remove(spec: dict[str, Any], args: dict[str, Any]) -> None:
    del spec["widgets"][_widget_index(spec, args["widget_id"])]


def _layout(spec: dict[str, Any], args: dict[str, Any]) -> None:
    for pos in args["positions"]:
        i = _widget_index(spec, pos["widget_id"])
        spec["widgets"][i]["position"] = {k: pos[k] for k in ("x", "y", "w", "h")}


def _filter(spec: dict[str, Any], args: dict[str, Any]) -> None:
    spec["data_source"]["filters"] = args["filters"]


_APPLY = {"update_widget": _update, "add_widget": _add, "remove_widget": _remove,
          "set_layout": _layout, "set_filter": _filter}


def apply(spec: dict[str, Any], uses: list[ToolUse]) -> tuple[dict[str, Any], list[str | None]]:
    """A changed copy of ``spec`` and, per call, ``None`` (applied) or what was wrong."""
    out = copy.deepcopy(spec)
    problems: list[str | None] = []
    for use in uses:
        try:
            if use.name not in _APPLY:
                raise ToolError(f"unknown tool {use.name!r}")
            jsonschema.validate(use.input, _SCHEMAS[use.name])
            _APPLY[use.name](out, use.input)
        except jsonschema.ValidationError as e:
            where = ".".join(str(p) for p in e.absolute_path) or "arguments"
            problems.append(f"{use.name}: {where}: {e.message}")
        except (ToolError, KeyError, TypeError) as e:
            problems.append(f"{use.name}: {e}")
        else:
            problems.append(None)
    return out, problems
