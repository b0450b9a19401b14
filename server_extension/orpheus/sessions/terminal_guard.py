"""Session terminal names are reserved: the standard terminals API may not create a plain
terminal under one.

JupyterLab restores a terminal tab after a reload or a server restart by creating a
terminal with the tab's name (``POST /api/terminals {"name": ...}``); for a session's
terminal that gave a plain shell where the session was, and the session could not be
resumed while that shell held its name. :class:`OrpheusTerminalManager` refuses such
names with a 409 that says to resume the session; session terminals themselves are
created through :meth:`OrpheusTerminalManager.create_session_terminal`.

It also gives every terminal it makes an :class:`InputTap`: terminado writes a
websocket's keystrokes straight to the terminal's process (``ptyproc.write``) and
offers no hook for them, so the manager's factory (terminado's public
``new_terminal``) hands each new terminal a process handle that tells listeners what
was written (a session counts submitted lines and input activity that way).

It is installed through jupyter_server_terminals' own setting,
``TerminalsExtensionApp.terminal_manager_class``, when the extension links (before the
terminals extension builds its manager); an operator's own class is kept, with a warning
unless it derives from this one.
"""

from __future__ import annotations

import logging
from typing import Any

from jupyter_server_terminals.terminalmanager import TerminalManager
from tornado import web

from .live import InputTap
from .terminal import TERMINAL_PREFIX

TERMINALS_EXTENSION = "jupyter_server_terminals"


def refusal(name: str) -> str:
    """The message a client reads when it asks for a plain terminal under a session's name."""
    session_id = name.removeprefix(TERMINAL_PREFIX)
    return (f"Terminal {name!r} belongs to the Orpheus session {session_id}, which is not running. "
            f"Resume the session instead (Resume in its tab or the Sessions panel; "
            f"POST /orpheus/api/sessions/{session_id}/resume).")


class OrpheusTerminalManager(TerminalManager):
    """jupyter_server_terminals' manager, with session terminal names reserved and each
    terminal's input observable (:class:`InputTap`)."""

    def new_terminal(self, **kwargs: Any) -> Any:
        """terminado's new terminal, its process handle wrapped in an :class:`InputTap`."""
        term = super().new_terminal(**kwargs)
        term.ptyproc = InputTap(term.ptyproc)
        return term

    def create(self, **kwargs: Any) -> dict[str, Any]:
        """A terminal, unless it asks for a session's name (409)."""
        name = kwargs.get("name")
        if isinstance(name, str) and name.startswith(TERMINAL_PREFIX):
            raise web.HTTPError(409, refusal(name))
        model: dict[str, Any] = super().create(**kwargs)
        return model

    def create_session_terminal(self, **kwargs: Any) -> dict[str, Any]:
        """A session's own terminal (the session manager's only way in)."""
        model: dict[str, Any] = super().create(**kwargs)
        return model


def install(serverapp: Any, log: logging.Logger) -> None:
    """Make the terminals extension build an :class:`OrpheusTerminalManager` (if it is on and
    its manager class is still the stock one)."""
    apps = serverapp.extension_manager.extension_apps.get(TERMINALS_EXTENSION, set())
    for app in apps:
        klass = app.terminal_manager_class
        if klass is TerminalManager:
            app.terminal_manager_class = OrpheusTerminalManager
        elif not issubclass(klass, OrpheusTerminalManager):
            log.warning("TerminalsExtensionApp.terminal_manager_class is %s: plain terminals may "
                        "take session terminal names (derive it from %s to reserve them)",
                        klass.__name__, OrpheusTerminalManager.__qualname__)
