"""The conversation of a Claude notebook, rebuilt from its cells at every execution.

Each Claude cell above the one being run is a user turn; its answer (the output the
kernel marked with ``metadata.orpheus_claude``) is the assistant turn. Cells the
kernel answered since it started are taken from its memory (fresher than the file
when the notebook is not saved yet); cells with no answer, empty cells and code
Claude proposed are left out. Without a notebook (a console, an unknown path, a
file that is not a notebook) the kernel's own history is the conversation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import OUTPUT_KEY
from .proposals import is_proposal

#: The most text (questions and answers, in characters) sent as history: older turns go first.
MAX_HISTORY_CHARS = 400_000
#: The largest notebook file read for history.
MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024


@dataclass
class Exchange:
    """One question and the answer it got."""

    question: str
    answer: str
    cell_id: str | None = None


@dataclass
class Memory:
    """What this kernel answered since it started, in order (a re-run cell keeps its place)."""

    exchanges: list[Exchange] = field(default_factory=list)

    def record(self, exchange: Exchange) -> None:
        """Remember an answer; a cell answered before is replaced where it was."""
        for i, old in enumerate(self.exchanges):
            if exchange.cell_id is not None and old.cell_id == exchange.cell_id:
                self.exchanges[i] = exchange
                return
        self.exchanges.append(exchange)

    def by_cell(self) -> dict[str, Exchange]:
        """The remembered exchanges of identified cells."""
        return {e.cell_id: e for e in self.exchanges if e.cell_id is not None}


def notebook_path(session_name: str, cwd: Path) -> Path | None:
    """The ``.ipynb`` file named by ``JPY_SESSION_NAME`` (absolute, or relative to the kernel's folder)."""
    if not session_name.endswith(".ipynb"):
        return None
    name = Path(session_name)
    for candidate in (name, cwd / name, cwd / name.name):
        if candidate.is_absolute() and candidate.is_file():
            return candidate
    return None


def read_cells(path: Path | None) -> list[dict[str, Any]] | None:
    """The cells of a notebook file, or ``None`` when there is no readable notebook."""
    if path is None:
        return None
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        return None
    return [c for c in cells if isinstance(c, dict)]


def _text(value: Any) -> str:
    """nbformat multiline text (a string or a list of lines)."""
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else ""


def answer_of(cell: dict[str, Any]) -> str:
    """The answer stored in a cell's outputs (empty when it has none)."""
    parts = []
    for output in cell.get("outputs") or []:
        if not isinstance(output, dict) or output.get("output_type") not in ("display_data", "execute_result"):
            continue
        marker = (output.get("metadata") or {}).get(OUTPUT_KEY)
        if isinstance(marker, dict) and marker.get("role") == "answer":
            parts.append(_text((output.get("data") or {}).get("text/markdown")))
    return "\n\n".join(p for p in parts if p.strip())


def _from_cells(cells: list[dict[str, Any]], cell_id: str | None, memory: Memory) -> list[Exchange]:
    """The exchanges above ``cell_id`` in ``cells`` (all cells, then unsaved ones, when it is not there)."""
    ids = [c.get("id") for c in cells]
    found = cell_id is not None and cell_id in ids
    above = cells[: ids.index(cell_id)] if found else cells
    remembered = memory.by_cell()
    out = []
    for cell in above:
        cid = cell.get("id") if isinstance(cell.get("id"), str) else None
        known = remembered.get(cid) if cid is not None else None
        if known is not None:  # answered since the kernel started: the file may predate it
            out.append(known)
            continue
        source = _text(cell.get("source"))
        if cell.get("cell_type") != "code" or not source.strip() or is_proposal(source):
            continue
        exchange = Exchange(source, answer_of(cell), cid)
        if exchange.answer.strip():
            out.append(exchange)
    if not found:
        out += [e for e in memory.exchanges if e.cell_id not in ids and e.cell_id != cell_id]
    return out


def exchanges(cells: list[dict[str, Any]] | None, cell_id: str | None, memory: Memory) -> list[Exchange]:
    """The conversation before the cell ``cell_id``."""
    if cells is None:
        return [e for e in memory.exchanges if e.cell_id is None or e.cell_id != cell_id]
    return _from_cells(cells, cell_id, memory)


def messages(history: list[Exchange], question: str, limit: int = MAX_HISTORY_CHARS) -> list[dict[str, Any]]:
    """Anthropic ``messages`` for ``question`` after ``history`` (the oldest turns dropped past ``limit``)."""
    kept: list[Exchange] = []
    size = len(question)
    for exchange in reversed(history):
        size += len(exchange.question) + len(exchange.answer)
        if size > limit:
            break
        kept.insert(0, exchange)
    out: list[dict[str, Any]] = []
    for exchange in kept:
        out.append({"role": "user", "content": exchange.question})
        out.append({"role": "assistant", "content": exchange.answer})
    out.append({"role": "user", "content": question})
    return out
