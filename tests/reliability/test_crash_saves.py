"""R6: SIGKILL a process in the middle of saves; the previous (or new) version stays whole.

The notes case lives in tests/server_extension/projects/test_note_crash.py; here the same
loop (a forked child saving versions until killed at a random moment) runs for Data Studio
dashboards, the share service's stores and the accounts database.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from orpheus.datastudio.manager import DataStudioManager
from orpheus_hub.accounts.store import AccountStore
from orpheus_hub.share.store import ShareStore, SnapshotStore

ROUNDS = 12
CSV = "region,amount,when\n" + "".join(f"r{i % 7},{i},2026-01-{1 + i % 28:02d}\n" for i in range(3000))


def kill_loop(writer: Callable[[int], None], check: Callable[[], int], tally: object, category: str) -> None:
    """Fork a child running ``writer(start)``, SIGKILL it at a random moment, ``check()``."""
    rng = random.Random(20261204)  # noqa: S311 - timing jitter, not security
    version = check()
    advanced = 0
    for _ in range(ROUNDS):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            try:
                writer(version + 1)
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.05, 0.4))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status), "the child finished before it was killed"
        new = check()
        assert new >= version
        advanced += new > version
        version = new
    assert advanced, "no save ever completed between kills: the test proved nothing"
    tally.record(category, ROUNDS, 0)  # type: ignore[attr-defined]


def test_sigkill_during_dashboard_saves(tmp_path: Path, tally: object) -> None:
    project = tmp_path / "projects" / "crash"
    (project / "data").mkdir(parents=True)
    (project / "data" / "sales.csv").write_text(CSV)
    studio = DataStudioManager()
    spec = asyncio.run(studio.generate(project, None, "Crash"))
    dashboard_id = spec["id"]

    def writer(start: int) -> None:
        store = studio.store(project)
        for i in range(start, start + 100_000):
            store.save(dashboard_id, {**store.load(dashboard_id), "title": f"take {i}"})

    def check() -> int:
        stored = studio.store(project).load(dashboard_id)  # parses, validates
        version = int(stored["version"])
        assert stored["title"] in ("Crash", f"take {version - 1}") or stored["title"].startswith("take ")
        return version

    kill_loop(writer, check, tally, "R6 kill -9: dashboard saves")


def test_sigkill_during_share_writes(tmp_path: Path, tally: object) -> None:
    url = f"sqlite:///{tmp_path / 'shares.sqlite'}"
    ShareStore(url)

    def writer(start: int) -> None:
        store, snaps = ShareStore(url), SnapshotStore(tmp_path / "snapshots")
        now = datetime.now(timezone.utc)
        for i in range(start, start + 100_000):  # the service's order: snapshot, then row
            staged = snaps.staging()
            (staged / "index.html").write_text(f"share {i} " * 2000)
            share_id = f"{os.getpid():08x}{i:08x}"  # a killed child may leave an orphan folder
            snaps.commit(staged, share_id, 1)
            store.create("alice", "file", f"s{i}", "x.csv", None, 1, now, share_id)

    def check() -> int:
        store, snaps = ShareStore(url), SnapshotStore(tmp_path / "snapshots")
        shares = store.list("alice")
        committed = [s for s in shares if s.version >= 1]
        for share in committed:  # every share in the database has its whole snapshot
            page = (snaps.path(share.id, share.version) / "index.html").read_text()
            assert page == f"share {share.title[1:]} " * 2000
        assert not any((tmp_path / "snapshots" / ".staging").iterdir()), "staging leftovers kept"
        return len(committed)

    kill_loop(writer, check, tally, "R6 kill -9: share writes")


def test_sigkill_during_account_writes(tmp_path: Path, tally: object) -> None:
    db = tmp_path / "orpheus.sqlite"
    AccountStore(f"sqlite:///{db}").migrate()

    def writer(start: int) -> None:
        store = AccountStore(f"sqlite:///{db}")
        now = datetime.now(timezone.utc)
        for i in range(start, start + 100_000):
            store.create(f"user{i:06d}", f"u{i}@example.org", "signup", now, password_hash="$argon2id$x")
            store.approve(f"user{i:06d}", now)

    def check() -> int:
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        store = AccountStore(f"sqlite:///{db}")
        names = sorted(a.username for a in store.list())
        assert names == [f"user{i:06d}" for i in range(1, len(names) + 1)], "a gap or a torn row"
        return len(names)

    kill_loop(writer, check, tally, "R6 kill -9: accounts database")
