"""Streaming column profiles: exact counts, distincts, statistics and histograms.

Each column keeps one compact state across record batches: its value counts
(an Arrow array of distinct values plus their counts). Everything else follows
exactly from it: min/max, mean/std, quantiles, histogram bins, IQR outliers,
top values and the dominant datetime step. Memory grows with the number of
distinct values, never with the number of rows times columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import semantic
from .arrays import as_numpy

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
TOP_VALUES = 10
HIST_BINS = 20
SAMPLE_VALUES = 2000
COMPACT_AT = 2_000_000


def physical_kind(typ: pa.DataType) -> str:
    """numeric/boolean/datetime/string/other from an Arrow type."""
    if pa.types.is_boolean(typ):
        return "boolean"
    if pa.types.is_integer(typ):
        return "integer"
    if pa.types.is_floating(typ) or pa.types.is_decimal(typ):
        return "float"
    if pa.types.is_timestamp(typ) or pa.types.is_date(typ):
        return "datetime"
    if pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_dictionary(typ):
        return "string"
    return "other"


NUMERIC_KINDS = ("integer", "float", "datetime")
RAW_DISTINCT_SHARE = 0.05  # numeric columns with more distinct values per batch keep raw values



@dataclass
class ColumnState:
    """Everything a column needs across batches.

    Numbers and timestamps keep their valid values as NumPy arrays (8 bytes a
    value) and are sorted once at the end: exact quantiles, distincts and top
    values from run lengths. Text, booleans and numbers with few distinct
    values keep per-batch value counts, merged by dictionary-encoding the
    values and summing counts per code.
    """

    name: str
    kind: str
    count: int = 0
    nulls: int = 0
    chunks: list[pa.StructArray] = field(default_factory=list)
    numbers: list[np.ndarray] = field(default_factory=list)
    unit: str = "s"
    pending: int = 0
    len_min: int | None = None
    len_max: int | None = None
    len_sum: int = 0
    sample: list[Any] = field(default_factory=list)
    final: tuple[pa.Array, np.ndarray] | None = None
    raw: bool | None = None

    def update(self, arr: pa.Array) -> None:
        """Fold one batch's column into the state."""
        if self.kind == "other":
            arr = pa.array([None if v is None else str(v) for v in arr.to_pylist()], pa.string())
        if self.kind == "datetime" and pa.types.is_date(arr.type):
            arr = arr.cast(pa.timestamp("s"))
        self.count += len(arr)
        self.nulls += arr.null_count
        valid = arr.drop_null() if arr.null_count else arr
        if len(self.sample) < SAMPLE_VALUES and len(valid):
            self.sample.extend(valid.slice(0, SAMPLE_VALUES - len(self.sample)).to_pylist())
        if len(valid) == 0:
            return
        if self.kind in NUMERIC_KINDS and self._raw(valid):
            self._numbers(valid)
            return
        if self.kind == "float":
            valid = self._without_nan(valid)
        if self.kind in ("string", "other"):
            self._lengths(valid)
        counts = pc.value_counts(valid)
        self.chunks.append(counts)
        self.pending += len(counts)
        if self.pending > COMPACT_AT and len(self.chunks) > 1:
            values, summed = self._merged()
            self.chunks = [pa.StructArray.from_arrays([values, pa.array(summed)], ["values", "counts"])]
            self.pending = len(values)

    def _raw(self, valid: pa.Array) -> bool:
        """Keep raw values (many distinct) or per-batch counts (few), decided on the first batch."""
        if self.raw is None:
            distinct = pc.count_distinct(valid).as_py()
            self.raw = distinct > RAW_DISTINCT_SHARE * len(valid)
        return self.raw

    def _without_nan(self, valid: pa.Array) -> pa.Array:
        nan = pc.is_nan(valid.cast(pa.float64()))
        count = pc.sum(nan).as_py() or 0
        if count:  # NaN counts as missing
            self.nulls += count
            valid = valid.filter(pc.invert(nan))
        return valid

    def _numbers(self, valid: pa.Array) -> None:
        if self.kind == "datetime":
            self.unit = valid.type.unit
            values = as_numpy(valid.cast(pa.int64()))
        elif self.kind == "integer":
            values = as_numpy(valid.cast(pa.int64()))
        else:
            values = as_numpy(valid.cast(pa.float64()))
            nan = np.isnan(values)
            if nan.any():  # NaN counts as missing
                self.nulls += int(nan.sum())
                values = values[~nan]
        self.numbers.append(values)

    def _lengths(self, valid: pa.Array) -> None:
        lengths = pc.utf8_length(valid.cast(pa.string()))
        mm = pc.min_max(lengths).as_py()
        self.len_min = mm["min"] if self.len_min is None else min(self.len_min, mm["min"])
        self.len_max = mm["max"] if self.len_max is None else max(self.len_max, mm["max"])
        self.len_sum += pc.sum(lengths).as_py() or 0

    def _merged(self) -> tuple[pa.Array, np.ndarray]:
        values = pa.chunked_array([c.field("values") for c in self.chunks]).combine_chunks()
        counts = np.concatenate([as_numpy(c.field("counts")) for c in self.chunks])
        if len(self.chunks) == 1:
            return values, counts.astype(np.int64)
        encoded = pc.dictionary_encode(values)
        codes = as_numpy(encoded.indices)
        summed = np.bincount(codes, weights=counts, minlength=len(encoded.dictionary))
        return encoded.dictionary, np.rint(summed).astype(np.int64)

    def distribution(self) -> tuple[pa.Array, np.ndarray]:
        """Distinct values (sorted for orderable kinds) and their counts (computed once)."""
        if self.final is None:
            self.final = self._distribution()
            self.numbers, self.chunks = [], []  # the per-batch state is no longer needed
        return self.final

    def _distribution(self) -> tuple[pa.Array, np.ndarray]:
        if self.kind in NUMERIC_KINDS and self.raw:
            return self._sorted_runs()
        if not self.chunks:
            return pa.array([], pa.null()), np.zeros(0, dtype=np.int64)
        values, counts = self._merged()
        if self.kind in ("boolean", *NUMERIC_KINDS):
            order = pc.sort_indices(values)
            values, counts = values.take(order), counts[as_numpy(order)]
        return values, counts

    def _sorted_runs(self) -> tuple[pa.Array, np.ndarray]:
        data = np.concatenate(self.numbers) if self.numbers else np.zeros(0)
        self.numbers = []
        data.sort()  # in place: one copy of the column, not two
        if not len(data):
            return pa.array([], pa.null()), np.zeros(0, dtype=np.int64)
        # Run starts of the sorted values; temporaries freed early (peak memory matters here).
        change = np.empty(len(data), dtype=bool)
        change[0] = True
        np.not_equal(data[1:], data[:-1], out=change[1:])
        starts = np.flatnonzero(change)
        del change
        uniq = data[starts]
        counts = np.diff(starts, append=len(data)).astype(np.int64, copy=False)
        del data, starts
        if self.kind == "datetime":
            return pa.array(uniq, pa.int64()).cast(pa.timestamp(self.unit)), counts
        return pa.array(uniq), counts


