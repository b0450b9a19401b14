"""Datetime columns: range, dominant frequency and a histogram over time."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import numpy as np
import pyarrow as pa

from .arrays import as_numpy
from .stats import histogram

# (label, seconds, tolerance as a share of the step)
FREQUENCIES = (
    ("secondly", 1, 0.0), ("minutely", 60, 0.0), ("hourly", 3600, 0.0),
    ("daily", 86400, 0.0), ("weekly", 7 * 86400, 0.0),
    ("monthly", 30.44 * 86400, 0.1), ("quarterly", 91.31 * 86400, 0.05),
    ("yearly", 365.25 * 86400, 0.01),
)


def to_seconds(values: pa.Array) -> np.ndarray:
    """Sorted timestamps as float seconds since the epoch (timezone-naive as UTC)."""
    unit = values.type.unit if pa.types.is_timestamp(values.type) else "s"
    raw = as_numpy(values.cast(pa.timestamp(unit)).cast(pa.int64()))
    scale = {"s": 1, "ms": 1e3, "us": 1e6, "ns": 1e9}[unit]
    seconds: np.ndarray = raw.astype(np.float64) / scale
    return seconds


def iso(seconds: float) -> str:
    """ISO 8601 text of epoch seconds (date only when at midnight)."""
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc).replace(tzinfo=None)
    if moment.hour == moment.minute == moment.second == 0 and not moment.microsecond:
        return moment.date().isoformat()
    return moment.isoformat()


def dominant_frequency(seconds: np.ndarray) -> tuple[str, float]:
    """The most common step between distinct timestamps and the share of steps that match."""
    if len(seconds) < 3:
        return "irregular", 0.0
    steps = np.diff(seconds)
    steps = steps[steps > 0]
    if not len(steps):
        return "irregular", 0.0
    best, best_share = "irregular", 0.0
    gap = np.empty_like(steps)
    close = np.empty(len(steps), dtype=bool)
    for label, size, tol in FREQUENCIES:
        slack = max(size * tol, 0.5)
        np.subtract(steps, size, out=gap)
        np.abs(gap, out=gap)
        np.less_equal(gap, slack, out=close)
        share = np.count_nonzero(close) / len(steps)
        if share > best_share:
            best, best_share = label, share
    return (best, round(best_share, 4)) if best_share >= 0.5 else ("irregular", round(best_share, 4))


def datetime_profile(values: pa.Array, counts: np.ndarray) -> dict[str, Any]:
    """Range, span, dominant frequency and a histogram whose edges are ISO dates."""
    seconds = to_seconds(values)
    freq, share = dominant_frequency(seconds)
    hist = histogram(seconds, counts, integer=False)
    return {
        "datetime": {
            "min": iso(seconds[0]), "max": iso(seconds[-1]),
            "span_days": round(float(seconds[-1] - seconds[0]) / 86400, 4),
            "frequency": freq, "frequency_share": share,
        },
        "histogram": {"edges": [iso(e) for e in hist["edges"]], "counts": hist["counts"]},
    }
