"""Mostly distinct text (held and counted once) and dates with gaps, checked against plain Python counts."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from orpheus.datastudio.analysis import profile
from orpheus.datastudio.analysis.engine import Options, analyze_paths

from .test_analysis_engine import column, table, validate

ROWS = 6000


def _texts(rng: np.random.Generator) -> list[str | None]:
    """Codes drawn from 2,500 (many repeats, most of a small batch distinct), with gaps of every kind."""
    out: list[str | None] = [f"K{int(k)}" for k in rng.integers(0, 2500, ROWS)]
    for i in rng.choice(ROWS, 300, replace=False):
        out[int(i)] = [None, "", "   "][int(i) % 3]
    return out


def _write(path: Path, texts: list[str | None], days: list[date | None]) -> None:
    lines = ["code,day"] + [f"{t or ''},{d.isoformat() if d else ''}" for t, d in zip(texts, days, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("compact_at", [profile.COMPACT_AT, 700])
def test_distinct_text_and_dates_match_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              compact_at: int) -> None:
    monkeypatch.setattr(profile, "COMPACT_AT", compact_at)  # 700: held text counted in parts
    rng = np.random.default_rng(11)
    texts = _texts(rng)
    days: list[date | None] = [date(2021, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 900, ROWS)]
    for i in range(0, ROWS, 13):
        days[i] = None
    _write(tmp_path / "codes.csv", texts, days)
    meta = analyze_paths([tmp_path / "codes.csv"], tmp_path / "out", Options(block_size=4096))
    validate(meta)
    code = column(table(meta, "codes.csv"), "code")
    present = [t for t in texts if t and t.strip()]
    counts = Counter(present)  # first-seen order among equal counts, as the profile breaks ties
    assert code["missing"] == ROWS - len(present)
    assert code["distinct"] == len(counts)
    assert [(v["value"], v["count"]) for v in code["top_values"]] == counts.most_common(10)
    assert code["text"]["max_length"] == max(len(t) for t in present)
    assert code["text"]["mean_length"] == round(sum(len(t) for t in present) / len(present), 2)
    day = column(table(meta, "codes.csv"), "day")
    known = [d for d in days if d]
    assert day["missing"] == ROWS - len(known)
    assert day["distinct"] == len(set(known))
    assert (day["datetime"]["min"], day["datetime"]["max"]) == (min(known).isoformat(), max(known).isoformat())
    assert sum(day["histogram"]["counts"]) == len(known)
