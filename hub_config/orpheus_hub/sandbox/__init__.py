"""User isolation for the embedded default: one uid and one bubblewrap sandbox per user."""

from .preflight import IsolationUnavailable, check, check_config
from .spawner import SandboxSpawner

__all__ = ["IsolationUnavailable", "SandboxSpawner", "check", "check_config"]
