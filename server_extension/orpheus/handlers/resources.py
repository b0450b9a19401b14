"""Authorization resources of the Orpheus API: one per feature, like jupyter_server's own.

Every handler class names one of these as its ``auth_resource``. Its methods ask the
server's ``Authorizer`` for ``read`` (GET, HEAD), ``write`` (other changes) or
``execute`` (whatever starts a process, a terminal or a kernel, or runs user code),
the actions jupyter_server and jupyter_server_terminals use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from jupyter_server.auth.decorator import authorized

PROJECTS = "orpheus.projects"
"""Projects, notes, trash and data import."""
SESSIONS = "orpheus.sessions"
"""Claude sessions, their terminals and folder actions."""
DATASTUDIO = "orpheus.datastudio"
"""Analysis, dashboards, chat with data, insights and AI edits."""
VIDEO = "orpheus.video"
"""Video Studio: scenes, renders and video sessions."""
SHARES = "orpheus.shares"
"""Share links."""
LLM = "orpheus.llm"
"""The LLM gateway's status."""
INFO = "orpheus.info"
"""The extension's version and settings."""

RESOURCES = (PROJECTS, SESSIONS, DATASTUDIO, VIDEO, SHARES, LLM, INFO)

EXECUTE = "execute"
"""The action of every method that runs code or starts a process (as for terminals)."""

F = TypeVar("F", bound=Callable[..., Any])


def authorized_to_execute(method: F) -> F:
    """``@authorized("execute")`` with its type kept: for methods that run code."""
    return cast("F", authorized(EXECUTE)(method))
