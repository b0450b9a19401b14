"""A private ``dockerd`` for the production tests, and the undoing of what it changes.

The daemon keeps its images in a fixed cache folder outside the repository
(``ORPHEUS_TEST_DOCKER_ROOT``, default ``/var/cache/orpheus-docker``) so the image,
tagged by a content hash, is built once and reused by later runs. Everything else it
changes on the machine is recorded first and put back afterwards: the ``docker0``
bridge, the nftables tables its iptables rules live in, ``net.ipv4.ip_forward``.
Containers and volumes it holds are test leftovers and are removed on both ends.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DOCKER = os.environ.get("ORPHEUS_TEST_DOCKER", "/usr/bin/docker")
DOCKERD = "/usr/sbin/dockerd"
IP_FORWARD = Path("/proc/sys/net/ipv4/ip_forward")
# The daemon's default bridge address: the gateway the user containers reach the hub on.
BRIDGE_IP = os.environ.get("ORPHEUS_TEST_DOCKER_BIP", "172.17.0.1/16")


@dataclass(frozen=True)
class HostState:
    """What dockerd may change on the machine."""

    ip_forward: str
    nft_tables: frozenset[str]
    links: frozenset[str]
    mounts: frozenset[str]


def _run(*cmd: str, check: bool = True) -> str:
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)
    if check and out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {out.stderr.strip()}")
    return out.stdout


def host_state() -> HostState:
    """Snapshot the machine state dockerd touches."""
    for tool, package in (("nft", "nftables"), ("ip", "iproute2"), (DOCKERD, "docker.io")):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is missing: apt-get install {package}")
    tables = {line.strip() for line in _run("nft", "list", "tables").splitlines() if line.strip()}
    links = {line.split()[0].split("@")[0] for line in _run("ip", "-br", "link").splitlines() if line}
    mounts = {line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()}
    return HostState(IP_FORWARD.read_text().strip(), frozenset(tables), frozenset(links),
                     frozenset(mounts))


def restore_host_state(before: HostState, root: Path) -> None:
    """Undo what the daemon left: its mounts, the bridge, new nft tables, ip_forward."""
    now = host_state()
    for mount in sorted(now.mounts - before.mounts, key=len, reverse=True):
        if mount.startswith(f"{root}/"):
            _run("umount", "-l", mount, check=False)
    if "docker0" in now.links and "docker0" not in before.links:
        _run("ip", "link", "delete", "docker0", check=False)
    for table in now.nft_tables - before.nft_tables:  # e.g. "table ip nat"
        _run("nft", "delete", *table.split(), check=False)
    IP_FORWARD.write_text(before.ip_forward + "\n")


@dataclass
class Daemon:
    """A running private dockerd."""

    root: Path
    host: str  # unix://... for DOCKER_HOST
    proc: subprocess.Popen[bytes]

    @property
    def gateway(self) -> str:
        """The host's address on the default bridge (what containers reach)."""
        return BRIDGE_IP.split("/")[0]

    @property
    def env(self) -> dict[str, str]:
        """Environment for clients (the docker CLI, the docker SDK, DockerSpawner)."""
        return {"DOCKER_HOST": self.host, "DOCKER_API_VERSION": "1.41"}

    def docker(self, *args: str, check: bool = True, timeout: float = 600) -> str:
        """Run the docker CLI against this daemon and return its stdout."""
        out = subprocess.run([DOCKER, *args], capture_output=True, text=True, check=False,
                             timeout=timeout, env={**os.environ, **self.env})
        if check and out.returncode != 0:
            raise RuntimeError(f"docker {' '.join(args)}: {out.stderr.strip()}")
        return out.stdout

    def remove_leftovers(self) -> None:
        """Remove every container and volume (only tests use this daemon)."""
        ids = self.docker("ps", "-aq").split()
        if ids:
            self.docker("rm", "-f", "-v", *ids, check=False)
        volumes = self.docker("volume", "ls", "-q").split()
        if volumes:
            self.docker("volume", "rm", "-f", *volumes, check=False)


def _stop_stale(pidfile: Path) -> None:
    """A dockerd of an earlier, killed run still holding our pidfile: stop it."""
    try:
        pid = int(pidfile.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except (OSError, ValueError):
        pidfile.unlink(missing_ok=True)
        return
    if "dockerd" in cmdline and str(pidfile) in cmdline:
        os.kill(pid, signal.SIGTERM)
        for _ in range(120):
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.25)
    pidfile.unlink(missing_ok=True)


def _start(root: Path) -> Daemon:
    sock = root / "docker.sock"
    pidfile = root / "dockerd.pid"
    _stop_stale(pidfile)
    log = (root / "dockerd.log").open("ab")
    proc = subprocess.Popen(
        [DOCKERD, "--data-root", str(root / "data"), "--exec-root", str(root / "exec"),
         "--pidfile", str(pidfile), "-H", f"unix://{sock}", "--storage-driver", "overlay2",
         "--bip", BRIDGE_IP, "--icc=false", "--log-level", "warn"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    daemon = Daemon(root=root, host=f"unix://{sock}", proc=proc)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dockerd exited: {(root / 'dockerd.log').read_text()[-3000:]}")
        if sock.exists() and subprocess.run(
                [DOCKER, "version"], capture_output=True, env={**os.environ, **daemon.env},
                check=False).returncode == 0:
            return daemon
        time.sleep(0.25)
    raise TimeoutError(f"dockerd did not answer on {sock}")


def _stop(daemon: Daemon) -> None:
    daemon.proc.send_signal(signal.SIGTERM)
    try:
        daemon.proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(daemon.proc.pid, signal.SIGKILL)
        daemon.proc.wait()


@contextmanager
def private_dockerd(root: Path | None = None) -> Iterator[Daemon]:
    """Start dockerd on a cache folder (one at a time: a lock file), yield it, undo it all."""
    root = root or Path(os.environ.get("ORPHEUS_TEST_DOCKER_ROOT", "/var/cache/orpheus-docker"))
    root.mkdir(parents=True, exist_ok=True)
    with (root / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        before = host_state()
        daemon = _start(root)
        try:
            daemon.remove_leftovers()
            yield daemon
        finally:
            try:
                daemon.remove_leftovers()
            finally:
                _stop(daemon)
                restore_host_state(before, root)
        check_restored(before, root)


def check_restored(before: HostState, root: Path) -> None:
    """The machine is as it was: ip_forward, no new bridge or nft table, no mount left."""
    after = host_state()
    assert after.ip_forward == before.ip_forward, (before.ip_forward, after.ip_forward)
    assert ("docker0" in after.links) == ("docker0" in before.links), after.links
    assert after.nft_tables <= before.nft_tables, after.nft_tables - before.nft_tables
    assert not [m for m in after.mounts if m.startswith(f"{root}/")], after.mounts
