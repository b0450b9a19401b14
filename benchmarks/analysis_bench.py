"""Analysis of a 1M x 20 CSV: pyarrow read_csv (the I/O floor) vs Orpheus vs ydata-profiling.

``python -m benchmarks analysis`` (or ``make bench BENCH=analysis``). Every engine
runs in its own fresh process, so wall time and peak RSS (``ru_maxrss``) are
that engine's alone. ydata-profiling needs pandas < 3, so it runs from a
separate interpreter (``ORPHEUS_YDATA_PYTHON``, default ``.bench-venv/bin/python``, made by ``make bench``)
on the whole file, once (``ORPHEUS_YDATA_ROWS=N`` profiles only the first N rows instead; the
output then says "first N rows" and never scales that time up to the whole file).

The floor is pyarrow's multithreaded ``read_csv`` of the same file in the same run,
alternated with the analysis so both see the same machine load.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from .datastudio_data import ROWS, big_csv

YDATA_PYTHON = os.environ.get(
    "ORPHEUS_YDATA_PYTHON", str(Path(__file__).resolve().parents[1] / ".bench-venv" / "bin" / "python")
)
YDATA_ROWS = int(os.environ.get("ORPHEUS_YDATA_ROWS", "0"))
REPEATS = int(os.environ.get("ORPHEUS_BENCH_REPEATS", "5"))

CHILD = """
import json, resource, sys, time
path, out = sys.argv[1], sys.argv[2]
started = time.perf_counter()
{body}
elapsed = time.perf_counter() - started
print(json.dumps({{"seconds": elapsed, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  **extra}}))
"""

FLOOR = """
import pyarrow.csv as pa_csv
table = pa_csv.read_csv(path)
extra = {"rows": table.num_rows}
"""

ORPHEUS = """
from pathlib import Path
from orpheus.datastudio.analysis.engine import run_analysis
meta = run_analysis([("bench.csv", Path(path))], Path(out), "bench")
t = meta["files"][0]
extra = {"rows": t["rows"], "status": t["status"], "sampled": t["sampled"]}
"""

YDATA = """
import warnings; warnings.filterwarnings("ignore")
import pandas as pd
from ydata_profiling import ProfileReport
nrows = int(out) or None
df = pd.read_csv(path, nrows=nrows)
read = time.perf_counter() - started
ProfileReport(df, minimal=True, progress_bar=False).get_description()
extra = {"rows": len(df), "read_seconds": read}
"""


def run(python: str, body: str, path: Path, out: str) -> dict[str, Any]:
    """Run one engine in a fresh interpreter and return its JSON report."""
    r = subprocess.run([python, "-c", CHILD.format(body=body), str(path), out],
                       capture_output=True, text=True, timeout=3600, check=False)
    if r.returncode != 0:
        raise RuntimeError(f"{python} failed: {r.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(r.stdout.strip().splitlines()[-1])
    return result


def median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median wall time, its peak RSS replaced by the largest seen."""
    ordered = sorted(runs, key=lambda r: r["seconds"])
    return {**ordered[len(ordered) // 2], "peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}


def _has_ydata() -> bool:
    if not Path(YDATA_PYTHON).is_file():
        return False
    probe = subprocess.run([YDATA_PYTHON, "-c", "import ydata_profiling"], capture_output=True,
                           timeout=300, check=False)
    return probe.returncode == 0


def main() -> int:
    path = big_csv()
    size_mb = path.stat().st_size / 2**20
    print(f"data: {path} ({ROWS:,} rows x 20 columns, {size_mb:.0f} MB)", flush=True)
    with tempfile.TemporaryDirectory() as out:
        # Alternate the two, REPEATS times each, and keep the median: the machine is shared.
        floors, orpheuses = [], []
        for i in range(REPEATS):
            floors.append(run(sys.executable, FLOOR, path, out))
            orpheuses.append(run(sys.executable, ORPHEUS, path, f"{out}/{i}"))
        floor, orpheus = median(floors), median(orpheuses)
    rows = [("pyarrow read_csv (floor)", floor, 1.0), ("orpheus analysis", orpheus, 1.0)]
    ydata: dict[str, Any] | None = None
    if _has_ydata():
        ydata = run(YDATA_PYTHON, YDATA, path, str(YDATA_ROWS))
        label = "whole file" if ydata["rows"] == ROWS else f"first {ydata['rows']:,} rows only"
        rows.append((f"ydata-profiling minimal ({label})", ydata, 1.0))
    else:
        print(f"ydata-profiling skipped: {YDATA_PYTHON} cannot import ydata_profiling "
              "(`make bench` installs it in .bench-venv)")
    print(f"{'engine':44} {'wall s':>8} {'peak RSS MB':>12}   (median of {REPEATS} runs, max RSS)")
    for name, r, _ in rows:
        print(f"{name:44} {r['seconds']:8.2f} {r['peak_rss_mb']:12.0f}")
    ratio_floor = orpheus["seconds"] / floor["seconds"]
    print("per pair (each analysis over the floor run just before it):")
    for i, (f, o) in enumerate(zip(floors, orpheuses, strict=True), 1):
        print(f"  pair {i}: floor {f['seconds']:.2f} s ({f['peak_rss_mb']:.0f} MB), "
              f"orpheus {o['seconds']:.2f} s ({o['peak_rss_mb']:.0f} MB): "
              f"{o['seconds'] / f['seconds']:.2f}x, RSS {o['peak_rss_mb'] / size_mb:.2f}x the file")
    rss_ratio = orpheus["peak_rss_mb"] / size_mb
    pairs = sorted(o["seconds"] / f["seconds"] for f, o in zip(floors, orpheuses, strict=True))
    print(f"median of the pair ratios: {pairs[len(pairs) // 2]:.2f}x (for reference; the goal is on the line below)")
    print(f"orpheus / floor time: {ratio_floor:.2f}x (median over median, goal <= 2x)")
    print(f"orpheus peak RSS / file size: {rss_ratio:.2f}x (goal <= 3x); "
          f"floor's RSS / file size: {floor['peak_rss_mb'] / size_mb:.2f}x")
    if ydata is not None:
        if ydata["rows"] == ROWS:
            print(f"ydata-profiling minimal, whole file ({ROWS:,} rows): {ydata['seconds']:.1f} s; "
                  f"ydata / orpheus: {ydata['seconds'] / orpheus['seconds']:.1f}x (goal >= 50x)")
        else:
            print(f"ydata-profiling minimal ran on the first {ydata['rows']:,} rows only "
                  f"({ydata['seconds']:.1f} s); no whole-file figure (ORPHEUS_YDATA_ROWS=0 for one)")
    if orpheus["status"] != "ok" or orpheus["rows"] != ROWS or orpheus["sampled"]:
        print(f"orpheus analysis did not profile the whole file: {orpheus}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
