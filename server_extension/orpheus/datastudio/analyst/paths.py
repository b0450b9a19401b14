"""Where an analyst run reads and writes inside a project folder."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ... import folders

#: The analyst's own folder, inside the analysis folder.
ANALYST = f"{folders.ANALYSIS}/analyst"
#: Claude writes one dashboard spec per JSON file here; the server saves or refuses each.
STAGED = f"{ANALYST}/dashboards"
#: Read by Claude; rewritten at the end of every run.
CONTEXT = f"{folders.ANALYSIS}/context.md"
METADATA = f"{folders.ANALYSIS}/metadata.json"
SCHEMA_COPY = f"{ANALYST}/dashboard.schema.json"
STATE = f"{ANALYST}/state.json"
LAST_RUN = f"{ANALYST}/last_run.json"
CLAUDE_MD = "CLAUDE.md"
#: A namespace of our own for the conversation ids (uuid5 of user and project).
NAMESPACE = uuid.UUID("6f1c0d3e-8a52-4b7e-9a0e-7d3b5c2f4e19")


def conversation_id(user: str, project: str) -> str:
    """The Claude conversation of ``user`` in ``project``: the same on every run."""
    return str(uuid.uuid5(NAMESPACE, f"{user}\n{project}"))


@dataclass(frozen=True)
class RunPaths:
    """The files of one run of the analyst in ``project_dir``."""

    project_dir: Path
    stamp: str

    @classmethod
    def new(cls, project_dir: Path) -> RunPaths:
        """Paths of a run starting now (the notebook is named by the start time)."""
        return cls(project_dir, datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S"))

    @property
    def notebook_name(self) -> str:
        """The notebook Claude writes, relative to the project folder."""
        return f"analyst-{self.stamp}.ipynb"

    def at(self, relative: str) -> Path:
        """A path inside the project folder."""
        return self.project_dir / relative
