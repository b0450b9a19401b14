"""The session knobs (configured as ``c.ClaudeSessionManager.<name>``)."""

from __future__ import annotations

import os
from typing import Any

from traitlets import Float, Integer, List, TraitError, Unicode, default, validate
from traitlets.config import LoggingConfigurable

# Credentials that must never reach a user's terminal: the operator's keys, and this
# server's own hub token (it can open terminals and read files through the server's API).
OPERATOR_SECRETS = [
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
    "CLAUDE_CODE_OAUTH_TOKEN",
    "ORPHEUS_ANTHROPIC_API_KEY",
    "ORPHEUS_OPENAI_API_KEY",
    "JUPYTERHUB_API_TOKEN",
    "JPY_API_TOKEN",
]


class SessionConfig(LoggingConfigurable):  # type: ignore[misc]
    """Commands, environment, access and lifetimes of session terminals."""

    claude_command = List(
        Unicode(),
        default_value=["claude"],
        minlen=1,
        help="argv of a claude-mode session's terminal (resume appends --continue).",
    ).tag(config=True)

    resume_args = List(
        Unicode(),
        default_value=["--continue"],
        help="Arguments appended to claude_command when a claude-mode session is resumed.",
    ).tag(config=True)

    shell_command = List(
        Unicode(),
        minlen=1,
        help="argv of a shell-mode session's terminal (default: $SHELL or bash, as a login shell).",
    ).tag(config=True)

    @default("shell_command")
    def _default_shell(self) -> list[str]:
        return [os.environ.get("SHELL") or "/bin/bash", "-l"]

    anthropic_base_url = Unicode(
        help="ANTHROPIC_BASE_URL for session terminals (default: $ORPHEUS_LLM_URL/anthropic "
        "when the hub sets ORPHEUS_LLM_URL; empty leaves it unset).",
    ).tag(config=True)

    @default("anthropic_base_url")
    def _default_base_url(self) -> str:
        llm = os.environ.get("ORPHEUS_LLM_URL", "")
        return f"{llm.rstrip('/')}/anthropic" if llm else ""

    anthropic_auth_token = Unicode(
        "",
        help="A fixed ANTHROPIC_AUTH_TOKEN for session terminals. Empty (the default): each "
        "session terminal gets its own gateway-only token minted by the llm service "
        "(POST $ORPHEUS_LLM_URL/api/tokens), valid for max_age and for the model routes only; "
        "never this server's hub token, never an operator key.",
    ).tag(config=True)

    llm_gateway_url = Unicode(
        help="Root URL of the hub's llm service that mints session tokens "
        "(default: $ORPHEUS_LLM_URL; empty: session terminals get no model token).",
    ).tag(config=True)

    @default("llm_gateway_url")
    def _default_gateway(self) -> str:
        return os.environ.get("ORPHEUS_LLM_URL", "")

    gateway_token_timeout = Float(
        10.0, help="Seconds to wait for the llm service when minting a session's token."
    ).tag(config=True)

    stray_wait = Float(
        10.0, help="Seconds Resume waits for a stray terminal holding a session's name (a plain "
        "shell a restored tab opened) to end before it answers 409.",
    ).tag(config=True)

    drop_env = List(
        Unicode(),
        default_value=list(OPERATOR_SECRETS),
        help="Environment variables removed from every session terminal's environment "
        "(besides these, every JUPYTERHUB_*/JPY_* variable naming a token, secret, key or "
        "password is removed too).",
    ).tag(config=True)

    home_dir = Unicode(
        help="HOME of session terminals and the folder of the ~/.claude.json that gets the "
        "onboarding and trust entries (default: this server's home).",
    ).tag(config=True)

    @default("home_dir")
    def _default_home(self) -> str:
        return os.path.expanduser("~")

    idle_timeout = Float(
        2 * 3600.0,
        help="Seconds without terminal input or output after which a session is terminated "
        "(0 disables). Its record, recording and files stay.",
    ).tag(config=True)

    max_age = Float(
        24 * 3600.0,
        help="Seconds a session terminal may run at most (0 disables).",
    ).tag(config=True)

    reap_interval = Float(
        60.0, help="Seconds between checks for idle and old sessions."
    ).tag(config=True)

    shell_group = Unicode(
        "shell", help="Hub group whose members may open shell-mode sessions."
    ).tag(config=True)

    shell_access_key = Unicode(
        "",
        help="A key that also unlocks shell mode when sent as the access_key form field "
        "(empty: only the hub group grants shell mode).",
    ).tag(config=True)

    default_cols = Integer(120, help="Terminal width until a client sends its size.").tag(
        config=True
    )
    default_rows = Integer(32, help="Terminal height until a client sends its size.").tag(
        config=True
    )

    @validate("idle_timeout", "max_age")
    def _check_non_negative(self, proposal: Any) -> float:
        if proposal["value"] < 0:
            raise TraitError(f"ClaudeSessionManager.{proposal['trait'].name} must be >= 0")
        return float(proposal["value"])

    @validate("reap_interval", "stray_wait")
    def _check_interval(self, proposal: Any) -> float:
        if proposal["value"] <= 0:
            raise TraitError(f"ClaudeSessionManager.{proposal['trait'].name} must be > 0")
        return float(proposal["value"])
