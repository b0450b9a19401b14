"""Quality score and per-column missing values over HTTP: a file with blanks never scores 100/100."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .test_analysis_api import analyze, make_project, parse_sse

ROWS = 2000
COLUMNS = ("id", "city", "amount", "note", "score")


def write_csv(path: Path, blanks: dict[tuple[int, str], str]) -> None:
    """A ROWS x 5 CSV; ``blanks`` maps (row, column) to the blank text written there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [",".join(COLUMNS)]
    for i in range(ROWS):
        row = {"id": str(i), "city": ["Oslo", "Lima", "Pune"][i % 3], "amount": f"{i * 1.5:.2f}",
               "note": f"n{i % 17}", "score": str(i % 10)}
        for (r, col), text in blanks.items():
            if r == i:
                row[col] = text
        lines.append(",".join(row[c] for c in COLUMNS))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def analysis_of(jp_fetch: Any, root: Path, name: str, blanks: dict[tuple[int, str], str]
                      ) -> tuple[dict[str, Any], dict[str, Any]]:
    folder = await make_project(jp_fetch, root, name)
    write_csv(folder / "data" / "sales.csv", blanks)
    events = parse_sse((await analyze(jp_fetch, name)).body)
    assert events[-1][0] == "complete"
    r = await jp_fetch("orpheus", "api", "projects", name, "analysis")
    meta = json.loads(r.body)
    return meta, next(t for t in meta["files"] if t["file"] == "sales.csv")


def by_name(entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in entry["column_profiles"]}


async def test_a_few_blank_cells_keep_the_score_below_100(jp_fetch, jp_root_dir):  # type: ignore[no-untyped-def]
    # Three empty cells in 10,000: the completeness is 99.97 %, which used to round to 100/100.
    meta, table = await analysis_of(jp_fetch, jp_root_dir, "gaps",
                                    {(5, "city"): "", (77, "amount"): "", (1500, "score"): ""})
    assert table["quality"]["missing_cells"] == 3
    assert table["quality_score"] <= 99.0
    assert round(table["quality_score"]) < 100  # what the Lab shows, rounded
    assert meta["summary"]["quality_score"] <= 99.0
    assert "100/100" not in table["insights"][0]
    cols = by_name(table)
    assert [cols[c]["missing"] for c in COLUMNS] == [0, 1, 1, 0, 1]
    assert cols["city"]["missing_ratio"] == pytest.approx(1 / ROWS)
    assert cols["city"]["quality_score"] <= 99.0
    assert cols["id"]["quality_score"] == 100.0


async def test_whitespace_and_empty_text_count_as_missing(jp_fetch, jp_root_dir):  # type: ignore[no-untyped-def]
    blanks = {(1, "note"): " ", (2, "note"): "   ", (3, "note"): '""', (4, "note"): "\t", (9, "city"): "  "}
    _, table = await analysis_of(jp_fetch, jp_root_dir, "spaces", blanks)
    cols = by_name(table)
    assert (cols["note"]["missing"], cols["city"]["missing"]) == (4, 1)
    assert cols["note"]["missing_ratio"] == pytest.approx(4 / ROWS)
    assert all(str(v["value"]).strip() for v in cols["note"]["top_values"])
    assert cols["city"]["distinct"] == 3  # the blank is not a fourth city
    assert table["quality"]["missing_cells"] == 5
    assert table["quality_score"] <= 99.0


async def test_a_complete_file_scores_100(jp_fetch, jp_root_dir):  # type: ignore[no-untyped-def]
    _, table = await analysis_of(jp_fetch, jp_root_dir, "complete", {})
    assert table["quality"]["missing_cells"] == 0
    assert table["quality_score"] == 100.0
    assert all(c["missing"] == 0 and c["missing_ratio"] == 0.0 for c in table["column_profiles"])
