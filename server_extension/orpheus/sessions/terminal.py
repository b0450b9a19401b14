"""Starting a session's terminal through jupyter_server_terminals' TerminalManager.

The command, working folder and environment are chosen here, on the server;
nothing from the client reaches them.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tornado import web

from ..fsutil import is_within
from ..llm.client import GatewayTokenError, mint_gateway_token
from .config import SessionConfig
from .live import LiveSession
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
log = logging.getLogger(__name__)


def dropped_variables(config: SessionConfig) -> set[str]:
    """Variables removed from a session terminal's inherited environment."""
    return set(config.drop_env) | {name for name in os.environ if _HUB_CREDENTIAL.fullmatch(name)}


def model_token(config: SessionConfig, session_id: str) -> str | None:
    """ANTHROPIC_AUTH_TOKEN for one terminal: the configured one, else a fresh gateway-only token.

    Never this server's hub token: a terminal (and what it prints into a shared
    recording) must not hold a credential that can open terminals or read files.
    """
    if config.anthropic_auth_token:
        return str(config.anthropic_auth_token)
    hub_token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
    if not (config.llm_gateway_url and hub_token):
        return None
    try:
        return mint_gateway_token(config.llm_gateway_url, hub_token, float(config.max_age),
                                  f"session {session_id}", float(config.gateway_token_timeout))
    except GatewayTokenError as e:
        log.warning("Session %s: no model token for its terminal: %s", session_id, e)
        return None


def environment(config: SessionConfig, session_id: str, token: str | None = None) -> dict[str, str | None]:
    """``extra_env`` for terminado: ``None`` removes a variable from the inherited env."""
    env: dict[str, str | None] = dict.fromkeys(dropped_variables(config))
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
) -> LiveSession:
    """Create the named terminal, attach the recorder, return its bookkeeping.

    Raises ``OSError`` when the command cannot be started.
    """
    name = terminal_name(paths.session_id)
    if name in terminal_manager.terminals:
        raise web.HTTPError(409, "this session's terminal is still running")
    size = record.get("size") or {}
    cols = int(size.get("cols") or config.default_cols)
    rows = int(size.get("rows") or config.default_rows)
    argv = command(config, record["mode"], resume, str(record.get("prompt") or ""))
    token = model_token(config, paths.session_id)
    terminal_manager.create(
        name=name, shell_command=argv, cwd=str(paths.workdir),
        extra_env=environment(config, paths.session_id, token), width=cols, height=rows,
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
