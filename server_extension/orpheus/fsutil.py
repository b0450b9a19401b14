"""Atomic writes and the one containment check of the extension.

Atomic writes: a crash mid-write leaves the previous version, never a torn file.
Containment: :func:`contain` (and its yes/no form :func:`is_within`) resolves
symlinks in both the candidate and the root (``os.path.realpath``) and refuses
anything that ends up outside the root; every place that opens, lists, serves,
deletes or writes a path a user can influence goes through it.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tornado import web


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder, fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    """UTF-8 text version of :func:`atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: Path, model: Any) -> None:
    """Pretty JSON version of :func:`atomic_write_bytes`."""
    atomic_write_text(path, json.dumps(model, indent=2, default=str) + "\n")


def _fsync_dir(folder: Path) -> None:
    # The rename itself is durable only once the directory entry is synced.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@functools.cache
def _outside_root() -> Callable[[str, str], web.HTTPError]:
    # tornado.web is imported on first use: the analysis CLI and its benchmark never need it
    # (a tenth of a second at process start).
    from tornado import web

    class OutsideRoot(web.HTTPError):
        """A path that resolves (symlinks followed) outside the folder it must stay in: a 403."""

        def __init__(self, what: str, within: str) -> None:
            super().__init__(403, f"{what} is a link that leads outside {within}; "
                                  "it was not followed (nothing was read or written there)")
            self.what = what

    return OutsideRoot


def __getattr__(name: str) -> Any:
    """``OutsideRoot``: the 403 :class:`tornado.web.HTTPError` of :func:`contain`, made on first use."""
    if name == "OutsideRoot":
        return _outside_root()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _inside(real_root: str, real: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def is_within(root: Path | str, candidate: Path | str) -> bool:
    """Whether ``candidate`` resolves (symlinks followed, existing or not) inside ``root``.

    Both sides are resolved with ``os.path.realpath``, so a link anywhere in either
    path counts where it leads.
    """
    return _inside(os.path.realpath(root), os.path.realpath(candidate))


def contain(root: Path, candidate: Path, what: str, within: str = "the project") -> Path:
    """``candidate`` itself if it resolves inside ``root``; :class:`OutsideRoot` (403) if not.

    ``what`` names the candidate in the message (``"data/"``, ``"the recording"``),
    ``within`` names the root (``"the project"``, ``"your Jupyter root"``).
    """
    if not is_within(root, candidate):
        raise _outside_root()(what, within)
    return candidate
