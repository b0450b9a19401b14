"""Analyse a project's data folder (or any files) into ``.analysis/metadata.json``.

One run holds an exclusive lock on the output folder (so concurrent runs,
from the server or the CLI, take turns), re-uses the entries of files whose
size, mtime and SHA-256 are unchanged, and writes every file atomically.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa

from ... import __version__, folders
from ...fsutil import atomic_write_json, contain, is_within
from . import charts, crossfile, domain
from .insights import capped
from .readers import ReadError, TableSource, is_supported, open_sources
from .tables import distinct_values, profile_table

MODES = ("combined", "separate")
Emit = Callable[[str, dict[str, Any]], None]


@dataclass
class Options:
    """Knobs of one run (the server fills them from DataStudioManager traitlets)."""

    mode: str = "combined"
    max_columns: int = 2000
    block_size: int = 4 << 20


def discover(data_dir: Path) -> list[tuple[str, Path]]:
    """Supported files under ``data_dir`` (hidden ones skipped), as (label, path)."""
    if not data_dir.is_dir():
        return []
    found = []
    for path in sorted(data_dir.rglob("*")):
        rel = path.relative_to(data_dir)
        if path.is_file() and is_supported(path) and not any(p.startswith(".") for p in rel.parts):
            found.append((rel.as_posix(), path))
    return found


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``folder/.lock`` for the duration of a run."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = contain(folder, folder / ".lock", ".analysis/.lock", "the analysis folder")
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def load_metadata(out_dir: Path) -> dict[str, Any] | None:
    """The stored metadata, or None when missing or unreadable (403 when it is a link out)."""
    path = contain(out_dir, out_dir / "metadata.json", "metadata.json", "the analysis folder")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _fingerprint(path: Path) -> dict[str, Any]:
    st = path.stat()
    return {"size": st.st_size, "mtime": st.st_mtime_ns, "sha256": sha256_of(path)}


def _reusable(previous: dict[str, Any] | None, label: str, path: Path) -> list[dict[str, Any]] | None:
    """The previous run's entries for ``label`` when size, mtime and hash are unchanged."""
    if not previous:
        return None
    entries = [f for f in previous.get("files", []) if f.get("file") == label]
    if not entries:
        return None
    st = path.stat()
    first = entries[0]
    if first.get("size") != st.st_size or first.get("mtime") != st.st_mtime_ns:
        return None
    return entries if first.get("sha256") == sha256_of(path) else None


class Run:
    """One analysis run over a list of (label, path) inputs."""

    def __init__(self, inputs: list[tuple[str, Path]], options: Options, emit: Emit | None,
                 root: Path | None = None) -> None:
        if options.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        self.inputs = inputs
        self.options = options
        self.emit: Emit = emit or (lambda event, data: None)
        self.keys: dict[tuple[str, str], pa.Array] = {}
        self.sources: dict[str, TableSource] = {}
        self.root = root  # when set, inputs must resolve inside it (no links out of data/)

    def analyze_file(self, index: int, label: str, path: Path, previous: dict[str, Any] | None
                     ) -> list[dict[str, Any]]:
        """Entries for one file: re-used, freshly profiled, or a single error entry."""
        total = len(self.inputs)
        self.emit("status", {"message": f"analysing {label}", "file": label,
                             "index": index, "total": total})
        if self.root is not None and not is_within(self.root, path):
            return [{"id": label, "file": label, "table": None, "status": "error", "cached": False,
                     "error": "the file is a link that points outside the project's data folder",
                     "size": 0, "mtime": 0, "sha256": "0" * 64}]
        reused = _reusable(previous, label, path)
        if reused is not None:
            self._remember_sources(label, path)
            return [{**e, "cached": True} for e in reused]
        # Hash in a second thread while the profile reads the file (hashlib releases the GIL).
        with ThreadPoolExecutor(1, thread_name_prefix="orpheus-hash") as hasher:
            pending = hasher.submit(_fingerprint, path)
            try:
                entries = self._profile_file(index, label, path)
            except ReadError as e:
                entries = [{"id": label, "file": label, "table": None, "status": "error",
                            "error": str(e)}]
            fingerprint = pending.result()
        return [{**e, **fingerprint, "cached": False} for e in entries]

    def _profile_file(self, index: int, label: str, path: Path) -> list[dict[str, Any]]:
        total = len(self.inputs)
        entries = []
        for source in open_sources(path, label, self.options.max_columns, self.options.block_size):
            self.sources[source.id] = source

            def fraction(f: float, src: TableSource = source) -> None:
                self.emit("progress", {"file": label, "table": src.table, "fraction": round(f, 4),
                                       "overall": round((index + f) / total, 4)})

            entry, keys = profile_table(source, fraction)
            fraction(1.0)
            self.keys.update({(source.id, col): vals for col, vals in keys.items()})
            entries.append(entry)
        return entries

    def _remember_sources(self, label: str, path: Path) -> None:
        try:
            for source in open_sources(path, label, self.options.max_columns, self.options.block_size):
                self.sources[source.id] = source
        except ReadError:
            pass

    def values_of(self, table_id: str, column: str) -> pa.Array | None:
        """Distinct values of a key column: from this run, or read again for re-used files."""
        key = (table_id, column)
        if key not in self.keys and table_id in self.sources:
            values = distinct_values(self.sources[table_id], column)
            if values is not None:
                self.keys[key] = values
        return self.keys.get(key)


