"""SIGKILL a process while it saves a note: the previous version stays readable, never torn.

Two ways to die mid-save, both in a forked child saving through ``NoteManager``:

- deterministic: the child's file-size limit is below the new version's size, so
  the kernel kills it (SIGXFSZ) in the middle of writing the bytes;
- SIGKILL at random moments while the child saves versions in a loop, many times.

After each death the note must parse and hold exactly one whole version.
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import signal
import time
from pathlib import Path

from orpheus.projects import ProjectManager
from orpheus.projects.notes import NoteManager

LINES = 256
LINE = 4_000  # ~1 MB per version
ROUNDS = 20


def _managers(root: Path) -> tuple[ProjectManager, NoteManager]:
    projects = ProjectManager(root_dir=str(root))
    return projects, NoteManager(projects=projects, max_note_bytes=64 * 1024 * 1024)


def _body(version: int) -> str:
    line = f"version {version:06d} ".ljust(LINE, "x")
    return (line + "\n") * LINES


def _writer(root: Path, start: int) -> None:
    """The child: save versions start, start+1, ... until killed."""
    _, notes = _managers(root)

    async def loop() -> None:
        for i in range(start, start + 1_000_000):
            await notes.update("crash", "n", {"body": _body(i)})

    asyncio.run(loop())


def _check_whole(root: Path) -> int:
    _, notes = _managers(root)
    model = asyncio.run(notes.get("crash", "n"))
    assert "problem" not in model, model["problem"]
    lines = model["body"].split("\n")[:-1]
    assert len(lines) == LINES, f"the note is truncated ({len(lines)} of {LINES} lines)"
    assert len(set(lines)) == 1, "the note mixes two versions"
    return int(lines[0].split()[1])


def test_sigkill_during_note_saves_leaves_a_whole_version(tmp_path: Path) -> None:
    projects, notes = _managers(tmp_path)
    asyncio.run(projects.create("crash"))
    asyncio.run(notes.create("crash", {"id": "n", "title": "t", "body": _body(0)}))
    rng = random.Random(20261125)  # noqa: S311 - timing jitter, not security
    version, advanced = 0, 0
    for _ in range(ROUNDS):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            try:
                _writer(tmp_path, version + 1)
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.02, 0.25))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status)
        assert os.WTERMSIG(status) == signal.SIGKILL
        new = _check_whole(tmp_path)
        assert new >= version
        advanced += new > version
        version = new
    assert advanced >= 3, "the writer hardly ever got a save in; the test proves little"


def test_killed_in_the_middle_of_writing_the_bytes_keeps_the_old_version(tmp_path: Path) -> None:
    projects, notes = _managers(tmp_path)
    asyncio.run(projects.create("crash"))
    asyncio.run(notes.create("crash", {"id": "n", "title": "t", "body": _body(7)}))
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        try:
            # Python ignores SIGXFSZ; restore the default so the kernel kills the writer
            # as soon as a write passes the limit, i.e. half-way through the note.
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
            resource.setrlimit(resource.RLIMIT_FSIZE, (LINES * LINE // 2, LINES * LINE // 2))
            _writer(tmp_path, 8)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status)
    assert os.WTERMSIG(status) == signal.SIGXFSZ
    assert _check_whole(tmp_path) == 7
