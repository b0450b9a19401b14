"""The generated references of the documentation: ``docs/configure.md`` and ``docs/api.md``.

``configure.md`` lists every configurable trait of every Orpheus class (hub, share service,
LLM service, user server) from its help text; ``api.md`` lists every REST route from the
route tables (``default_handlers``), the methods each handler class implements and the
first line of their docstrings. Both sides are imported, so run it where ``orpheus[all]``
is installed::

    python -m orpheus_hub.docs --write     # rewrite both files
    python -m orpheus_hub.docs --check     # exit 1 when either file is stale

Defaults read from the environment would make the output depend on where it runs, so the
files are always rendered in a child process whose environment has no Orpheus, JupyterHub
or model-provider variables (``render``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from .api import API_GROUPS, api_md, permission, route_paths
from .configure import CONFIG_GROUPS, configure_md, orpheus_configurables, portable
from .text import DOCS_DIR, load

__all__ = ["API_GROUPS", "CONFIG_GROUPS", "DOCS_DIR", "load", "main", "orpheus_configurables",
           "permission", "portable", "render", "route_paths", "stale"]

#: Environment variables dropped before rendering (they feed some defaults).
SCRUBBED_PREFIXES = ("ORPHEUS_", "JUPYTERHUB_", "JPY_", "ANTHROPIC_", "OPENAI_")


def render_here() -> dict[str, str]:
    """Both files, rendered in this process: file name -> text."""
    return {"configure.md": configure_md(), "api.md": api_md()}


def render() -> dict[str, str]:
    """Both files, rendered in a child process with a scrubbed environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED_PREFIXES)}
    proc = subprocess.run(
        [sys.executable, "-m", "orpheus_hub.docs", "--json"],
        env=env, capture_output=True, text=True, check=True)
    result: dict[str, str] = json.loads(proc.stdout)
    return result


def stale(docs_dir: Path = DOCS_DIR) -> list[str]:
    """Names of the generated files that differ from what the code says now."""
    return [name for name, text in render().items()
            if not (docs_dir / name).is_file() or (docs_dir / name).read_text() != text]


def main(argv: Sequence[str] | None = None) -> int:
    """Write, check, or print (as JSON) the generated references."""
    parser = argparse.ArgumentParser(prog="python -m orpheus_hub.docs", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true",
                      help="rewrite docs/configure.md and docs/api.md")
    mode.add_argument("--check", action="store_true",
                      help="exit 1 when either file is stale")
    mode.add_argument("--json", action="store_true",
                      help="print both files as JSON (used by render)")
    args = parser.parse_args(argv)
    if args.json:
        json.dump(render_here(), sys.stdout)
        return 0
    if args.check:
        names = stale()
        for name in names:
            sys.stderr.write(f"docs/{name} is stale: run python -m orpheus_hub.docs --write\n")
        return 1 if names else 0
    for name, text in render().items():
        (DOCS_DIR / name).write_text(text)
    return 0
