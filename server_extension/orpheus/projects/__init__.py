"""Projects: one folder per project in the Jupyter root, shared by every Orpheus app."""

from .manager import ProjectManager

__all__ = ["ProjectManager"]
