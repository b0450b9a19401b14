"""A scripted Data Studio analyst for the fake Anthropic server.

The real ``claude`` CLI, started by Orpheus's analyst (``POST .../analyst``), asks the
fake model; :class:`AnalystScript` answers the requests whose system prompt carries the
analyst's instructions, in five steps counted from the run's request: run Python (join
``orders.tsv`` to ``customers.csv`` on ``customer_id`` and save the join under ``data/``),
write the notebook, write a dashboard spec over the join, check it, and sum up. With
``invalid`` set, the spec names a column that does not exist. Everything else goes to
``fallback`` (another caller's script).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .anthropic import Reply, ToolCall
from .base import RecordedRequest

MARK = "You are the data analyst of an Orpheus Data Studio project"
PROMPT_MARK = "Deterministic analysis of the project"
JOINED = "orders_by_customer.csv"
SPEC_FILE = "orders-by-region.json"
MISSING_COLUMN = "revenue_total"
SNEAKY = "sneaky.json"
FINDINGS = "Findings: orders joined to customers on customer_id; revenue by region is charted."

JOIN = (
    "import pandas as pd\n"
    "customers = pd.read_csv('data/customers.csv')\n"
    "orders = pd.read_csv('data/orders.tsv', sep='\\t')\n"
    "joined = orders.merge(customers, on='customer_id', how='left')\n"
    f"joined.to_csv('data/{JOINED}', index=False)\n"
    "print('JOINED', len(joined), 'REGIONS', joined['region'].nunique())\n"
)
NOTEBOOK_CELLS = [
    ("markdown", "# Orders by region\n\nOrders joined to their customers on `customer_id`."),
    ("code", "import pandas as pd\ncustomers = pd.read_csv('data/customers.csv')\n"
             "orders = pd.read_csv('data/orders.tsv', sep='\\t')"),
    ("code", "joined = orders.merge(customers, on='customer_id', how='left')\n"
             "by_region = joined.groupby('region')['amount'].agg(['count', 'sum', 'mean'])\nby_region"),
    ("code", "assert len(joined) == len(orders)\nprint('REGIONS', joined['region'].nunique())"),
]


def notebook() -> dict[str, Any]:
    """The findings notebook (nbformat 4)."""
    cells: list[dict[str, Any]] = [{"cell_type": kind, "metadata": {}, "source": text,
              **({"outputs": [], "execution_count": None} if kind == "code" else {})}
             for kind, text in NOTEBOOK_CELLS]
    return {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}}


def pos(x: int, y: int, w: int, h: int) -> dict[str, int]:
    return {"x": x, "y": y, "w": w, "h": h}


def spec(invalid: bool = False) -> dict[str, Any]:
    """A dashboard over the join: a region filter, two KPIs, a bar chart and a histogram."""
    return {
        "title": "Orders by region", "version": 1,
        "data_source": {"file": JOINED, "table": None, "filters": []},
        "layout": {"columns": 12, "row_height": 80},
        "widgets": [
            {"id": "region", "type": "filter", "column": "region", "control": "dropdown",
             "position": pos(0, 0, 6, 1)},
            {"id": "orders", "type": "kpi", "title": "Orders", "aggregation": "count",
             "position": pos(0, 1, 6, 2)},
            {"id": "revenue", "type": "kpi", "title": "Revenue", "aggregation": "sum", "column": "amount",
             "format": "currency", "position": pos(6, 1, 6, 2)},
            {"id": "by-region", "type": "chart", "kind": "bar", "title": "Revenue by region",
             "encoding": {"x": "region", "y": MISSING_COLUMN if invalid else "amount"},
             "aggregation": "sum", "position": pos(0, 3, 6, 4)},
            {"id": "amounts", "type": "chart", "kind": "histogram", "title": "Order amounts",
             "encoding": {"x": "amount"}, "position": pos(6, 3, 6, 4)},
        ],
    }


def system_text(body: dict[str, Any]) -> str:
    system = body.get("system")
    if isinstance(system, list):
        return "\n".join(str(b.get("text", "")) for b in system if isinstance(b, dict))
    return str(system or "")


def steps_done(messages: list[Any]) -> int:
    """Tool results since the last user message carrying the run's request."""
    start = 0
    for i, message in enumerate(messages):
        if message.get("role") == "user" and PROMPT_MARK in json.dumps(message.get("content")):
            start = i
    return sum(1 for m in messages[start:] if m.get("role") == "user" and isinstance(m.get("content"), list)
               for b in m["content"] if isinstance(b, dict) and b.get("type") == "tool_result")


@dataclass
class AnalystScript:
    """The analyst's answers; ``fallback`` answers every other request."""

    fallback: Callable[[RecordedRequest], Reply | None] = lambda request: None
    invalid: bool = False
    #: first try to write a spec straight into the saved dashboards (the run must deny it)
    sneak: bool = False
    #: seconds each scripted answer waits before it is sent (to catch a run in progress)
    delay: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, request: RecordedRequest) -> Reply | None:
        body = request.json if isinstance(request.json, dict) else {}
        tools = {t.get("name") for t in body.get("tools", []) if isinstance(t, dict)}
        system = system_text(body)
        if MARK not in system or "Write" not in tools:
            return self.fallback(request)
        self.requests.append(body)
        folder = re.search(r"project folder `([^`]+)`", system)
        python = re.search(r"as `([^`]+)` \(pandas", system)
        notebook_name = re.search(r"notebook `(analyst-[0-9-]+\.ipynb)`", system)
        if not (folder and python and notebook_name):
            return Reply(text="The analyst instructions lack the folder, python or notebook name.")
        return self.step(steps_done(body.get("messages", [])), folder[1], python[1], notebook_name[1])

    def step(self, done: int, folder: str, python: str, notebook_name: str) -> Reply:
        spec_path = f"{folder}/.analysis/analyst/dashboards/{SPEC_FILE}"
        calls = [
            ToolCall("Bash", {"command": f"{python} - <<'EOF'\n{JOIN}EOF", "description": "Join the tables"}),
            ToolCall("Write", {"file_path": f"{folder}/{notebook_name}", "content": json.dumps(notebook())}),
            ToolCall("Write", {"file_path": spec_path, "content": json.dumps(spec(self.invalid), indent=1)}),
            ToolCall("Bash", {"command": f"{python} -m orpheus.datastudio.analyst.check {spec_path}",
                              "description": "Check the dashboard"}),
        ]
        if self.sneak:
            calls.insert(0, ToolCall("Write", {"file_path": f"{folder}/dashboards/{SNEAKY}",
                                               "content": json.dumps(spec())}))
        if done < len(calls):
            return Reply(text=f"Step {done + 1}.", tool_calls=[calls[done]], delay=self.delay)
        return Reply(text=FINDINGS, delay=self.delay)
