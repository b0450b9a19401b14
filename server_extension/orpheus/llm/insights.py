"""Narrative insights: the model explains a project's stored analysis in plain language.

The answer is saved next to the analysis as ``.analysis/insights.json``
(``text``, ``model``, ``created_at``, ``analyzed_at``) and ``.analysis/insights.md``.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import folders
from ..fsutil import atomic_write_json, atomic_write_text, contain
from .client import LLMClient, OnText

SYSTEM = (
    "You are a careful data analyst. You are given the automatic profile of a user's data "
    "files (types, missing values, statistics, top values, date ranges, cross-file join "
    "keys). Explain in plain language, in a few short Markdown sections: what the data is, "
    "the most notable patterns and data-quality issues, how the files relate, and three "
    "concrete questions worth exploring next. Quote numbers from the profile; never invent any."
)
MAX_PROMPT_CHARS = 24_000
COLUMN_KEYS = ("name", "type", "semantic_type", "missing_pct", "unique", "stats", "top_values",
               "min", "max", "mean")


def brief(metadata: dict[str, Any]) -> str:
    """A compact JSON digest of the analysis, small enough for one prompt."""
    files = []
    for entry in metadata.get("files", []):
        cols = [{k: c[k] for k in COLUMN_KEYS if k in c} for c in entry.get("column_profiles", [])[:60]]
        files.append({k: entry.get(k) for k in ("file", "table", "status", "rows", "columns",
                                                "quality_score", "error") if entry.get(k) is not None}
                     | {"column_profiles": cols})
    digest = {"project": metadata.get("project_name"), "summary": metadata.get("summary"),
              "files": files, "cross_file_insights": metadata.get("cross_file_insights"),
              "recommended_charts": [c.get("title") for c in metadata.get("recommended_charts", [])
                                     if isinstance(c, dict)][:20]}
    text = json.dumps(digest, default=str)
    return text if len(text) <= MAX_PROMPT_CHARS else text[:MAX_PROMPT_CHARS] + " …(truncated)"


def paths(folder: Path) -> tuple[Path, Path]:
    """Where a project's insights are stored (JSON and Markdown); 403 for links out of it."""
    return (contain(folder, folder / folders.ANALYSIS / "insights.json",
                    f"{folders.ANALYSIS}/insights.json"),
            contain(folder, folder / folders.ANALYSIS / "insights.md", f"{folders.ANALYSIS}/insights.md"))


def load(folder: Path) -> dict[str, Any] | None:
    """The stored insights, if any."""
    try:
        data: dict[str, Any] = json.loads(paths(folder)[0].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


async def explain(llm: LLMClient, folder: Path, metadata: dict[str, Any],
                  on_text: OnText | None = None) -> dict[str, Any]:
    """Ask the model, store the answer next to the analysis and return it."""
    prompt = "Here is the profile of my project's data, as JSON:\n\n" + brief(metadata)
    turn = await llm.turn(SYSTEM, [{"role": "user", "content": prompt}], on_text=on_text)
    doc = {"text": turn.text, "model": turn.model or llm.model,
           "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
           "analyzed_at": metadata.get("analyzed_at")}
    json_path, md_path = paths(folder)
    atomic_write_json(json_path, doc)
    atomic_write_text(md_path, turn.text + "\n")
    return doc
