"""Streaming column profiles: exact counts, distincts, statistics and histograms.

Each column keeps one compact state across record batches: its value counts
(an Arrow array of distinct values plus their counts), or for numbers with
many distinct values the values themselves, sorted once at the end. Everything
else follows exactly from that distribution (stats.py): min/max, mean/std,
quantiles, histogram bins, IQR outliers, top values, text lengths and the
dominant datetime step.

Missing values are nulls (empty cells), NaN, and text that is empty or only
whitespace (a blank cell is a blank cell, however many spaces it holds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import semantic
from .arrays import Filling, as_numpy, as_timestamps, from_numpy
from .stats import numeric_stats, ratio, top_values

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
# Raw columns whose first batch is mostly repeats are counted by hashing, not sorting (where
# NumPy sorts with SIMD, a sort beats hashing then sorting the distinct values above ~25 %).
HASH_BELOW = 0.25
RAW_TEXT_SHARE = 0.5  # text with more distinct values per batch is held and counted once at the end



@dataclass
class ColumnState:
    """Everything a column needs across batches.

    Numbers and timestamps with many distinct values keep their valid values
    as NumPy arrays (8 bytes a value) and are sorted once at the end: exact
    quantiles, distincts and top values from run lengths. Text, booleans and
    numbers with few distinct values keep per-batch value counts, merged by
    dictionary-encoding the values and summing counts per code. Text whose
    first batch is mostly distinct values is held as is (up to ``COMPACT_AT``
    values) and counted in one pass: per-batch counts would hash nearly every
    value twice, once per batch and again when merged.
    """

    name: str
    kind: str
    count: int = 0
    nulls: int = 0
    chunks: list[pa.StructArray] = field(default_factory=list)
    expected: int = 0  # rows the table is estimated to hold (sizes the raw numbers' buffer)
    numbers: Filling | None = None
    unit: str = "s"
    pending: int = 0
    sample: list[Any] = field(default_factory=list)
    final: tuple[pa.Array, np.ndarray] | None = None
    raw: bool | None = None
    first_share: float = 1.0
    texts: list[pa.Array] = field(default_factory=list)
    held: int = 0

    def update(self, arr: pa.Array) -> None:
        """Fold one batch's column into the state."""
        if self.kind == "other":
            arr = pa.array([None if v is None else str(v) for v in arr.to_pylist()], pa.string())
        if self.kind == "datetime" and pa.types.is_date(arr.type):
            arr = as_timestamps(arr)
        self.count += len(arr)
        if len(self.sample) < SAMPLE_VALUES:
            self._sample(arr)
        if arr.null_count == len(arr):
            self.nulls += len(arr)
            return
        if self.kind in NUMERIC_KINDS and self._raw(arr):
            self.nulls += arr.null_count
            self._numbers(arr.drop_null() if arr.null_count else arr)
            return
        if self.kind == "string" and self._raw_text(arr):
            self.texts.append(arr)
            self.held += len(arr)
            if self.held > COMPACT_AT:
                self._count_held()
            return
        self._count(pc.value_counts(arr))

    def _sample(self, arr: pa.Array) -> None:
        """The first values that are not missing, for the semantic-type rules."""
        valid = arr.drop_null() if arr.null_count else arr
        offset = 0
        while len(self.sample) < SAMPLE_VALUES and offset < len(valid):
            need = SAMPLE_VALUES - len(self.sample)
            values = valid.slice(offset, need).to_pylist()
            offset += need
            if self.kind in ("string", "other"):
                values = [v for v in values if v.strip()]
            self.sample.extend(values)

    def _count(self, counts: pa.StructArray) -> None:
        """Keep one batch's value counts; nulls, NaN and blank text go to the missing count."""
        values = counts.field("values")
        missing = pc.invert(values.is_valid())
        if self.kind == "float":
            missing = pc.or_kleene(missing, pc.is_nan(values.cast(pa.float64())))
        elif self.kind in ("string", "other"):
            trimmed = pc.utf8_trim_whitespace(values.cast(pa.string()))
            blank = pc.invert(pc.utf8_length(trimmed).cast(pa.bool_()))  # no Python scalar: no pandas
            missing = pc.or_kleene(missing, blank)
        if pc.any(missing).as_py():
            self.nulls += pc.sum(counts.field("counts").filter(missing)).as_py() or 0
            counts = counts.filter(pc.invert(missing))
            if not len(counts):
                return
        self.chunks.append(counts)
        self.pending += len(counts)
        if self.pending > COMPACT_AT and len(self.chunks) > 1:
            values, summed = self._merged()
            self.chunks = [pa.StructArray.from_arrays([values, from_numpy(summed)], ["values", "counts"])]
            self.pending = len(values)

    def _raw(self, arr: pa.Array) -> bool:
        """Keep raw values (many distinct) or per-batch counts (few), decided on the first batch."""
        if self.raw is None:
            distinct = pc.count_distinct(arr).as_py()  # nulls not counted
            self.first_share = distinct / max(len(arr) - arr.null_count, 1)
            self.raw = self.first_share > RAW_DISTINCT_SHARE
        return self.raw

    def _raw_text(self, arr: pa.Array) -> bool:
        """Hold plain text whose first batch is mostly distinct values (decided once)."""
        if self.raw is None:
            plain = pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)
            share = pc.count_distinct(arr).as_py() / max(len(arr) - arr.null_count, 1)
            self.raw = plain and share > RAW_TEXT_SHARE
        return bool(self.raw)

    def _count_held(self) -> None:
        """Count the held text in one pass (first-seen order, as per-batch counts merge to)."""
        if self.texts:
            texts, self.texts, self.held = self.texts, [], 0
            self._count(pc.value_counts(pa.chunked_array(texts)))

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
        if self.numbers is None:
            self.numbers = Filling(self.expected + self.expected // 4)
        self.numbers.append(values)

    def _merged(self) -> tuple[pa.Array, np.ndarray]:
        values = pa.chunked_array([c.field("values") for c in self.chunks]).combine_chunks()
        counts = np.concatenate([as_numpy(c.field("counts")) for c in self.chunks])
        if len(self.chunks) == 1:
            return values, counts.astype(np.int64)
        encoded = pc.dictionary_encode(values)
        codes = as_numpy(encoded.indices)
        summed = np.bincount(codes, weights=counts, minlength=len(encoded.dictionary))
        return encoded.dictionary, np.rint(summed).astype(np.int64)

    def finish_cost(self) -> float:
        """A rough relative cost of finishing this column (to schedule the costliest first)."""
        if self.numbers is not None:
            values = self.numbers.size
            return values * (3.0 if self.first_share >= HASH_BELOW else 1.0)
        return float(self.pending + self.held)

    def distribution(self) -> tuple[pa.Array, np.ndarray]:
        """Distinct values (sorted for orderable kinds) and their counts (computed once)."""
        if self.final is None:
            self.final = self._distribution()
            self.numbers, self.chunks = None, []  # the per-batch state is no longer needed
        return self.final

    def _distribution(self) -> tuple[pa.Array, np.ndarray]:
        if self.kind in NUMERIC_KINDS and self.raw:
            return self._sorted_runs()
        self._count_held()
        if not self.chunks:
            return pa.nulls(0), np.zeros(0, dtype=np.int64)
        values, counts = self._merged()
        if self.kind in ("boolean", *NUMERIC_KINDS):
            order = pc.sort_indices(values)
            values, counts = values.take(order), counts[as_numpy(order)]
        return values, counts

    def _sorted_runs(self) -> tuple[pa.Array, np.ndarray]:
        data = self.numbers.values() if self.numbers is not None else np.zeros(0)
        self.numbers = None
        if not len(data):
            return pa.nulls(0), np.zeros(0, dtype=np.int64)
        if data.dtype.kind == "f":
            np.add(data, 0.0, out=data)  # -0.0 becomes 0.0: one zero, whichever path counts it
        if self.first_share < HASH_BELOW:
            return self._hashed_runs(data)
        if not np.all(data[1:] >= data[:-1]):  # ids and timestamps often come in order already
            data.sort()  # in place: one copy of the column, not two
        # Run starts of the sorted values; temporaries freed early (peak memory matters here).
        change = np.empty(len(data), dtype=bool)
        change[0] = True
        np.not_equal(data[1:], data[:-1], out=change[1:])
        if change.all():  # every value distinct (ids, measurements): the data is the distribution
            uniq, counts = data, np.ones(len(data), dtype=np.int64)
        else:
            uniq, counts = _runs(data, np.flatnonzero(change))
        del change, data
        if self.kind == "datetime":
            return from_numpy(uniq, pa.timestamp(self.unit)), counts
        return from_numpy(uniq), counts


    def _hashed_runs(self, data: np.ndarray) -> tuple[pa.Array, np.ndarray]:
        """Distinct values by hashing, then only those sorted (repeats make this cheaper than a sort)."""
        counted = pc.value_counts(from_numpy(data))
        del data
        values, counts = as_numpy(counted.field("values")), as_numpy(counted.field("counts"))
        order = np.argsort(values)  # distinct values: any sort gives this one order
        uniq, counts = values[order], counts[order].astype(np.int64, copy=False)
        if self.kind == "datetime":
            return from_numpy(uniq, pa.timestamp(self.unit)), counts
        return from_numpy(uniq), counts


def _runs(data: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The value and length of each run of sorted ``data`` (``starts``: where runs begin)."""
    counts = np.empty(len(starts), dtype=np.int64)
    np.subtract(starts[1:], starts[:-1], out=counts[:-1])
    counts[-1] = len(data) - starts[-1]
    return data[starts], counts


def profile_column(state: ColumnState, rows: int) -> dict[str, Any]:
    """The JSON profile of one column (without its logical type decisions' extras)."""
    values, counts = state.distribution()
    non_null = rows - state.nulls
    distinct = len(values)
    prof: dict[str, Any] = {
        "name": state.name,
        "physical_type": state.kind,
        "missing": state.nulls,
        "missing_ratio": ratio(state.nulls, rows),
        "distinct": distinct,
        "distinct_ratio": ratio(distinct, non_null),
        "unique": distinct == non_null and non_null > 0,
        "top_values": top_values(values, counts, non_null),
    }
    if state.kind in ("integer", "float") and distinct:
        prof.update(numeric_stats(as_numpy(values).astype(np.float64, copy=False),
                                  counts, state.kind == "integer"))
    elif state.kind == "datetime" and distinct:
        from .temporal import datetime_profile

        prof.update(datetime_profile(values, counts))
    elif state.kind in ("string", "other") and non_null:
        prof["text"] = text_lengths(values, counts, non_null)
    prof["type"] = semantic.logical_type(state.name, state.kind, prof, state.sample)
    prof["semantic_type"] = semantic.semantic_type(state.name, prof, state.sample)
    return prof


def text_lengths(values: pa.Array, counts: np.ndarray, non_null: int) -> dict[str, Any]:
    """Shortest, longest and mean length in characters, from the distinct values and their counts."""
    lengths = as_numpy(pc.utf8_length(values.cast(pa.string())).cast(pa.int64()))
    return {"min_length": int(lengths.min()), "max_length": int(lengths.max()),
            "mean_length": round(int(np.dot(lengths, counts)) / non_null, 2)}
