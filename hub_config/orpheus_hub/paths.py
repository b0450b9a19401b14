"""Where Orpheus finds its own files, in a source checkout or an installed wheel."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parents[2]


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[-1]


def share_dir() -> Path:
    """``share/orpheus`` of the install, or the repository root in a checkout."""
    installed = Path(sys.prefix) / "share" / "orpheus"
    return _REPO if (_REPO / "pyproject.toml").exists() else installed


def templates_dir() -> Path:
    """The Jinja templates (``templates/hub``, ``templates/share``, ``templates/voila``)."""
    return _first_existing(_REPO / "templates", Path(sys.prefix) / "share" / "orpheus" / "templates")


def hub_config_file() -> Path:
    """The embedded-default ``jupyterhub_config.py``."""
    return _first_existing(
        _REPO / "hub_config" / "jupyterhub_config.py",
        Path(sys.prefix) / "share" / "orpheus" / "hub_config" / "jupyterhub_config.py",
    )


def node_bin_dir() -> Path | None:
    """``node_modules/.bin`` holding the proxy and the ``claude`` CLI (``ORPHEUS_NODE_BIN`` wins)."""
    if os.environ.get("ORPHEUS_NODE_BIN"):
        return Path(os.environ["ORPHEUS_NODE_BIN"])
    local = _REPO / "node_modules" / ".bin"
    return local if local.is_dir() else None


def node_tool(name: str) -> str:
    """Absolute path of a node tool, from ``node_bin_dir()`` or ``PATH``."""
    bin_dir = node_bin_dir()
    if bin_dir and (bin_dir / name).exists():
        return str(bin_dir / name)
    return shutil.which(name) or name


def venv_bin_dir() -> Path:
    """The folder of the running Python's scripts (``jupyterhub-singleuser`` lives there)."""
    return Path(sys.executable).parent
