"""Make the Data Studio Voila template and kernelspec discoverable.

Installed wheels ship them through hatch ``shared-data`` (``kernels`` →
``share/jupyter/kernels``, ``templates`` → ``share/orpheus/templates``); an
editable install does not copy shared data, so the source tree is used instead.
The template folder is a Jupyter data directory (``voila/templates/orpheus``),
which is how Voila looks templates up (``jupyter_path("voila", "templates")``).
"""

from __future__ import annotations

import os
import sys
from logging import Logger
from pathlib import Path
from typing import Any

TEMPLATE = "orpheus"
KERNEL = "orpheus-data"
SOURCE_ROOT = Path(__file__).resolve().parents[3]
# JupyterLab-only front ends that cannot load inside Voila's page (they need the
# file browser and other Lab plugins); Voila would log an error and stall.
LAB_ONLY_EXTENSIONS = ("orpheus-lab",)


def templates_root() -> Path | None:
    """The data dir holding ``voila/templates/orpheus``: the source tree (development) first."""
    for root in (SOURCE_ROOT / "templates", Path(sys.prefix) / "share" / "orpheus" / "templates"):
        if (root / "voila" / "templates" / TEMPLATE / "index.html.j2").is_file():
            return root
    return None


def kernels_dir() -> Path | None:
    """The source tree's ``kernels`` folder, when it holds the Data Studio kernelspec."""
    folder = SOURCE_ROOT / "kernels"
    return folder if (folder / KERNEL / "kernel.json").is_file() else None


def no_cdn_page_config(page_config: dict[str, Any], **_: Any) -> dict[str, Any]:
    """Voila page config without the MathJax CDN URL (users' servers may have no internet).

    Dashboards render no LaTeX; with an empty URL the page requests nothing
    from outside the user's server.
    """
    return {**page_config, "fullMathjaxUrl": ""}


def register(serverapp: Any, log: Logger) -> None:
    """Template on ``JUPYTER_PATH``, kernelspec on the kernel path, Lab-only extensions off in Voila.

    Runs while the orpheus extension loads, before Voila's (extensions load in
    name order), so Voila's configuration picks the deny list up; a deny or
    allow list the operator configured wins.
    """
    voila = serverapp.config.VoilaConfiguration
    if "extension_denylist" not in voila and "extension_allowlist" not in voila:
        voila.extension_denylist = list(LAB_ONLY_EXTENSIONS)
    if "page_config_hook" not in voila:
        voila.page_config_hook = no_cdn_page_config
    root = templates_root()
    if root is not None:
        parts = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
        if str(root) not in parts:
            os.environ["JUPYTER_PATH"] = os.pathsep.join([str(root), *parts])
            log.debug("Data Studio Voila template from %s", root)
    ksm = getattr(serverapp, "kernel_spec_manager", None)
    if ksm is None:
        return
    try:
        ksm.get_kernel_spec(KERNEL)
    except Exception:
        folder = kernels_dir()
        if folder is not None and str(folder) not in ksm.kernel_dirs:
            ksm.kernel_dirs.append(str(folder))
            log.debug("Data Studio kernelspec from %s", folder)
