"""A run's outputs: the staged dashboard specs (each saved through the dashboard store, or
refused naming the failing field) and the notebook (executed top to bottom with nbclient)."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from ...fsutil import is_within
from ..dashboards.spec import SpecError
from ..dashboards.store import Conflict, DashboardStore, NotFound

nbf: Any = nbformat  # untyped module (strict mypy)


@dataclass(frozen=True)
class Saved:
    """A dashboard saved from a staged spec (``notebook`` relative to the project)."""

    file: str
    spec: dict[str, Any]
    notebook: str


@dataclass(frozen=True)
class Refused:
    """A staged spec that was not saved, and why (``message`` starts with ``field``)."""

    file: str
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "field": self.field, "message": self.message}


def staged_files(project_dir: Path, staged: Path) -> list[Path]:
    """The JSON files Claude left in the staging folder (links out of the project skipped)."""
    if not staged.is_dir():
        return []
    return [p for p in sorted(staged.glob("*.json")) if p.is_file() and is_within(project_dir, p)]


def read_spec(path: Path) -> dict[str, Any]:
    """A staged file as a spec object, or SpecError for the whole spec."""
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise SpecError("spec", f"the file is not valid JSON ({e})") from None
    if not isinstance(spec, dict):
        raise SpecError("spec", "must be a JSON object")
    return spec


def save_spec(store: DashboardStore, path: Path) -> Saved | Refused:
    """Save one staged spec (a new dashboard, or a new version of the one its ``id`` names)."""
    name = path.name
    try:
        spec = read_spec(path)
        spec.setdefault("version", 1)
        dashboard_id = spec.get("id")
        if isinstance(dashboard_id, str) and store.path(dashboard_id).exists():
            saved = store.save(dashboard_id, spec)
        else:
            saved = store.create(spec)
    except SpecError as e:
        return Refused(name, e.field, str(e))
    except (Conflict, NotFound) as e:
        return Refused(name, "id", f"id: {e}")
    return Saved(name, saved, store.summary(saved)["notebook"])


def save_staged(store: DashboardStore, staged: Path) -> list[Saved | Refused]:
    """Every staged spec, in file name order (blocking: call from a worker thread)."""
    return [save_spec(store, path) for path in staged_files(store.project_dir, staged)]


def read_notebook(project_dir: Path, name: str) -> Any:
    """The run's notebook (nbformat 4), or ValueError saying why it cannot be run."""
    path = project_dir / name
    if not is_within(project_dir, path):
        raise ValueError(f"{name} is a link leading out of the project: not run")
    if not path.is_file():
        raise ValueError(f"Claude wrote no notebook: {name} does not exist")
    try:
        with warnings.catch_warnings():  # cells without ids (older notebooks) get ids
            warnings.simplefilter("ignore")
            return nbf.read(str(path), as_version=4)
    except Exception as e:  # nbformat raises several kinds for a bad file
        raise ValueError(f"{name} is not a valid notebook ({str(e)[:300]})") from None


def failed_cell(nb: Any) -> str:
    """'cell N raised Name: value' for the first code cell with an error output."""
    code_cells = [c for c in nb.cells if c.get("cell_type") == "code"]
    for index, cell in enumerate(code_cells, start=1):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return f"code cell {index} raised {out.get('ename')}: {str(out.get('evalue'))[:300]}"
    return "a cell failed"


async def execute_notebook(project_dir: Path, name: str, kernel_name: str,
                           timeout: float) -> dict[str, Any]:
    """Run the notebook top to bottom (cwd = the project) and save it with its outputs.

    ``{"path", "executed", "cells", "error"}``; ``executed`` is False with ``error`` naming
    the failing cell, or why the notebook could not be read.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    try:
        nb = read_notebook(project_dir, name)
    except ValueError as e:
        return {"path": name, "executed": False, "cells": 0, "error": str(e)}
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name,
                            resources={"metadata": {"path": str(project_dir)}})
    error = None
    try:
        await client.async_execute()
    except CellTimeoutError:
        error = f"a cell ran longer than {timeout:.0f} s"
    except CellExecutionError:
        error = failed_cell(nb)
    except DeadKernelError:
        error = "the kernel died while running the notebook"
    except Exception as e:  # no such kernel, a kernel that does not start: reported, not raised
        error = f"the notebook could not be run ({e.__class__.__name__}: {str(e)[:200]})"
    nbf.write(nb, str(project_dir / name))
    cells = sum(1 for c in nb.cells if c.get("cell_type") == "code")
    return {"path": name, "executed": error is None, "cells": cells, "error": error}
