"""A private PostgreSQL cluster (Debian's server) for the production tests.

``initdb`` and ``postgres`` run as the unprivileged OS user ``postgres`` with their own
data folder and socket folder (no TCP listener); the hub, the share service and the
llm gateway connect over that socket. Local connections are trusted: the socket folder
is reachable only through a 0711 folder created for this run.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("ORPHEUS_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_USER = os.environ.get("ORPHEUS_TEST_PG_USER", "postgres")
DATABASES = ("jupyterhub", "orpheus", "shares", "llm")


@dataclass
class Postgres:
    """A running cluster: its socket folder and a URL builder."""

    root: Path
    socket_dir: Path

    def url(self, database: str) -> str:
        """SQLAlchemy URL of ``database`` over the Unix socket (psycopg 3)."""
        return f"postgresql+psycopg://{PG_USER}@/{database}?host={self.socket_dir}"

    def psql(self, database: str, sql: str) -> str:
        """Run ``sql`` and return its unaligned, tuples-only output."""
        out = subprocess.run(
            ["runuser", "-u", PG_USER, "--", str(PG_BIN / "psql"), "-h", str(self.socket_dir),
             "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
            capture_output=True, text=True, check=False, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"psql {database}: {out.stderr.strip()}")
        return out.stdout.strip()

    def tables(self, database: str) -> set[str]:
        """Table names in the public schema of ``database``."""
        rows = self.psql(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return set(rows.split())


def _as_pg(*cmd: str) -> None:
    out = subprocess.run(["runuser", "-u", PG_USER, "--", *cmd], capture_output=True, text=True,
                         check=False, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {out.stdout}{out.stderr}")


@contextmanager
def private_postgres() -> Iterator[Postgres]:
    """initdb + start a cluster as ``postgres``, create the four databases, yield, stop, delete."""
    if not (PG_BIN / "postgres").exists():
        raise RuntimeError(f"PostgreSQL server not found in {PG_BIN} (apt-get install postgresql)")
    account = pwd.getpwnam(PG_USER)
    root = Path(tempfile.mkdtemp(prefix="orpheus-pg-"))
    root.chmod(0o711)
    data, sockets = root / "data", root / "sock"
    for folder in (data, sockets):
        folder.mkdir()
        os.chown(folder, account.pw_uid, account.pw_gid)
    log = root / "postgres.log"
    log.touch()
    os.chown(log, account.pw_uid, account.pw_gid)
    ctl = str(PG_BIN / "pg_ctl")
    try:
        _as_pg(str(PG_BIN / "initdb"), "-D", str(data), "--auth-local=trust", "--auth-host=reject",
               "-U", PG_USER, "--encoding=UTF8", "--no-sync")
        _as_pg(ctl, "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
               f"-k {sockets} -c listen_addresses=''", "start")
        pg = Postgres(root=root, socket_dir=sockets)
        for name in DATABASES:
            pg.psql("postgres", f"CREATE DATABASE {name}")
        yield pg
    finally:
        subprocess.run(["runuser", "-u", PG_USER, "--", ctl, "-D", str(data), "-m", "fast", "-w",
                        "stop"], capture_output=True, check=False, timeout=120)
        for _ in range(40):
            if not (data / "postmaster.pid").exists():
                break
            time.sleep(0.25)
        shutil.rmtree(root, ignore_errors=True)
