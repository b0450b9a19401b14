"""Projects: unified listing, note saves, and the contents manager's upload check.

In-process, on a temporary Jupyter root (no HTTP), so the numbers are the
managers' own cost:

- listing: ``ProjectManager.list()`` over PROJECTS projects, each with NOTES notes,
  DATA data files, a few session records, dashboards and renders;
- note save: ``NoteManager.update`` with ``If-Match`` (read, check, atomic write, re-read);
- upload: saving a UPLOAD_MB MB base64 file through jupyter_server's
  ``AsyncLargeFileManager`` and through ``OrpheusContentsManager`` (magic-byte check
  + link check), alternating, so the difference is the Orpheus checks.

Run: ``python -m benchmarks projects`` (or ``make bench BENCH=projects``).
"""

from __future__ import annotations

import asyncio
import base64
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

from orpheus.contents import OrpheusContentsManager
from orpheus.projects import ProjectManager
from orpheus.projects.notes import NoteManager

PROJECTS = int(os.environ.get("BENCH_PROJECTS", "200"))
NOTES = int(os.environ.get("BENCH_NOTES", "20"))
DATA = int(os.environ.get("BENCH_DATA", "50"))
SAVES = int(os.environ.get("BENCH_SAVES", "200"))
UPLOAD_MB = int(os.environ.get("BENCH_UPLOAD_MB", "20"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def _populate(root: Path) -> None:
    for p in range(PROJECTS):
        folder = root / "projects" / f"project-{p:04d}"
        for sub in ("notes", "data", ".orpheus/sessions", "dashboards", "video/out"):
            (folder / sub).mkdir(parents=True)
        for n in range(NOTES):
            (folder / "notes" / f"n{n}.md").write_text(f"---\ntitle: n{n}\n---\nbody\n")
        for d in range(DATA):
            (folder / "data" / f"d{d}.csv").write_text("a,b\n1,2\n")
        for s in range(3):
            (folder / ".orpheus" / "sessions" / f"s{s}.json").write_text("{}")
        (folder / "dashboards" / "d.json").write_text("{}")
        (folder / "video" / "out" / "v.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")


async def _timed(fn: Callable[[], Awaitable[Any]], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        await fn()
        out.append(time.perf_counter() - t)
    return out


def _ms(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=100) if len(samples) > 1 else samples * 99
    return f"p50 {statistics.median(samples) * 1000:8.2f} ms   p99 {q[98] * 1000:8.2f} ms"


async def _run(root: Path) -> None:
    _populate(root)
    projects = ProjectManager(root_dir=str(root))
    listed = await projects.list()
    print(f"listing   {len(listed)} projects x ({NOTES} notes, {DATA} data files): "
          f"{_ms(await _timed(projects.list, ROUNDS))}")

    notes = NoteManager(projects=projects)
    note = await notes.create("project-0000", {"title": "bench", "body": "x" * 4096})
    state = {"rev": note["revision"]}

    async def save() -> None:
        model = await notes.update("project-0000", note["id"], {"body": "y" * 4096}, state["rev"])
        state["rev"] = model["revision"]

    print(f"note save 4 KiB with If-Match ({SAVES}x): {_ms(await _timed(save, SAVES))}")

    payload = base64.b64encode(b"a,b\n" + b"1,2\n" * (UPLOAD_MB * 256 * 1024)).decode()
    model = {"type": "file", "format": "base64", "content": payload}
    stock = AsyncLargeFileManager(root_dir=str(root))
    ours = OrpheusContentsManager(root_dir=str(root))
    times: dict[str, list[float]] = {"stock": [], "orpheus": []}
    for _ in range(ROUNDS):
        for label, cm in (("stock", stock), ("orpheus", ours)):
            times[label] += await _timed(lambda cm=cm: cm.save(dict(model), "upload.csv"), 1)
    for label, samples in times.items():
        print(f"upload {UPLOAD_MB} MB via {label:8s}: {_ms(samples)}")


def main() -> int:
    """Print the measurements; always 0 (nothing is asserted)."""
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(_run(Path(tmp)))
    return 0
