"""Starting a session's terminal through jupyter_server_terminals' TerminalManager.

The command, working folder and environment are chosen here, on the server;
nothing from the client reaches them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tornado import web

from ..fsutil import is_within
from .config import SessionConfig
from .live import LiveSession
from .model_access import ModelAccess, with_banner
from .recorder import AsciicastRecorder
from .records import SessionPaths

# jupyter_server_terminals routes /terminals/websocket/(\w+): letters, digits, underscores.
TERMINAL_PREFIX = "orpheus_"


def terminal_name(session_id: str) -> str:
    """The terminado name of a session's terminal (``/terminals/websocket/<name>``)."""
    return f"{TERMINAL_PREFIX}{session_id}"


def command(config: SessionConfig, mode: str, resume: bool, prompt: str = "") -> list[str]:
    """argv for the terminal; a first prompt is passed to a new (not resumed) claude."""
    if mode == "shell":
        return list(config.shell_command)
    if resume:
        return [*config.claude_command, *config.resume_args]
    return [*config.claude_command, *([prompt] if prompt else [])]


# Hub credentials in the server's environment (JUPYTERHUB_API_TOKEN, JPY_API_TOKEN, ...).
_HUB_CREDENTIAL = re.compile(r"(JUPYTERHUB|JPY)_\w*(TOKEN|SECRET|KEY|PASSWORD)\w*")


def dropped_variables(config: SessionConfig) -> set[str]:
    """Variables removed from a session terminal's inherited environment."""
    return set(config.drop_env) | {name for name in os.environ if _HUB_CREDENTIAL.fullmatch(name)}


def environment(config: SessionConfig, session_id: str, token: str | None = None,
                banner: str | None = None) -> dict[str, str | None]:
    """``extra_env`` for terminado: ``None`` removes a variable from the inherited env."""
    env: dict[str, str | None] = dict.fromkeys(dropped_variables(config))
    env["ORPHEUS_SESSION_BANNER"] = banner
    env.update(
        {
            "HOME": config.home_dir,
            "DISABLE_AUTOUPDATER": "1",
            "ORPHEUS_SESSION_ID": session_id,
            # Only what configuration says; an inherited value is dropped.
            "ANTHROPIC_BASE_URL": config.anthropic_base_url or None,
            "ANTHROPIC_AUTH_TOKEN": token or config.anthropic_auth_token or None,
        }
    )
    return env


def start(
    terminal_manager: Any,
    config: SessionConfig,
    paths: SessionPaths,
    record: dict[str, Any],
    resume: bool,
    clock: Callable[[], float],
    access: ModelAccess,
) -> LiveSession:
    """Create the named terminal, attach the recorder, return its bookkeeping.

    ``access`` is the terminal's model token and banner (``model_access.prepare``).
    Raises ``OSError`` when the command cannot be started.
    """
    name = terminal_name(paths.session_id)
    if name in terminal_manager.terminals:
        raise web.HTTPError(409, "this session's terminal is still running")
    size = record.get("size") or {}
    cols = int(size.get("cols") or config.default_cols)
    rows = int(size.get("rows") or config.default_rows)
    argv = command(config, record["mode"], resume, str(record.get("prompt") or ""))
    # The guarded manager refuses session names on its public create (the terminals API).
    create = getattr(terminal_manager, "create_session_terminal", terminal_manager.create)
    create(
        name=name, shell_command=with_banner(argv, access.banner), cwd=str(paths.workdir),
        extra_env=environment(config, paths.session_id, access.token, access.banner),
        width=cols, height=rows,
    )
    term = terminal_manager.terminals[name]
    term.ptyproc.setwinsize(rows, cols)
    recorder = AsciicastRecorder(
        paths.recording, width=cols, height=rows, title=str(record.get("title", "")),
        env={"TERM": "xterm-256color", "SHELL": os.path.basename(argv[0])},
    )
    live = LiveSession(paths.session_id, name, term, recorder, clock)
    live.size = (cols, rows)
    recorder.on_output = live.note_output
    live.attach()
    return live


def check_workdir(paths: SessionPaths, projects_root: Path) -> None:
    """The working folder must exist and be a real folder inside the projects folder."""
    workdir = paths.workdir
    if workdir.is_symlink() or not workdir.is_dir():
        raise web.HTTPError(409, "the session folder is missing or is a link")
    if not is_within(projects_root, workdir):
        raise web.HTTPError(403, "the session folder leaves the projects folder")
