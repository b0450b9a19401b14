"""Profile one table (a CSV, a sheet, a JSON document) into its metadata entry."""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from . import charts, crossfile, domain, insights
from .profile import ColumnState, physical_kind, profile_column
from .readers import ReadError, SchemaRetry, TableSource

MAX_SCHEMA_RETRIES = 20
Fraction = Callable[[float], None]


def unique_names(names: list[str]) -> list[str]:
    """Blank names become ``column_N``; repeated names get ``.1``, ``.2`` suffixes."""
    seen: dict[str, int] = {}
    out = []
    for i, raw in enumerate(names):
        name = raw.strip() or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        seen.setdefault(name, 0)
        out.append(name)
    return out


def read_ahead(batches: Iterator[pa.RecordBatch], depth: int = 2) -> Iterator[pa.RecordBatch]:
    """Parse the next batches in a thread while the caller folds the current one in.

    Arrow parses and NumPy/Arrow fold with the GIL released, so the two overlap on
    separate cores. An error of the reader is raised here, in the caller.
    """
    items: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        items.put(batch, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            items.put(_END)
        except BaseException as e:
            items.put(e)

    thread = threading.Thread(target=produce, name="orpheus-read-ahead", daemon=True)
    thread.start()
    try:
        while (item := items.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            with contextlib.suppress(queue.Empty):
                items.get(timeout=0.1)
        thread.join()


_END = object()


def named_batches(source: TableSource) -> Iterator[pa.RecordBatch]:
    """The source's batches with unique, non-blank column names."""
    names: list[str] | None = None
    for batch in source.batches():
        if names is None:
            names = unique_names([str(n) for n in batch.schema.names])
        yield batch.rename_columns(names)


def profile_table(source: TableSource, fraction: Fraction) -> tuple[dict[str, Any], dict[str, pa.Array]]:
    """The table's entry and the distinct values of its key-like columns (for joins)."""
    for _ in range(MAX_SCHEMA_RETRIES):
        try:
            return _profile_once(source, fraction)
        except SchemaRetry:
            continue
    raise ReadError("column types kept changing further down the file")


def _profile_once(source: TableSource, fraction: Fraction) -> tuple[dict[str, Any], dict[str, pa.Array]]:
    started = time.perf_counter()
    states: list[ColumnState] = []
    rows = 0
    for batch in read_ahead(named_batches(source)):
        if not states:
            expected = source.estimated_rows or 0
            states = [ColumnState(f.name, physical_kind(f.type), expected=expected) for f in batch.schema]
        for state, arr in zip(states, batch.columns, strict=True):
            state.update(arr)
        rows += batch.num_rows
        if source.estimated_rows:
            fraction(min(0.99, rows / source.estimated_rows))
    if not states or rows == 0:
        raise ReadError("the table has a header but no data rows")
    # Sorting and statistics release the GIL (NumPy, Arrow): finish columns in parallel,
    # the costliest first so no core idles at the end waiting for one long sort.
    order = sorted(range(len(states)), key=lambda i: -states[i].finish_cost())
    with ThreadPoolExecutor(max(1, min(len(states), os.cpu_count() or 1))) as pool:
        futures = {i: pool.submit(_finish, states[i], rows) for i in order}
        finished = [futures[i].result() for i in range(len(states))]
    columns = [col for col, _ in finished]
    keys = {col["name"]: values for col, values in finished if values is not None}
    entry = table_entry(source, rows, columns)
    entry["analysis_seconds"] = round(time.perf_counter() - started, 4)
    return entry, keys


def _finish(state: ColumnState, rows: int) -> tuple[dict[str, Any], pa.Array | None]:
    """A column's profile, plus its distinct values when it may be a join key."""
    col = profile_column(state, rows)
    col["quality_score"] = insights.column_quality(col)
    values = state.distribution()[0] if crossfile.key_like(col) else None
    state.final = None  # keep only what joins need; the rest can be freed now
    return col, values


def table_entry(source: TableSource, rows: int, columns: list[dict[str, Any]]) -> dict[str, Any]:
    """Assemble the JSON entry of a profiled table."""
    quality = insights.table_quality(columns, rows)
    dom = domain.detect_domain(columns)
    return {
        "id": source.id, "file": source.file, "table": source.table, "format": source.format,
        "status": "ok", "rows": rows, "columns": len(columns), "sampled": False,
        "encoding": source.encoding, "delimiter": source.delimiter, "notes": source.notes,
        "quality_score": quality["score"], "quality": quality,
        "themes": domain.detect_themes(columns),
        "domain": dom["domain"], "domain_confidence": dom["confidence"],
        "primary_data_type": domain.primary_data_type(columns),
        "column_profiles": columns,
        "insights": insights.table_insights(rows, columns, quality),
        "recommended_charts": charts.recommend(source.id, columns),
    }


def distinct_values(source: TableSource, column: str) -> pa.Array | None:
    """Distinct non-null values of one column, read again from the file (for cached tables)."""
    chunks = []
    try:
        for batch in named_batches(source):
            if column not in batch.schema.names:
                return None
            chunks.append(pc.unique(batch.column(column).drop_null()))
    except (ReadError, SchemaRetry):
        return None
    if not chunks:
        return None
    return pc.unique(pa.chunked_array(chunks)).combine_chunks() if len(chunks) > 1 else chunks[0]
