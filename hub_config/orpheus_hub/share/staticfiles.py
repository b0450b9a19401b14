"""The service's static folder: our stylesheet plus third-party scripts copied from installed
packages at start-up (the asciinema player from node_modules, plotly.js from the Python
package, require.js from Voila), so no page ever loads anything from a CDN."""

from __future__ import annotations

import logging
import shutil
from importlib.util import find_spec
from pathlib import Path

from jupyter_core.paths import jupyter_path


def wanted(player_dir: Path) -> dict[Path, str]:
    """Source file -> name in the static folder."""
    files = {
        player_dir / "asciinema-player.min.js": "asciinema-player.min.js",
        player_dir / "asciinema-player.css": "asciinema-player.css",
    }
    spec = find_spec("plotly")
    if spec and spec.origin:
        files[Path(spec.origin).parent / "package_data" / "plotly.min.js"] = "plotly.min.js"
    # require.js for notebook pages (nbconvert points at a CDN): Voila's copy.
    for base in jupyter_path("voila", "templates", "base", "static"):
        if (Path(base) / "require.min.js").is_file():
            files[Path(base) / "require.min.js"] = "require.min.js"
            break
    return files


def bundle(static: Path, player_dir: Path, log: logging.Logger) -> None:
    """Fill ``static``; a missing source is logged (its pages degrade), never fatal."""
    static.mkdir(parents=True, exist_ok=True)
    for source, name in wanted(player_dir).items():
        if source.is_file():
            shutil.copyfile(source, static / name)
        else:
            log.error("Missing %s; run `make install` (npm ci) to bundle it", source)
    shutil.copyfile(Path(__file__).parent / "share.css", static / "share.css")
