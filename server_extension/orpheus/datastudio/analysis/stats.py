"""Exact statistics of a column from its sorted distribution (distinct values and their counts).

Everything here is O(distinct) at most, and the parts that only need positions
(quantiles, histogram bins, IQR outliers) are binary searches over the sorted
values and the cumulative counts, so a column of a million distinct numbers
costs a few passes, not a sort per statistic. The results are the same numbers
``np.histogram`` and a full scan would give: bins are half-open ``[e_i, e_i+1)``
with the last one closed, exactly as NumPy assigns them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from .arrays import from_numpy

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
TOP_VALUES = 10
HIST_BINS = 20


def ratio(part: int, whole: int) -> float:
    """``part / whole`` rounded to 6 places (0 for an empty whole)."""
    return round(part / whole, 6) if whole else 0.0


def top_indices(counts: np.ndarray, k: int = TOP_VALUES) -> np.ndarray:
    """The first ``k`` of ``np.argsort(-counts, kind="stable")`` without sorting them all.

    The k-th largest count splits the rest: every larger count is in, and the
    equal ones fill up in index order, which is how a stable sort breaks ties.
    """
    if len(counts) <= k:
        return np.argsort(-counts, kind="stable")
    kth = _kth_largest(counts, k)
    greater = np.flatnonzero(counts > kth)
    equal = _first_equal(counts, kth, k - len(greater))
    picked = np.sort(np.concatenate([greater, equal]))
    result: np.ndarray = picked[np.argsort(-counts[picked], kind="stable")]
    return result


def _first_equal(counts: np.ndarray, value: int, n: int) -> np.ndarray:
    """Indices of the first ``n`` counts equal to ``value``, looking at a growing prefix only."""
    end = 4096
    while True:
        found = np.flatnonzero(counts[:end] == value)
        if len(found) >= n or end >= len(counts):
            return found[:n]
        end *= 8


def _kth_largest(counts: np.ndarray, k: int) -> int:
    """The k-th largest of non-negative counts: from a tally of the counts when they are small.

    (``np.partition`` is slow on the all-ones counts of a unique column.)
    """
    top = int(counts.max())
    if top > 4 * len(counts):
        return int(np.partition(counts, len(counts) - k)[len(counts) - k])
    from_top = np.cumsum(np.bincount(counts, minlength=top + 1)[::-1])
    return top - int(np.searchsorted(from_top, k))


def top_values(values: pa.Array, counts: np.ndarray, non_null: int) -> list[dict[str, Any]]:
    """The most frequent values, ties in the distribution's order."""
    if not len(counts):
        return []
    top = top_indices(counts)
    picked = values.take(from_numpy(top.astype(np.int64, copy=False))).to_pylist()
    return [{"value": _jsonable(v), "count": int(counts[i]), "share": ratio(int(counts[i]), non_null)}
            for v, i in zip(picked, top, strict=True)]


def _jsonable(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def weighted_quantile(values: np.ndarray, cum: np.ndarray, q: float) -> float:
    """Linear-interpolated quantile of sorted ``values`` with cumulative counts ``cum``."""
    n = int(cum[-1])
    pos = q * (n - 1)
    lo, hi = int(np.floor(pos)), int(np.ceil(pos))
    v_lo = values[np.searchsorted(cum, lo + 1)]
    v_hi = values[np.searchsorted(cum, hi + 1)]
    return float(v_lo + (v_hi - v_lo) * (pos - lo))


def _below(values: np.ndarray, cum: np.ndarray, edge: float, side: str = "left") -> int:
    """How many counted values lie below ``edge`` (at or below it with ``side="right"``)."""
    index = int(np.searchsorted(values, edge, side=side))  # type: ignore[call-overload]
    return int(cum[index - 1]) if index else 0


def _outliers(values: np.ndarray, counts: np.ndarray, cum: np.ndarray, lower: float, upper: float) -> int:
    if np.isfinite(lower) and np.isfinite(upper):
        return _below(values, cum, lower) + int(cum[-1]) - _below(values, cum, upper, "right")
    return int(counts[(values < lower) | (values > upper)].sum())  # NaN fences: compare as NumPy does


def numeric_stats(values: np.ndarray, counts: np.ndarray, integer: bool) -> dict[str, Any]:
    """min/max/mean/std/sum, quantiles, histogram and IQR outliers from a sorted distribution."""
    n = int(counts.sum())
    cum = np.cumsum(counts)
    weights = counts.astype(np.float64)
    total = float(np.dot(values, weights))
    mean = total / n
    spread = np.subtract(values, mean)
    np.square(spread, out=spread)
    var = float(np.dot(spread, weights) / (n - 1)) if n > 1 else 0.0
    del spread, weights
    quant = {f"p{int(q * 100)}": weighted_quantile(values, cum, q) for q in QUANTILES}
    q1, q3 = quant["p25"], quant["p75"]
    iqr = q3 - q1
    lower, upper = q1 - 1.5 * iqr, q3 + 1.5 * iqr
    outliers = _outliers(values, counts, cum, lower, upper)
    return {
        "stats": {
            "min": _num(values[0], integer), "max": _num(values[-1], integer),
            "mean": round(mean, 6), "std": round(float(np.sqrt(var)), 6),
            "sum": _num(total, integer),
            "quantiles": {k: round(v, 6) for k, v in quant.items()},
        },
        "histogram": histogram(values, counts, integer, cum),
        "outliers": {"method": "iqr", "lower_fence": round(lower, 6),
                     "upper_fence": round(upper, 6), "count": outliers,
                     "ratio": ratio(outliers, n)},
    }


def _num(value: float, integer: bool) -> float | int:
    return int(value) if integer else round(float(value), 6)


def histogram(values: np.ndarray, counts: np.ndarray, integer: bool,
              cum: np.ndarray | None = None) -> dict[str, list[Any]]:
    """Equal-width bins (integer-aligned for small integer ranges) over sorted ``values``."""
    lo, hi = float(values[0]), float(values[-1])
    if integer and hi - lo < HIST_BINS:
        edges = np.arange(lo, hi + 2) - 0.5
    else:
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges = np.linspace(lo, hi, (1 if values[0] == values[-1] else HIST_BINS) + 1)
    if cum is None:
        cum = np.cumsum(counts)
    below = [_below(values, cum, float(e)) for e in edges[:-1]]
    below.append(int(cum[-1]))  # the last bin holds its right edge
    return {"edges": [round(float(e), 6) for e in edges],
            "counts": [below[i + 1] - below[i] for i in range(len(edges) - 1)]}
