"""What Claude is told: a digest of the deterministic analysis, the deliverables, the
project's ``CLAUDE.md`` (written once, the user may edit it) and ``.analysis/context.md``
(the memory between runs, rewritten at the end of each run)."""

from __future__ import annotations

import json
from typing import Any

from ... import folders
from .paths import CONTEXT, METADATA, SCHEMA_COPY, STAGED, RunPaths

DIGEST_LIMIT = 30_000
CONTEXT_RUNS = 10  # runs kept in context.md
CHECK_MODULE = "orpheus.datastudio.analyst.check"
COLUMN_KEYS = ("type", "semantic_type", "missing", "distinct", "unique")


def column_digest(column: dict[str, Any]) -> dict[str, Any]:
    """The parts of a column profile worth a model's attention."""
    out = {"name": column.get("name"), **{k: column.get(k) for k in COLUMN_KEYS if column.get(k) is not None}}
    stats = column.get("stats") or {}
    if stats:
        out["stats"] = {k: stats.get(k) for k in ("min", "max", "mean") if k in stats}
    tops = column.get("top_values") or []
    if tops and column.get("type") in ("categorical", "boolean", "text"):
        out["top"] = [t.get("value") for t in tops[:5]]
    if column.get("datetime"):
        out["datetime"] = {k: column["datetime"].get(k) for k in ("min", "max", "frequency")}
    return out


def digest(metadata: dict[str, Any]) -> dict[str, Any]:
    """A compact view of ``.analysis/metadata.json`` for the prompt."""
    tables = []
    for entry in metadata.get("files", []):
        if entry.get("status") != "ok":
            tables.append({"file": entry.get("file"), "error": entry.get("error")})
            continue
        tables.append({
            "file": entry.get("file"), "table": entry.get("table"), "rows": entry.get("rows"),
            "quality_score": entry.get("quality_score"), "insights": (entry.get("insights") or [])[:5],
            "columns": [column_digest(c) for c in entry.get("column_profiles", [])],
        })
    cross = metadata.get("cross_file_insights") or {}
    return {"summary": metadata.get("summary"), "tables": tables,
            "join_keys": cross.get("join_keys", []) if isinstance(cross, dict) else []}


def digest_text(metadata: dict[str, Any]) -> str:
    """The digest as JSON, cut to ``DIGEST_LIMIT`` characters."""
    text = json.dumps(digest(metadata), default=str, separators=(",", ":"))
    if len(text) > DIGEST_LIMIT:
        text = text[:DIGEST_LIMIT] + f" ... (cut; read {METADATA} for the rest)"
    return text


def instructions(run: RunPaths, python: str) -> str:
    """The analyst's rules, appended to Claude's system prompt."""
    check_command = f"{python} -m {CHECK_MODULE}"
    return f"""You are the data analyst of an Orpheus Data Studio project; your working folder is
the project folder `{run.project_dir}`. Data files are under `{folders.DATA}/`. A deterministic analysis of them is
in `{METADATA}` (a digest is in the request). Notes from your earlier runs are in `{CONTEXT}`.
You may run Python with your Bash tool as `{python}` (pandas, numpy and plotly are installed).

Deliverables of this run:
1. A Jupyter notebook `{run.notebook_name}` in the project folder (nbformat 4 JSON, python 3
   kernel) with your analysis: Markdown cells explaining each finding, code cells computing it.
   It is executed top to bottom from the project folder after you finish, so read data with
   paths like `{folders.DATA}/<file>` and make sure every cell runs without error.
2. Zero or more dashboards, each one JSON file in `{STAGED}/` (for example
   `{STAGED}/revenue.json`), following the JSON Schema `{SCHEMA_COPY}`. Each dashboard shows
   one table: `data_source.file` is a file name under `{folders.DATA}/` as in the analysis and
   every column must exist there with a suitable type. Check each file with
   `{check_command} <file>`; a spec that fails is refused and not saved. A table you
   derive (a join, an aggregate) may be saved as a CSV file under `{folders.DATA}/` and shown
   in a dashboard: new data files are analysed after your run, before the dashboards are
   checked (until then the check command reports them as not analysed).
3. End with a short plain-language summary of your findings (it is kept for the next run).
Do not edit files under `{folders.ANALYSIS}/` other than `{STAGED}/`, nor `{folders.DASHBOARDS}/`."""


def request_prompt(request: str, metadata: dict[str, Any], resumed: bool) -> str:
    """The user turn of a run: the request and the analysis it starts from."""
    again = ("This continues our earlier conversation; the analysis below is the current one."
             if resumed else "")
    return (f"{request}\n\n{again}\nDeterministic analysis of the project (digest of {METADATA}):\n"
            f"{digest_text(metadata)}\n")


def claude_md(project: str) -> str:
    """The project's ``CLAUDE.md`` when it has none (kept afterwards; the user may edit it)."""
    return (
        f"# Project {project}\n\n"
        "This is an Orpheus Data Studio project; Claude works here as its data analyst.\n\n"
        f"- `{folders.DATA}/`: the data files.\n"
        f"- `{METADATA}`: the deterministic analysis (columns, types, statistics, join keys).\n"
        f"- `{CONTEXT}`: what earlier analyst runs were asked and found.\n"
        f"- `{folders.DASHBOARDS}/`: saved dashboards (specs and their notebooks; do not edit).\n"
        "- `analyst-*.ipynb`: the notebooks of earlier runs.\n"
    )


def context_entry(summary: dict[str, Any]) -> str:
    """One run in ``context.md``."""
    lines = [f"## Run of {summary.get('started_at')}", "", f"Request: {summary.get('request')}", ""]
    for d in summary.get("dashboards", []):
        lines.append(f"- Dashboard saved: `{d.get('id')}` ({d.get('title')})")
    for r in summary.get("refused", []):
        lines.append(f"- Dashboard refused: `{r.get('file')}`: {r.get('message')}")
    nb = summary.get("notebook") or {}
    if nb.get("path"):
        state = "runs top to bottom" if nb.get("executed") else f"failed: {nb.get('error')}"
        lines.append(f"- Notebook `{nb['path']}` ({state})")
    lines += ["", str(summary.get("answer") or "(no summary)").strip(), ""]
    return "\n".join(lines)


def updated_context(previous: str, summary: dict[str, Any]) -> str:
    """``context.md`` with this run added (the last ``CONTEXT_RUNS`` runs are kept)."""
    runs = [part for part in previous.split("\n## Run of ")[1:]] if previous else []
    runs = [f"## Run of {part.strip()}\n" for part in runs][-(CONTEXT_RUNS - 1):]
    head = "# Analyst context\n\nWhat earlier runs of the data analyst were asked and found.\n\n"
    return head + "\n".join([*runs, context_entry(summary)])
