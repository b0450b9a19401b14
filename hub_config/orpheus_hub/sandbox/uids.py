"""Stable per-user uids for sandboxed servers, allocated once and never reused.

The map is one JSON file for the whole machine (``0600``, written atomically under
an exclusive lock), keyed by the hub's state folder and the user's name: two hubs
on one machine (or a test run's many hubs) never share a uid, so stopping one
hub's user can never kill another's processes. A uid is never handed out twice,
even after its user is deleted, so files a former user left behind can never
become a newcomer's.
"""

from __future__ import annotations

import fcntl
import json
import os
import pwd
import tempfile
from pathlib import Path


class UidRangeExhausted(RuntimeError):
    """Every uid of the configured range is taken."""


class UidMap:
    """``username -> uid`` from ``[uid_min, uid_max]``, skipping uids the host already uses."""

    def __init__(self, path: Path, uid_min: int, uid_max: int, scope: str = "") -> None:
        self.path = path
        self.uid_min = uid_min
        self.uid_max = uid_max
        self.scope = scope  # the hub's state folder: names are only unique per hub

    def _key(self, name: str) -> str:
        return f"{self.scope}\0{name}" if self.scope else name

    def _load(self) -> dict[str, object]:
        try:
            data: dict[str, object] = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {"next": self.uid_min, "users": {}}
        return data

    def _save(self, data: dict[str, object]) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".uids-")
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def lookup(self, name: str) -> int | None:
        """The uid of ``name`` if one was ever allocated."""
        users = self._load()["users"]
        assert isinstance(users, dict)  # noqa: S101 - our own file's shape
        uid = users.get(self._key(name))
        return int(uid) if uid is not None else None

    def uid_for(self, name: str) -> int:
        """The uid of ``name``, allocating the next free one on first use."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # other hubs on this machine allocate too
            return self._allocate(self._key(name))

    def _allocate(self, key: str) -> int:
        data = self._load()
        users = data["users"]
        assert isinstance(users, dict)  # noqa: S101 - our own file's shape
        if key in users:
            return int(users[key])
        candidate = int(str(data["next"]))
        while candidate <= self.uid_max and _host_uses(candidate):
            candidate += 1
        if candidate > self.uid_max:
            raise UidRangeExhausted(
                f"no free uid left in SandboxSpawner.uid_min..uid_max ({self.uid_min}..{self.uid_max})"
            )
        users[key] = candidate
        data["next"] = candidate + 1
        self._save(data)
        return candidate


def _host_uses(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
    except KeyError:
        return False
    return True
