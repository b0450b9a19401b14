"""Start-up checks: the hub refuses to start when user isolation cannot work.

Never a silent fallback: the message names what is missing and the one setting
that accepts the risk (``ORPHEUS_ISOLATION=trusted``: every user's code runs as
the hub's own user, for a trusted single-user machine only).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from .. import paths
from . import bwrap

ACCEPT = (
    "To run anyway with NO isolation between users (every user's code runs as the hub's own "
    "user and can read the hub's secrets: only for a single trusted user), set "
    "ORPHEUS_ISOLATION=trusted."
)


class IsolationUnavailable(RuntimeError):
    """User isolation cannot work on this machine; the message says why and what to do."""


def _fail(what: str) -> IsolationUnavailable:
    return IsolationUnavailable(f"Orpheus cannot isolate users: {what}\n{ACCEPT}")


def check_config(section: Any) -> None:
    """``check`` with the values of a ``c.SandboxSpawner`` config section (or the defaults)."""
    runtime = list(section.get("runtime_paths", [])) or default_runtime_paths()
    probe_uid = int(section.get("uid_min", 200000)) - 1  # outside the users' range
    check(section.get("bwrap_path", "bwrap"), section.get("setpriv_path", "setpriv"), runtime, probe_uid)


def default_runtime_paths() -> list[str]:
    """The Python installation, its venv, this checkout and its node_modules (those that exist)."""
    found = [Path(sys.base_prefix), Path(sys.prefix), paths.share_dir()]
    node = paths.node_bin_dir()
    if node is not None:
        found.append(node.parent)
    return [str(p) for p in found if p.exists()]


def check(bwrap_path: str, setpriv_path: str, runtime: list[str], probe_uid: int) -> None:
    """Raise ``IsolationUnavailable`` unless a sandbox as ``probe_uid`` really starts."""
    if os.geteuid() != 0:
        raise _fail(
            "the hub must run as root to start each user's server as that user's own uid "
            f"(it runs as uid {os.geteuid()})."
        )
    for tool, package in ((bwrap_path, "bubblewrap"), (setpriv_path, "util-linux")):
        if shutil.which(tool) is None:
            raise _fail(f"{tool!r} was not found (install Debian's {package} package; `make run` does).")
    with tempfile.TemporaryDirectory(prefix="orpheus-preflight-") as tmp:
        _probe(Path(tmp), bwrap_path, setpriv_path, runtime, probe_uid)


def _probe(tmp: Path, bwrap_path: str, setpriv_path: str, runtime: list[str], uid: int) -> None:
    home = tmp / "home"
    home.mkdir(mode=0o700)
    os.chown(home, uid, uid)
    passwd, group = bwrap.identity_files("probe", uid, "/home/jovyan")
    (tmp / "passwd").write_text(passwd)
    (tmp / "group").write_text(group)
    plan = bwrap.SandboxPlan(
        uid=uid, home=home, home_mount="/home/jovyan", passwd_file=tmp / "passwd",
        group_file=tmp / "group", runtime=[Path(p) for p in runtime],
        bwrap=bwrap_path, setpriv=setpriv_path,
    )
    argv = bwrap.command(plan, ["/bin/sh", "-c", "id -u"])
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired) as e:
        raise _fail(f"a test sandbox did not run ({e}).") from e
    if done.returncode != 0 or done.stdout.strip() != str(uid):
        detail = (done.stderr or done.stdout).strip()[-500:]
        hint = ""
        if "namespace" in detail.lower() or "operation not permitted" in detail.lower():
            hint = (" (unprivileged user namespaces look disabled: sysctl user.max_user_namespaces"
                    " / kernel.unprivileged_userns_clone)")
        raise _fail(f"a test sandbox failed: {detail}{hint}")
