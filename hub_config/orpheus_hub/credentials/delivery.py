"""Delivering the granted sets when a user's server starts.

At each start the hub resolves the user's sets (hub groups, account state), then:

- the variables go into the server's environment (kernels and session terminals
  inherit them), sets applied in name order (a later set's variable wins);
- each set's file, ``<set>.json``, is written to a hub-owned host folder for this user
  (``CredentialVault.files_dir/<digest of the name>``: ``0700``, owned by the user's uid,
  each file ``0600``), which the spawner mounts read-only at ``~/.credentials``. The
  files never enter the user's home, so no project, snapshot or backup of it holds them.

A set's file is its JSON file content when it has one, else its variables as an object.
Nothing of the values is logged: only set names.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..accounts.models import ACTIVE_STATES, APPROVED, TRIAL
from .crypto import SealedUnreadable
from .vault import CredentialVault, vault_for

#: The folder name under the user's home.
FOLDER = ".credentials"


@dataclass
class Bundle:
    """What one server start receives."""

    sets: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)


async def _deliverable(spawner: Any) -> tuple[set[str], bool] | None:
    """(hub groups, is trial) of the spawner's user, or None when nothing may be delivered."""
    authenticator = spawner.authenticator
    state = APPROVED
    if hasattr(authenticator, "account_state"):
        _, state = await authenticator.account_state(spawner.user.name)
    if state not in ACTIVE_STATES:
        return None
    return {g.name for g in spawner.user.groups}, state == TRIAL


async def bundle_for(spawner: Any) -> Bundle:
    """The sets granted to the spawner's user now (empty when the feature is off)."""
    vault = vault_for(spawner.authenticator)
    if not vault.enabled:
        return Bundle()
    who = await _deliverable(spawner)
    if who is None or not who[0]:
        return Bundle()
    groups, trial = who
    try:
        delivered = await asyncio.to_thread(vault.store.delivered, groups, trial)
    except SealedUnreadable:
        spawner.log.error("Credential sets for %s not delivered: a set cannot be opened with "
                          "ORPHEUS_CREDENTIALS_KEY (was the key changed?)", spawner.user.name)
        return Bundle()
    bundle = Bundle()
    for item in delivered:
        bundle.sets.append(item.name)
        bundle.env.update(item.variables)
        content = item.file if item.file is not None else item.variables
        bundle.files[f"{item.name}.json"] = (json.dumps(content, indent=2) + "\n").encode("utf-8")
    if bundle.sets:
        spawner.log.info("Credential sets for %s: %s", spawner.user.name, ", ".join(bundle.sets))
    return bundle


def user_folder(vault: CredentialVault, username: str) -> Path:
    """The host folder of ``username``'s credential files (a digest: any name is safe)."""
    return Path(vault.files_dir) / hashlib.sha256(username.encode("utf-8")).hexdigest()[:32]


def place_files(vault: CredentialVault, username: str, bundle: Bundle, uid: int, gid: int) -> Path | None:
    """Write the bundle's files for one start; returns the folder to mount, or None.

    The folder is emptied first, so a set revoked since the last start is gone; with no
    files it is removed and nothing is mounted.
    """
    folder = user_folder(vault, username)
    if folder.exists():
        shutil.rmtree(folder)
    if not bundle.files:
        return None
    root = Path(vault.files_dir)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)  # the hub's; only mounts reach inside
    folder.mkdir(mode=0o700)
    for name, data in bundle.files.items():
        fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, data)
            os.fchown(fd, uid, gid)
            os.fchmod(fd, 0o600)
        finally:
            os.close(fd)
    os.chown(folder, uid, gid)
    os.chmod(folder, 0o700)
    return folder


def container_hook(uid: int, gid: int, home: str) -> Callable[[Any], Awaitable[None]]:
    """A ``DockerSpawner.pre_spawn_hook`` delivering the sets to a container.

    Sets the container's environment and mounts the user's folder read-only at
    ``home/.credentials`` (the hub and Docker must share this host), starting every time
    from the spawner's configured environment and volumes, so a revoked set is gone.
    """

    async def hook(spawner: Any) -> None:
        base = spawner.__dict__.setdefault("_orpheus_base", (dict(spawner.environment), dict(spawner.volumes)))
        bundle = await bundle_for(spawner)
        folder = place_files(vault_for(spawner.authenticator), spawner.user.name, bundle, uid, gid)
        spawner.environment = {**base[0], **bundle.env}
        mount = {str(folder): {"bind": f"{home}/{FOLDER}", "mode": "ro"}} if folder else {}
        spawner.volumes = {**base[1], **mount}

    return hook
