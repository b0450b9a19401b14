"""A private PostgreSQL server for the credential tests, listening on loopback TCP.

Debian's server binaries run as the OS user ``postgres`` with their own data folder.
Local socket connections are trusted (the test's own administration); TCP connections
need a password (SCRAM), so a client in a user's sandbox gets in only with the login a
credential set delivered. The sandbox shares the host's loopback, not its /tmp.
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

from tests.harness.ports import free_port

PG_BIN = Path(os.environ.get("ORPHEUS_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_USER = os.environ.get("ORPHEUS_TEST_PG_USER", "postgres")


@dataclass
class Server:
    """A running server: its TCP port and socket folder."""

    port: int
    socket_dir: Path

    def psql(self, database: str, sql: str) -> str:
        """Run ``sql`` as the superuser over the socket; unaligned, tuples-only output."""
        out = subprocess.run(
            ["runuser", "-u", PG_USER, "--", str(PG_BIN / "psql"), "-h", str(self.socket_dir),
             "-p", str(self.port), "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
            capture_output=True, text=True, check=False, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"psql {database}: {out.stderr.strip()}")
        return out.stdout.strip()

    def superuser_url(self, database: str) -> str:
        """SQLAlchemy URL of ``database`` as the superuser over the socket (psycopg 3)."""
        return f"postgresql+psycopg://{PG_USER}@/{database}?host={self.socket_dir}&port={self.port}"


def available() -> bool:
    """Whether Debian's PostgreSQL server and its OS user exist here."""
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        return False
    return (PG_BIN / "postgres").exists() and os.geteuid() == 0


def _as_pg(*cmd: str) -> None:
    out = subprocess.run(["runuser", "-u", PG_USER, "--", *cmd], capture_output=True, text=True,
                         check=False, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {out.stdout}{out.stderr}")


@contextmanager
def postgres_server() -> Iterator[Server]:
    """initdb + start a server on 127.0.0.1:<free port>, yield it, stop it, delete it."""
    account = pwd.getpwnam(PG_USER)
    root = Path(tempfile.mkdtemp(prefix="orpheus-credpg-"))
    root.chmod(0o711)
    data, sockets, log = root / "data", root / "sock", root / "postgres.log"
    for folder in (data, sockets):
        folder.mkdir()
        os.chown(folder, account.pw_uid, account.pw_gid)
    log.touch()
    os.chown(log, account.pw_uid, account.pw_gid)
    ctl = str(PG_BIN / "pg_ctl")
    port = free_port()
    try:
        _as_pg(str(PG_BIN / "initdb"), "-D", str(data), "--auth-local=trust",
               "--auth-host=scram-sha-256", "-U", PG_USER, "--encoding=UTF8", "--no-sync")
        _as_pg(ctl, "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
               f"-k {sockets} -p {port} -c listen_addresses=127.0.0.1", "start")
        yield Server(port=port, socket_dir=sockets)
    finally:
        subprocess.run(["runuser", "-u", PG_USER, "--", ctl, "-D", str(data), "-m", "fast", "-w",
                        "stop"], capture_output=True, check=False, timeout=120)
        for _ in range(40):
            if not (data / "postmaster.pid").exists():
                break
            time.sleep(0.25)
        shutil.rmtree(root, ignore_errors=True)
