"""``SandboxSpawner``: each user's server as their own uid, inside bubblewrap.

A ``LocalProcessSpawner`` whose command is wrapped by ``bwrap.command``. The hub
runs as root only to allocate the uid, prepare the home and start the sandbox;
nothing of the user's runs as root or as the hub's uid. Stopping the server ends
the sandbox's pid namespace (so detached ``setsid nohup`` children die with it)
and then kills any process left with the user's uid.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from pathlib import Path
from typing import Any

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Float, Integer, List, Unicode, default, validate

from ..credentials import delivery
from ..credentials.vault import vault_for
from . import bwrap, procs
from .preflight import default_runtime_paths
from .uids import UidMap

_LOGIN = re.compile(r"^[a-z_][a-z0-9_-]{0,30}$")


class SandboxSpawner(LocalProcessSpawner):  # type: ignore[misc]
    """One unprivileged uid and one bubblewrap sandbox per user (the embedded default)."""

    state_dir = Unicode(
        help="Folder of the hub's sandbox state (uid map, generated passwd files); never visible to users."
    ).tag(config=True)
    home_dir_template = Unicode(
        help="Host folder of each user's home; {username} is replaced (default: state_dir/../users/{username})."
    ).tag(config=True)
    home_mount = Unicode(
        "/home/jovyan", help="Where the user's home appears inside the sandbox (the same for every user)."
    ).tag(config=True)
    uid_map_file = Unicode(
        "/var/lib/orpheus/sandbox-uids.json",
        help="The machine-wide uid map (shared by every hub on this machine, so no two users "
        "anywhere share a uid).",
    ).tag(config=True)
    uid_min = Integer(200000, help="First uid handed to users (never reused).").tag(config=True)
    uid_max = Integer(299999, help="Last uid handed to users.").tag(config=True)
    runtime_paths = List(
        Unicode(),
        help="Folders bound read-only at their own path inside every sandbox (default: the Python "
        "installation, its venv, this package's checkout and its node_modules).",
    ).tag(config=True)
    extra_runtime_paths = List(
        Unicode(),
        help="Further folders bound read-only at their own path (tools or data every user may read).",
    ).tag(config=True)
    hidden_paths = List(
        Unicode(),
        help="Folders covered by an empty tmpfs inside the sandbox (default: the hub's data folder, "
        "when it lies inside a runtime folder).",
    ).tag(config=True)
    bwrap_path = Unicode("bwrap", help="The bubblewrap executable.").tag(config=True)
    setpriv_path = Unicode("setpriv", help="The util-linux setpriv executable.").tag(config=True)
    max_processes = Integer(
        1024, help="Most processes (and threads) a user's uid may run at once; stops fork bombs."
    ).tag(config=True)
    stop_grace_seconds = Float(
        5.0, help="Seconds the server gets to shut down after SIGTERM before its sandbox is killed."
    ).tag(config=True)

    @default("state_dir")
    def _default_state_dir(self) -> str:
        return str(Path(os.environ.get("ORPHEUS_DATA_DIR", "data")).resolve() / "sandbox")

    @default("home_dir_template")
    def _default_home_template(self) -> str:
        return str(Path(self.state_dir).parent / "users" / "{username}")

    @default("runtime_paths")
    def _default_runtime(self) -> list[str]:
        return default_runtime_paths()

    @default("hidden_paths")
    def _default_hidden(self) -> list[str]:
        data = Path(self.state_dir).resolve().parent
        runtime = [Path(p).resolve() for p in self.runtime_paths]
        inside = any(r == data or r in data.parents for r in runtime)
        return [str(data)] if inside and data.exists() else []

    @validate("uid_min", "uid_max")
    def _check_uid(self, proposal: Any) -> int:
        value = int(proposal["value"])
        if value < 1000:
            raise ValueError(f"SandboxSpawner.{proposal['trait'].name} must be >= 1000, not {value}")
        return value

    # ---- identity -------------------------------------------------------------
    @property
    def home_dir(self) -> Path:
        """The user's home on the host."""
        return Path(self.home_dir_template.format(username=self.user.name))

    @property
    def uid_map(self) -> UidMap:
        """The hub's ``username -> uid`` map."""
        scope = str(Path(self.state_dir).resolve())
        return UidMap(Path(self.uid_map_file), self.uid_min, self.uid_max, scope=scope)

    def _uid(self) -> int:
        uid = self.uid_map.uid_for(self.user.name)
        if uid == 0 or uid == os.getuid():
            raise RuntimeError(f"refusing uid {uid} for {self.user.name}: it is root's or the hub's")
        return uid

    def _login(self) -> str:
        name = self.user.name
        return name if _LOGIN.match(name) else "user"

    def _prepare(self, uid: int) -> bwrap.SandboxPlan:
        """Create the home (``0700``, the user's) and the identity files; return the plan."""
        home = self.home_dir
        new = not home.exists()
        home.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        home.mkdir(mode=0o700, exist_ok=True)
        if new or home.stat().st_uid != uid:
            _chown_tree(home, uid)  # a home made before sandboxing (or by an operator)
        os.chmod(home, 0o700)
        ident = Path(self.state_dir) / "identity" / str(uid)
        ident.mkdir(mode=0o755, parents=True, exist_ok=True)
        passwd, group = bwrap.identity_files(self._login(), uid, self.home_mount)
        (ident / "passwd").write_text(passwd)
        (ident / "group").write_text(group)
        for name in ("passwd", "group"):
            os.chmod(ident / name, 0o644)
        return bwrap.SandboxPlan(
            uid=uid, home=home, home_mount=self.home_mount,
            passwd_file=ident / "passwd", group_file=ident / "group",
            runtime=[Path(p) for p in [*self.runtime_paths, *self.extra_runtime_paths]],
            hidden=[Path(p) for p in self.hidden_paths],
            bwrap=self.bwrap_path, setpriv=self.setpriv_path,
        )

    # ---- LocalProcessSpawner hooks -----------------------------------------------
    def make_preexec_fn(self, name: str) -> Any:
        """Cap the uid's processes; bwrap and setpriv change identity afterwards."""
        return bwrap.limits(self.max_processes)

    def get_env(self) -> dict[str, str]:
        """The hub's environment for the server, plus the granted credential sets' variables."""
        env: dict[str, str] = super().get_env()
        env.update(getattr(self, "_credential_env", {}))
        return env

    def user_env(self, env: dict[str, str]) -> dict[str, str]:
        """HOME is the mount point inside the sandbox."""
        env["USER"] = self.user.name
        env["HOME"] = self.home_mount
        env["SHELL"] = "/bin/bash"
        return env

    async def start(self) -> Any:
        """Prepare the identity, then start the wrapped command."""
        uid = self._uid()
        procs.kill_uid(uid)  # leftovers of an earlier run (hub crash) never linger
        plan = self._prepare(uid)
        credentials = await self._credentials(uid)
        # LocalProcessSpawner.start builds argv from self.cmd: wrap it for this one start.
        inner = [str(part) for part in self.cmd]  # type: ignore[has-type]
        self.cmd = _with_bind(bwrap.command(plan, inner), credentials)
        try:
            return await super().start()
        finally:
            self.cmd = inner

    async def _credentials(self, uid: int) -> list[str]:
        """Research credentials (docs/credentials.md): the granted sets' variables for
        ``get_env`` and their files, mounted read-only at ``~/.credentials``; returns the
        extra bwrap arguments (none when no set is granted)."""
        bundle = await delivery.bundle_for(self)
        self._credential_env = bundle.env
        folder = delivery.place_files(vault_for(self.authenticator), self.user.name, bundle, uid, uid)
        point = self.home_dir / delivery.FOLDER  # no user process runs now (kill_uid above)
        if folder is None:
            if point.is_dir() and not point.is_symlink():
                with contextlib.suppress(OSError):
                    point.rmdir()  # the empty mount point of an earlier start
            return []
        if point.is_symlink() or (point.exists() and not point.is_dir()):
            point.unlink()  # only a directory can be a mount point; never follow a link
        if not point.exists():
            point.mkdir(mode=0o700)
            os.chown(point, uid, uid)
        return ["--ro-bind", str(folder), f"{self.home_mount}/{delivery.FOLDER}"]

    async def stop(self, now: bool = False) -> None:
        """SIGTERM the server inside, then end the sandbox and every process of the uid."""
        if self.pid and not now:
            await self._graceful()
        if self.pid:
            await self._signal(signal.SIGKILL)
            await self.wait_for_death(self.kill_timeout)
        uid = self.uid_map.lookup(self.user.name)
        if uid:
            killed = procs.kill_uid(uid)
            if killed:
                self.log.info("Killed %d stray process(es) of %s's uid", killed, self.user.name)
        await self.poll()

    async def _graceful(self) -> None:
        """SIGTERM the server itself (the first process of the uid that is not bwrap)."""
        uid = self.uid_map.lookup(self.user.name)
        target = next((p for p in procs.descendants(self.pid)
                       if procs.real_uid(p) == uid and procs.command_name(p) != "bwrap"), None)
        if target is None:
            return
        try:
            os.kill(target, signal.SIGTERM)
        except ProcessLookupError:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.stop_grace_seconds
        while loop.time() < deadline and await self.poll() is None:
            await asyncio.sleep(0.1)


def _with_bind(argv: list[str], extra: list[str]) -> list[str]:
    """``argv`` with ``extra`` mount arguments last among the outer bwrap's options (before
    its first ``--``), so they apply over the home's bind."""
    if not extra:
        return argv
    end = argv.index("--")
    return [*argv[:end], *extra, *argv[end:]]


def _chown_tree(root: Path, uid: int) -> None:
    """``chown -R`` without following links (a link inside stays a link)."""
    os.chown(root, uid, uid, follow_symlinks=False)
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in [*dirs, *files]:
            os.chown(os.path.join(folder, name), uid, uid, follow_symlinks=False)

