"""The benchmark data set: a seeded 1M-row x 20-column CSV (numbers, dates, categories, 5 % nulls)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

SEED = 7
ROWS = 1_000_000
CACHE = Path(os.environ.get("ORPHEUS_BENCH_DIR") or Path(tempfile.gettempdir(), "orpheus-bench"))


def _nulls(rng: np.random.Generator, values: np.ndarray) -> pa.Array:
    mask = rng.random(len(values)) < 0.05
    return pa.array(values, mask=mask)


def big_csv(rows: int = ROWS) -> Path:
    """Write (once) and return the CSV; re-used across runs with the same row count."""
    path = CACHE / f"bench_{rows}.csv"
    if path.is_file():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    days = np.datetime64("2020-01-01") + rng.integers(0, 1500, rows).astype("timedelta64[D]")
    stamps = np.datetime64("2023-01-01T00:00:00") + rng.integers(0, 3e7, rows).astype("timedelta64[s]")
    cols = {
        "order_id": pa.array(np.arange(rows)),
        "order_date": _nulls(rng, days),
        "shipped_at": _nulls(rng, stamps),
        "region": _nulls(rng, rng.choice(["North", "South", "East", "West"], rows)),
        "country": _nulls(rng, rng.choice(["USA", "Germany", "France", "Japan", "Brazil", "India"], rows)),
        "category": _nulls(rng, rng.choice([f"cat_{i}" for i in range(25)], rows)),
        "channel": _nulls(rng, rng.choice(["web", "store", "phone"], rows)),
        "customer_code": _nulls(rng, np.char.add("C", rng.integers(0, 200_000, rows).astype(str))),
        "price": _nulls(rng, rng.gamma(2.0, 40.0, rows).round(2)),
        "quantity": _nulls(rng, rng.integers(1, 20, rows)),
        "discount_pct": _nulls(rng, rng.uniform(0, 30, rows).round(1)),
        "revenue": _nulls(rng, rng.gamma(2.0, 200.0, rows).round(2)),
        "cost": _nulls(rng, rng.gamma(2.0, 120.0, rows).round(2)),
        "rating": _nulls(rng, rng.integers(1, 6, rows)),
        "returned": _nulls(rng, rng.random(rows) < 0.08),
        "latitude": _nulls(rng, rng.uniform(-60, 60, rows).round(5)),
        "longitude": _nulls(rng, rng.uniform(-170, 170, rows).round(5)),
        "weight_kg": _nulls(rng, rng.normal(3.0, 1.0, rows).round(3)),
        "score": _nulls(rng, rng.normal(0, 1, rows)),
        "visits": _nulls(rng, rng.poisson(4, rows)),
    }
    tmp = path.with_suffix(".tmp")
    pa_csv.write_csv(pa.table(cols), tmp)
    tmp.replace(path)
    return path
