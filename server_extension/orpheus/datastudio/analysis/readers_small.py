"""Excel workbooks and JSON documents: read whole through pandas, then handed over as Arrow."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from .readers import ReadError, TableSource, check_width, flatten_batch


def frame_to_batch(df: pd.DataFrame) -> pa.RecordBatch:
    """A pandas frame as one record batch; mixed object columns become text."""
    df = df.rename(columns=lambda c: str(c))
    arrays: list[pa.Array] = []
    for name in df.columns:
        col = df[name]
        try:
            arr = pa.array(col, from_pandas=True)
        except (pa.ArrowException, TypeError, ValueError):
            arr = pa.array([None if _is_missing(v) else _as_text(v) for v in col], pa.string())
        if pa.types.is_null(arr.type):
            arr = arr.cast(pa.string())
        arrays.append(arr)
    table = pa.Table.from_arrays(arrays, names=list(df.columns))
    return flatten_batch(table.combine_chunks().to_batches()[0]) if len(df) else pa.RecordBatch.from_pandas(df)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _as_text(value: Any) -> str:
    return json.dumps(value, default=str) if isinstance(value, (list, dict)) else str(value)


def _batches_of(batch: pa.RecordBatch) -> Callable[[], Iterator[pa.RecordBatch]]:
    def batches() -> Iterator[pa.RecordBatch]:
        yield batch

    return batches


def excel_sources(
    path: Path, label: str, head: bytes, size: int, max_columns: int, block_size: int
) -> list[TableSource]:
    """Every non-empty sheet of a workbook as its own table."""
    if path.suffix.lower() == ".xls":
        try:
            import xlrd  # noqa: F401
        except ImportError:
            raise ReadError("legacy .xls workbooks need the xlrd reader, which is not "
                            "installed; save the workbook as .xlsx") from None
    try:
        sheets = pd.read_excel(path, sheet_name=None)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as e:
        raise ReadError(f"not a readable Excel workbook ({type(e).__name__})") from None
    sources = []
    for sheet, df in sheets.items():
        df = df.dropna(how="all").dropna(axis=1, how="all")
        if df.empty:
            continue
        check_width(df.shape[1], max_columns)
        batch = frame_to_batch(df)
        sources.append(TableSource(label, str(sheet), "excel", size, _batches_of(batch)))
    return sources


def json_sources(
    path: Path, label: str, head: bytes, size: int, max_columns: int, block_size: int
) -> list[TableSource]:
    """Records (a list, a list under a key, or JSON Lines), nested objects flattened."""
    text = path.read_bytes().decode("utf-8-sig", errors="strict") if size else ""
    records, table = _records(text, path.suffix.lower() != ".json")
    if not records:
        raise ReadError("the JSON holds no records")
    df = pd.json_normalize(records, sep=".")
    check_width(df.shape[1], max_columns)
    batch = frame_to_batch(df)
    fmt = "json" if path.suffix.lower() == ".json" else "jsonl"
    return [TableSource(label, table, fmt, size, _batches_of(batch))]


def _records(text: str, lines: bool) -> tuple[list[Any], str | None]:
    try:
        if lines:
            rows = [json.loads(line) for line in text.splitlines() if line.strip()]
            return [r if isinstance(r, dict) else {"value": r} for r in rows], None
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise ReadError(f"invalid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    if isinstance(doc, list):
        return [r if isinstance(r, dict) else {"value": r} for r in doc], None
    if isinstance(doc, dict):
        lists = {k: v for k, v in doc.items() if isinstance(v, list) and v
                 and all(isinstance(r, dict) for r in v)}
        if lists:
            key = max(lists, key=lambda k: len(lists[k]))
            return lists[key], None
        return [doc], None
    raise ReadError("the JSON document is a single value, not records")
