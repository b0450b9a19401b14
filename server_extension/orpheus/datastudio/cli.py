"""``orpheus analyze PATH... [--mode combined|separate] [--out DIR] [--json]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .. import folders
from .analysis import engine


def add_parser(sub: Any) -> None:
    """Register the ``analyze`` subcommand on the ``orpheus`` parser."""
    p = sub.add_parser("analyze", help="profile data files (CSV, Excel, JSON, Parquet) like the Data Studio")
    p.add_argument("paths", nargs="+", type=Path,
                   help="data files, folders of them, or one project folder (with data/)")
    p.add_argument("--mode", choices=engine.MODES, default="combined",
                   help="combined: cross-file joins; separate: also one JSON per file")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default: <project>/.analysis, else ./.analysis)")
    p.add_argument("--json", action="store_true", help="print the whole metadata as JSON")
    p.set_defaults(func=run)


def _progress(event: str, data: dict[str, Any]) -> None:
    if event == "status":
        print(f"[{data['index'] + 1}/{data['total']}] {data['file']}", file=sys.stderr)
    elif event == "error":
        print(f"  error: {data['file']}: {data['error']}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Analyse the paths and print a summary (or the metadata with ``--json``)."""
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"orpheus analyze: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    options = engine.Options(mode=args.mode)
    project = args.paths[0]
    if len(args.paths) == 1 and (project / folders.DATA).is_dir() and args.out is None:
        metadata = engine.analyze_folder(project, options, _progress)
        out = project / folders.ANALYSIS
    else:
        out = args.out or Path(folders.ANALYSIS)
        metadata = engine.analyze_paths(args.paths, out, options, _progress)
    if args.json:
        print(json.dumps(metadata, indent=2, default=str))
        return 0
    s = metadata["summary"]
    print(f"{s['total_files']} files, {s['total_tables']} tables, {s['total_rows']:,} rows; "
          f"domain {s['domain_detected']} ({s['domain_confidence']:.0%}); themes: "
          f"{', '.join(s['themes']) or 'none'}; failed: {s['files_failed']}")
    for key in metadata["cross_file_insights"]["insights"]:
        print(f"join: {key}")
    print(f"written to {out / 'metadata.json'}")
    return 1 if s["files_failed"] and not s["total_tables"] else 0
