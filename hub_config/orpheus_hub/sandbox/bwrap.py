"""The command line that runs a user's server in a bubblewrap sandbox as the user's uid.

Two stages, because the runtime (Python, the venv, this package) may live under a
folder the user's uid cannot traverse (``/root`` is ``0700`` on these machines):

1. ``bwrap`` started by root builds the file system view (it may read anything),
   with new pid, ipc and uts namespaces: ``/usr`` and ``/etc`` read-only, a
   generated ``/etc/passwd``/``/etc/group``, a private ``/tmp``, the runtime
   read-only at its own paths, the user's home read-write at ``home_mount``; the
   hub's data folder, other homes and the host's processes are simply absent.
2. Inside, ``setpriv`` drops to the user's uid/gid with no groups, no capabilities
   (inheritable, bounding) and ``no_new_privs``, then an unprivileged ``bwrap``
   adds a new user namespace. Loopback networking stays shared so the proxy and
   the hub reach the server.
"""

from __future__ import annotations

import resource
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class SandboxPlan:
    """Everything the command line depends on (the spawner fills it in)."""

    uid: int
    home: Path  # on the host
    home_mount: str  # inside, e.g. /home/jovyan
    passwd_file: Path  # generated, on the host
    group_file: Path
    runtime: Sequence[Path]  # read-only, bound at the same path inside
    hidden: Sequence[Path] = field(default_factory=tuple)  # covered by an empty tmpfs
    bwrap: str = "bwrap"
    setpriv: str = "setpriv"
    hostname: str = "orpheus"


_SYSTEM = [
    "--ro-bind", "/usr", "/usr",
    "--ro-bind", "/etc", "/etc",
    "--symlink", "usr/bin", "/bin",
    "--symlink", "usr/sbin", "/sbin",
    "--symlink", "usr/lib", "/lib",
    "--proc", "/proc",
    "--dev", "/dev",
    # private, empty tmpfs mounts inside the sandbox (not the host's shared folders)
    "--perms", "1777", "--tmpfs", "/dev/shm",  # noqa: S108
    "--perms", "1777", "--tmpfs", "/tmp",  # noqa: S108
    "--perms", "1777", "--tmpfs", "/var/tmp",  # noqa: S108
    "--tmpfs", "/run",
]


def _parents(path: str) -> list[str]:
    """``/a/b/c`` -> ``["/a", "/a/b"]``: folders bwrap must create, world-traversable."""
    parts = PurePosixPath(path).parts[1:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


def _dirs_for(targets: Iterable[str]) -> list[str]:
    args: list[str] = []
    seen: set[str] = {"/usr", "/etc", "/run"}
    for target in targets:
        for parent in _parents(target):
            if parent not in seen:
                seen.add(parent)
                args += ["--perms", "0755", "--dir", parent]
    return args


def outermost(paths: Iterable[Path]) -> list[Path]:
    """Drop paths inside another path of the list (bind the outer one once)."""
    resolved = sorted({p.resolve() for p in paths}, key=lambda p: len(p.parts))
    kept: list[Path] = []
    for path in resolved:
        if not any(path == k or k in path.parents for k in kept):
            kept.append(path)
    return kept


def command(plan: SandboxPlan, inner: Sequence[str]) -> list[str]:
    """The full argv: outer bwrap, setpriv, inner bwrap, then ``inner``."""
    runtime = [str(p) for p in outermost(plan.runtime)]
    argv = [plan.bwrap, "--unshare-pid", "--unshare-ipc", "--unshare-uts",
            "--die-with-parent", "--hostname", plan.hostname, *_SYSTEM]
    if Path("/lib64").exists():
        argv += ["--symlink", "usr/lib64", "/lib64"]
    argv += ["--ro-bind", str(plan.passwd_file), "/etc/passwd"]
    argv += ["--ro-bind", str(plan.group_file), "/etc/group"]
    argv += _dirs_for([*runtime, plan.home_mount])
    for path in runtime:
        argv += ["--ro-bind", path, path]
    for hidden in plan.hidden:
        argv += ["--tmpfs", str(hidden)]
    argv += ["--bind", str(plan.home), plan.home_mount, "--chdir", plan.home_mount]
    uid = str(plan.uid)
    argv += ["--", plan.setpriv, "--reuid", uid, "--regid", uid, "--clear-groups",
             "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    argv += [plan.bwrap, "--unshare-user", "--dev-bind", "/", "/", "--die-with-parent", "--"]
    return [*argv, *inner]


def identity_files(login: str, uid: int, home_mount: str) -> tuple[str, str]:
    """``/etc/passwd`` and ``/etc/group`` for inside: root, nobody and the user only."""
    passwd = (
        "root:x:0:0:root:/root:/usr/sbin/nologin\n"
        f"{login}:x:{uid}:{uid}:{login}:{home_mount}:/bin/bash\n"
        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
    )
    group = f"root:x:0:\n{login}:x:{uid}:\nnogroup:x:65534:\n"
    return passwd, group


def limits(max_processes: int) -> Callable[[], None]:
    """A ``preexec_fn`` capping the processes of the sandbox's uid (fork bombs).

    Set while still root (root's own forks ignore it); inherited through ``setpriv``,
    it then counts every process of the user's uid, which no one else shares.
    """

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_NPROC, (max_processes, max_processes))

    return apply