def summarize(tables: list[dict[str, Any]], files: int) -> dict[str, Any]:
    """The ``summary`` section across all tables that analysed."""
    ok = [t for t in tables if t["status"] == "ok"]
    columns = [c for t in ok for c in t["column_profiles"]]
    dom = domain.detect_domain(columns)
    rows = sum(t["rows"] for t in ok)
    quality = (sum(t["quality_score"] * t["rows"] for t in ok) / rows) if rows else 0.0
    return {
        "total_files": files, "total_tables": len(ok),
        "files_failed": len({t["file"] for t in tables if t["status"] == "error"}),
        "total_rows": rows, "total_columns": len(columns),
        "primary_data_type": domain.primary_data_type(columns),
        "themes": domain.detect_themes(columns),
        "domain_detected": dom["domain"], "domain_confidence": dom["confidence"],
        "domain_scores": dom["scores"], "domain_evidence": dom["evidence"],
        "quality_score": capped(quality, sum(t.get("quality", {}).get("missing_cells", 0) for t in ok)),
    }


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def run_analysis(inputs: list[tuple[str, Path]], out_dir: Path, project_name: str,
                 options: Options | None = None, emit: Emit | None = None,
                 root: Path | None = None) -> dict[str, Any]:
    """Analyse ``inputs`` and write ``out_dir/metadata.json`` (and per-file JSON if separate).

    With ``root``, inputs that resolve outside it (symlinks) get an error entry.
    """
    options = options or Options()
    run = Run(inputs, options, emit, root)
    started = time.perf_counter()
    with locked(out_dir):
        previous = load_metadata(out_dir)
        tables: list[dict[str, Any]] = []
        for index, (label, path) in enumerate(inputs):
            entries = run.analyze_file(index, label, path, previous)
            tables.extend(entries)
            for e in entries:
                run.emit("error" if e["status"] == "error" else "result", _file_event(e))
        combined = options.mode == "combined"
        cross = (crossfile.cross_file_insights(tables, run.values_of) if combined
                 else {"shared_columns": [], "join_keys": [], "insights": []})
        metadata = {
            "schema_version": 1, "project_name": project_name, "analyzed_at": _now(),
            "mode": options.mode,
            "engine": {"name": "orpheus", "version": __version__, "reader": f"pyarrow {pa.__version__}"},
            "summary": summarize(tables, len(inputs)), "files": tables,
            "cross_file_insights": cross,
            "recommended_charts": charts.recommend_overall([t for t in tables if t["status"] == "ok"]),
            "duration_seconds": round(time.perf_counter() - started, 4),
        }
        if not combined:
            write_separate(out_dir, metadata)
        atomic_write_json(out_dir / "metadata.json", metadata)
    return metadata


def _file_event(entry: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "file", "table", "status", "error", "rows", "columns", "cached", "quality_score")
    return {k: entry[k] for k in keys if k in entry}


def separate_name(label: str) -> str:
    """``.analysis/files/<name>.json`` for a data file label (sub-folders flattened)."""
    return label.replace("/", "__") + ".json"


def write_separate(out_dir: Path, metadata: dict[str, Any]) -> None:
    """One JSON per data file with its own summary; stale ones removed."""
    files_dir = contain(out_dir, out_dir / "files", ".analysis/files", "the analysis folder")
    by_file: dict[str, list[dict[str, Any]]] = {}
    for entry in metadata["files"]:
        by_file.setdefault(entry["file"], []).append(entry)
    keep = set()
    for label, entries in by_file.items():
        name = separate_name(label)
        keep.add(name)
        atomic_write_json(files_dir / name, {
            "project_name": metadata["project_name"], "analyzed_at": metadata["analyzed_at"],
            "file": label, "summary": summarize(entries, 1), "tables": entries,
            "recommended_charts": charts.recommend_overall([e for e in entries if e["status"] == "ok"]),
        })
    for stale in files_dir.glob("*.json"):
        if stale.name not in keep:
            stale.unlink(missing_ok=True)


def analyze_folder(project_dir: Path, options: Options | None = None,
                   emit: Emit | None = None) -> dict[str, Any]:
    """Analyse ``project_dir/data`` into ``project_dir/.analysis`` (403 for links out of it)."""
    data_dir = contain(project_dir, project_dir / folders.DATA, f"{folders.DATA}/")
    return run_analysis(discover(data_dir), analysis_dir(project_dir), project_dir.name, options,
                        emit, root=data_dir)


def analysis_dir(project_dir: Path) -> Path:
    """``.analysis/`` of a project; 403 when it is a link leading outside the project."""
    return contain(project_dir, project_dir / folders.ANALYSIS, f"{folders.ANALYSIS}/")


def analyze_paths(paths: list[Path], out_dir: Path, options: Options | None = None,
                  emit: Emit | None = None, name: str = "analysis") -> dict[str, Any]:
    """Analyse files and folders given on the command line into ``out_dir``."""
    inputs: list[tuple[str, Path]] = []
    for path in paths:
        if path.is_dir():
            inputs.extend((f"{path.name}/{label}", p) for label, p in discover(path))
        else:
            inputs.append((path.name, path))
    return run_analysis(inputs, out_dir, name, options, emit)
