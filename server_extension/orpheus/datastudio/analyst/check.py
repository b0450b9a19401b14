"""``python -m orpheus.datastudio.analyst.check <spec.json>...``: check dashboard specs the
way the server will when the run ends (schema, grid, and columns of the analysed table).

The project is the nearest folder above each spec (or the working folder) that holds
``.analysis/metadata.json``. Prints ``OK <file>`` or ``<file>: <field>: <problem>``; the exit
status is 1 when any spec fails.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from ... import folders
from ..analysis.engine import run_analysis
from ..dashboards.spec import SpecError, validate
from ..dashboards.store import DashboardStore
from .outputs import read_spec
from .paths import METADATA


def project_of(path: Path) -> Path:
    """The project folder a spec belongs to (the working folder when none is found)."""
    for folder in path.resolve().parents:
        if (folder / METADATA).is_file():
            return folder
    return Path.cwd()


def check_new_table(project_dir: Path, spec: dict[str, Any]) -> None:
    """Check a spec over a data file the stored analysis does not have yet (one Claude just
    wrote): that file is analysed on its own, in a temporary folder."""
    source = spec.get("data_source") or {}
    label = str(source.get("file") or "")
    data = project_dir / folders.DATA
    path = (data / label).resolve()
    if not label or not path.is_file() or data.resolve() not in path.parents:
        raise SpecError("data_source.file", f"{label!r} is not a file in the data folder")
    with tempfile.TemporaryDirectory() as out:
        metadata = run_analysis([(label, path)], Path(out), project_dir.name)
    for table in metadata["files"]:
        if table.get("table") == source.get("table") and table.get("status") == "ok":
            validate(spec, {c["name"]: c for c in table["column_profiles"]})
            return
    raise SpecError("data_source.file", f"{label!r} could not be analysed")


def check(path: Path) -> str | None:
    """The problem of one spec file, or None when it would be saved."""
    project_dir = project_of(path)
    try:
        spec = read_spec(path)
        store = DashboardStore(project_dir)
        spec.setdefault("version", 1)  # as the server saves it: version and id filled in
        spec.setdefault("id", store.new_id(str(spec.get("title") or "dashboard")))
        try:
            store.validate(spec)
        except SpecError as e:
            if e.field != "data_source.file":
                raise
            check_new_table(project_dir, spec)
    except SpecError as e:
        return str(e)
    return None


def main(argv: list[str]) -> int:
    """Check every file named; 0 when all pass, 1 otherwise, 2 without files."""
    if not argv:
        print(__doc__)
        return 2
    failed = 0
    for name in argv:
        problem = check(Path(name))
        print(f"OK {name}" if problem is None else f"{name}: {problem}")
        failed += problem is not None
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
