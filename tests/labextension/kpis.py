"""The KPI cards a dashboard spec should show for a CSV file, computed independently.

The figures come from the file through the standard library (``csv``, ``Decimal``),
never through pandas or the product's own ``kpi_value``/``format_kpi``, so a
dashboard (in Voila, in a share) can be checked card by card against them.
"""

from __future__ import annotations

import csv
import statistics
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

UNITS = [(Decimal(10) ** 3, "K"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 9, "B"), (Decimal(10) ** 12, "T")]


def reference(value: Decimal, fmt: str) -> str:
    """The documented KPI text: in full below 10,000, else one decimal with K/M/B/T (halves up)."""
    if fmt == "percent":
        return f"{value.quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
    sign = "-" if value < 0 else ""
    size = abs(value)
    prefix = "$" if fmt == "currency" else ""
    if fmt == "integer":
        size = size.quantize(Decimal(1), ROUND_HALF_UP)
    if size < 10_000:
        places = Decimal(1) if fmt == "integer" or size == size.to_integral_value() else Decimal("0.01")
        return f"{sign}{prefix}{size.quantize(places, ROUND_HALF_UP):,}"
    for i, (limit, suffix) in enumerate(UNITS):
        scaled = (size / limit).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if scaled < 1000 or i == len(UNITS) - 1:
            return f"{sign}{prefix}{scaled:,}{suffix}"
    raise AssertionError("unreachable")


def aggregate(rows: list[dict[str, str]], agg: str, column: str | None) -> Decimal:
    """The exact figure of a KPI's aggregation over the file's rows (blank cells skipped)."""
    if agg == "count":
        return Decimal(len([r for r in rows if r[column] != ""]) if column else len(rows))
    assert column, f"a {agg} KPI without a column"
    if agg == "distinct":
        return Decimal(len({r[column] for r in rows if r[column] != ""}))
    values = [Decimal(r[column]) for r in rows if r[column] != ""]
    exact = {"sum": lambda: sum(values, Decimal(0)), "mean": lambda: sum(values, Decimal(0)) / len(values),
             "median": lambda: statistics.median(values), "min": lambda: min(values), "max": lambda: max(values)}
    assert agg in exact, f"no reference for a {agg} KPI"
    return Decimal(exact[agg]())


def card_title(widget: dict[str, Any]) -> str:
    """The title a KPI card shows (its own, else aggregation and column)."""
    return str(widget.get("title") or f"{widget['aggregation']} {widget.get('column') or 'rows'}")


def figures(path: Path, spec: dict[str, Any]) -> dict[str, Decimal]:
    """Each KPI card's title -> the exact figure computed from the file."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for w in spec["widgets"]:
        if w["type"] == "kpi":
            out[card_title(w)] = aggregate(rows, w["aggregation"], w.get("column"))
    return out


def expected_cards(path: Path, spec: dict[str, Any]) -> dict[str, str]:
    """Each KPI card's title -> the text it must show."""
    formats = {card_title(w): w.get("format", "number") for w in spec["widgets"] if w["type"] == "kpi"}
    return {title: reference(value, formats[title]) for title, value in figures(path, spec).items()}
