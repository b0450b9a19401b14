"""Numbers kept raw and sorted: all-distinct, repeated (hashed or sorted runs) and signed zeros agree with NumPy."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from orpheus.datastudio.analysis import profile
from orpheus.datastudio.analysis.arrays import Filling
from orpheus.datastudio.analysis.engine import Options, analyze_paths

from .test_analysis_engine import column, table

ROWS = 5000


def _columns() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(17)
    repeated = rng.normal(50, 10, ROWS).round(1)
    repeated[::11] = -0.0
    repeated[5::11] = 0.0
    return {"distinct": rng.permutation(ROWS).astype(np.float64) / 7, "repeated": repeated,
            "order_id": np.arange(ROWS) * 3, "few": rng.integers(0, 1500, ROWS).astype(np.float64)}


def _profiles(tmp_path: Path, cols: dict[str, np.ndarray]) -> dict[str, dict[str, Any]]:
    path = tmp_path / "numbers.csv"
    names = list(cols)
    rows = zip(*(cols[n].tolist() for n in names), strict=True)
    path.write_text(",".join(names) + "\n" + "".join(",".join(map(repr, r)) + "\n" for r in rows))
    meta = analyze_paths([path], tmp_path / "out", Options(block_size=8192))
    return {n: column(table(meta, "numbers.csv"), n) for n in names}


@pytest.mark.parametrize("hash_below", [0.0, 1.01])  # every column sorted / every column hashed
def test_sorted_and_hashed_runs_match_numpy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            hash_below: float) -> None:
    monkeypatch.setattr(profile, "HASH_BELOW", hash_below)
    cols = _columns()
    profiles = _profiles(tmp_path, cols)
    for name, values in cols.items():
        col, clean = profiles[name], values + 0.0  # -0.0 and 0.0 are one value
        counts = Counter(clean.tolist())
        assert col["distinct"] == len(counts)
        assert col["unique"] == (len(counts) == ROWS)
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]  # ties in sorted order
        assert [(v["value"], v["count"]) for v in col["top_values"]] == [(float(v), n) for v, n in top]
        assert col["stats"]["quantiles"]["p50"] == pytest.approx(np.quantile(clean, 0.5), abs=1e-6)
        assert col["stats"]["mean"] == pytest.approx(clean.mean(), abs=1e-6)
        hist, _ = np.histogram(clean, bins=20)
        assert col["histogram"]["counts"] == hist.tolist()
    assert profiles["order_id"]["type"] == "identifier"


@pytest.mark.parametrize("expected", [0, 3, 10, 1000])  # short, exact and generous estimates
def test_filling_holds_every_value_in_order(expected: int) -> None:
    parts = [np.arange(start, start + n, dtype=np.int64) for start, n in ((0, 4), (4, 1), (5, 0), (5, 6))]
    filling = Filling(expected)
    for part in parts:
        filling.append(part)
    assert filling.values().tolist() == list(range(11))
    assert Filling(expected).values().tolist() == []