def profile_column(state: ColumnState, rows: int) -> dict[str, Any]:
    """The JSON profile of one column (without its logical type decisions' extras)."""
    values, counts = state.distribution()
    non_null = rows - state.nulls
    distinct = len(values)
    prof: dict[str, Any] = {
        "name": state.name,
        "physical_type": state.kind,
        "missing": state.nulls,
        "missing_ratio": _ratio(state.nulls, rows),
        "distinct": distinct,
        "distinct_ratio": _ratio(distinct, non_null),
        "unique": distinct == non_null and non_null > 0,
        "top_values": _top_values(values, counts, non_null),
    }
    if state.kind in ("integer", "float") and distinct:
        prof.update(numeric_stats(as_numpy(values).astype(np.float64, copy=False),
                                  counts, state.kind == "integer"))
    elif state.kind == "datetime" and distinct:
        from .temporal import datetime_profile

        prof.update(datetime_profile(values, counts))
    elif state.kind in ("string", "other") and non_null:
        prof["text"] = {"min_length": state.len_min, "max_length": state.len_max,
                        "mean_length": round(state.len_sum / non_null, 2)}
    prof["type"] = semantic.logical_type(state.name, state.kind, prof, state.sample)
    prof["semantic_type"] = semantic.semantic_type(state.name, prof, state.sample)
    return prof


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 6) if whole else 0.0


def _top_values(values: pa.Array, counts: np.ndarray, non_null: int) -> list[dict[str, Any]]:
    if not len(counts):
        return []
    top = np.argsort(-counts, kind="stable")[:TOP_VALUES]
    picked = values.take(pa.array(top)).to_pylist()
    return [{"value": _jsonable(v), "count": int(counts[i]), "share": _ratio(int(counts[i]), non_null)}
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


def numeric_stats(values: np.ndarray, counts: np.ndarray, integer: bool) -> dict[str, Any]:
    """min/max/mean/std/sum, quantiles, histogram and IQR outliers from a distribution."""
    n = int(counts.sum())
    cum = np.cumsum(counts)
    mean = float(np.dot(values, counts) / n)
    spread = np.subtract(values, mean)
    np.square(spread, out=spread)
    var = float(np.dot(spread, counts) / (n - 1)) if n > 1 else 0.0
    del spread
    quant = {f"p{int(q * 100)}": weighted_quantile(values, cum, q) for q in QUANTILES}
    q1, q3 = quant["p25"], quant["p75"]
    iqr = q3 - q1
    lower, upper = q1 - 1.5 * iqr, q3 + 1.5 * iqr
    outliers = int(counts[(values < lower) | (values > upper)].sum())
    return {
        "stats": {
            "min": _num(values[0], integer), "max": _num(values[-1], integer),
            "mean": round(mean, 6), "std": round(float(np.sqrt(var)), 6),
            "sum": _num(float(np.dot(values, counts)), integer),
            "quantiles": {k: round(v, 6) for k, v in quant.items()},
        },
        "histogram": histogram(values, counts, integer),
        "outliers": {"method": "iqr", "lower_fence": round(lower, 6),
                     "upper_fence": round(upper, 6), "count": outliers,
                     "ratio": _ratio(outliers, n)},
    }


def _num(value: float, integer: bool) -> float | int:
    return int(value) if integer else round(float(value), 6)


def histogram(values: np.ndarray, counts: np.ndarray, integer: bool) -> dict[str, list[Any]]:
    """Equal-width bins (integer-aligned for small integer ranges)."""
    lo, hi = float(values[0]), float(values[-1])
    bins: Any = HIST_BINS
    if integer and hi - lo < HIST_BINS:
        bins = np.arange(lo, hi + 2) - 0.5
    elif lo == hi:
        bins = 1
    hist, edges = np.histogram(values, bins=bins, weights=counts)
    return {"edges": [round(float(e), 6) for e in edges], "counts": [int(c) for c in hist]}
