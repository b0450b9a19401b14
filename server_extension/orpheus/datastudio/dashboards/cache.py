"""The compact data cache a dashboard notebook reads: a Parquet copy of the used columns.

Written next to the notebook (``dashboards/.cache/<id>/data.parquet``) so the
first Voila render reads a few typed, dictionary-encoded columns instead of
parsing the raw file. Rebuilt only when the source file's hash, the columns or
the row cap change (``manifest.json`` records them).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ... import folders
from ...fsutil import atomic_write_json, contain, is_within
from ..analysis.readers import ReadError, open_sources
from ..analysis.tables import named_batches
from .spec import SpecError

CACHE_DIR = ".cache"


def used_columns(spec: dict[str, Any]) -> list[str]:
    """Every column a widget or a data-source filter refers to, in first-use order."""
    names: list[str] = []
    for w in spec["widgets"]:
        enc = w.get("encoding") or {}
        candidates = [w.get("column"), enc.get("x"), enc.get("y"), enc.get("color"),
                      *w.get("columns", [])] if w["type"] != "markdown" else []
        names.extend(c for c in candidates if isinstance(c, str))
    names.extend(c["column"] for c in spec["data_source"].get("filters", []))
    return list(dict.fromkeys(names))


def cache_path(dashboards_dir: Path, dashboard_id: str) -> Path:
    """Where the Parquet cache of a dashboard lives."""
    return Path(dashboards_dir, CACHE_DIR, dashboard_id, "data.parquet")


def source_path(project_dir: Path, spec: dict[str, Any]) -> Path:
    """The data file a spec reads; 400-style SpecError when it leaves ``data/`` or is missing."""
    data_dir = project_dir / folders.DATA
    path: Path = data_dir / str(spec["data_source"]["file"])
    if not is_within(data_dir, path):
        raise SpecError("data_source.file", "must name a file inside the project's data folder")
    if not path.is_file():
        raise SpecError("data_source.file", f"{spec['data_source']['file']!r} does not exist in data/")
    return path


def build(project_dir: Path, spec: dict[str, Any], table: dict[str, Any], max_rows: int,
          block_size: int) -> Path:
    """Write (or keep) the cache for ``spec``; ``table`` is its analysis entry."""
    target = cache_path(project_dir / folders.DASHBOARDS, spec["id"])
    contain(project_dir, target.parent, f"dashboards/{CACHE_DIR}/{spec['id']}")
    columns = used_columns(spec) or [table["column_profiles"][0]["name"]]
    stride = max(1, -(-table["rows"] // max_rows))
    manifest = {"sha256": table["sha256"], "columns": columns, "stride": stride}
    manifest_path = target.parent / "manifest.json"
    if target.is_file() and _read(manifest_path) == manifest:
        return Path(target)
    categorical = {c["name"] for c in table["column_profiles"] if c["type"] in ("categorical", "boolean")}
    path = source_path(project_dir, spec)
    sources = open_sources(path, spec["data_source"]["file"], 100_000, block_size)
    source = next((s for s in sources if s.table == spec["data_source"].get("table")), None)
    if source is None:
        raise SpecError("data_source.table", f"no table {spec['data_source'].get('table')!r} in the file")
    _write(target, source, columns, categorical, stride)
    atomic_write_json(manifest_path, manifest)
    return target


def _write(target: Path, source: Any, columns: list[str], categorical: set[str], stride: int) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    writer: pq.ParquetWriter | None = None
    offset = 0
    try:
        for batch in named_batches(source):
            table = pa.Table.from_batches([batch]).select(columns)
            if stride > 1:
                first = (-offset) % stride
                table = table.take(pa.array(range(first, table.num_rows, stride)))
            offset += batch.num_rows
            table = _encode(table, categorical)
            if writer is None:
                writer = pq.ParquetWriter(tmp, table.schema, compression="zstd")
            writer.write_table(table.cast(writer.schema))
    except KeyError as e:
        raise SpecError("widgets", f"column {e} is not in the data file any more") from None
    except ReadError as e:
        raise SpecError("data_source.file", str(e)) from None
    finally:
        if writer is not None:
            writer.close()
    tmp.replace(target)


def _encode(table: pa.Table, categorical: set[str]) -> pa.Table:
    for i, name in enumerate(table.schema.names):
        if pa.types.is_date(table.schema.types[i]):  # pandas reads date32 as objects
            table = table.set_column(i, name, table.column(i).cast(pa.timestamp("s")))
        elif name in categorical and pa.types.is_string(table.schema.types[i]):
            encoded = pc.dictionary_encode(table.column(i)).cast(pa.dictionary(pa.int32(), pa.string()))
            table = table.set_column(i, name, encoded)
    return table


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def remove(dashboards_dir: Path, dashboard_id: str) -> None:
    """Delete a dashboard's cache folder (never through a link out of the dashboards folder)."""
    folder = contain(dashboards_dir, dashboards_dir / CACHE_DIR / dashboard_id,
                     f"dashboards/{CACHE_DIR}/{dashboard_id}", "the dashboards folder")
    shutil.rmtree(folder, ignore_errors=True)
