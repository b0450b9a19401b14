"""The ``orpheus`` command: ``orpheus run`` starts the hub on the embedded default."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from orpheus_hub import paths

try:
    from .datastudio import cli as analyze_cli
except ImportError:  # a hub-only install (orpheus[hub]) has no Data Studio engine
    analyze_cli = None  # type: ignore[assignment]


def _run(args: argparse.Namespace) -> int:
    config = paths.hub_config_file()
    hub = str(paths.venv_bin_dir() / "jupyterhub")
    os.execv(hub, [hub, "-f", str(config), *args.hub_args])  # noqa: S606 - our own hub binary
    return 0  # pragma: no cover - execv does not return


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``orpheus`` console script."""
    parser = argparse.ArgumentParser(prog="orpheus", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start JupyterHub with the Orpheus embedded default")
    run.add_argument("hub_args", nargs=argparse.REMAINDER, help="extra jupyterhub arguments")
    run.set_defaults(func=_run)
    if analyze_cli is not None:
        analyze_cli.add_parser(sub)
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
