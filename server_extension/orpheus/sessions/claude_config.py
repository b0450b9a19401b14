"""Claude Code configuration for a session folder, the user's ``~/.claude.json``, and
the operator-managed settings file.

Permission rules use Claude Code's documented grammar: ``Tool`` or
``Tool(specifier)``. ``Read``/``Edit`` specifiers are gitignore-style paths where
``//path`` is absolute, ``~/path`` is under the home folder, ``/path`` is relative
to the settings file and ``path``/``./path`` relative to the working folder.
``Bash`` specifiers are command patterns with ``*`` wildcards. ``Write(path)``
rules are not consulted by Claude Code (path rules are ``Read`` and ``Edit``), so
they are never generated and refused in configuration.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from pathlib import Path
from typing import Any

from traitlets import Bool, List, TraitError, Unicode, validate
from traitlets.config import LoggingConfigurable

from ..fsutil import atomic_write_json, atomic_write_text

# What Claude Code's sandbox needs on Linux (without either it runs commands unsandboxed).
SANDBOX_TOOLS = ("bwrap", "socat")

DEFAULT_DENY = [
    # System secrets, by absolute path (// is the filesystem root in the grammar).
    "Read(//etc/shadow)",
    "Read(//etc/gshadow)",
    "Read(//etc/sudoers)",
    "Read(//etc/sudoers.d/**)",
    "Read(//proc/*/environ)",
    "Read(//root/**)",
    # The user's credentials, under the home folder.
    "Read(~/.ssh/**)",
    "Read(~/.aws/**)",
    "Read(~/.config/gcloud/**)",
    "Read(~/.kube/**)",
    "Read(~/.docker/config.json)",
    "Read(~/.netrc)",
    "Read(~/.git-credentials)",
    "Read(~/.gnupg/**)",
    "Read(~/.local/share/jupyter/runtime/**)",
    "Read(**/.env)",
    "Read(**/.env.*)",
    # Files whose change would outlive the session or lift its limits.
    "Edit(~/.ssh/**)",
    "Edit(~/.bashrc)",
    "Edit(~/.profile)",
    "Edit(~/.bash_profile)",
    "Edit(~/.claude.json)",
    "Edit(~/.claude/settings.json)",
    "Edit(./.claude/**)",
    "Edit(//etc/**)",
    # Privilege changes and remote shells.
    "Bash(sudo *)",
    "Bash(su *)",
    "Bash(doas *)",
    "Bash(ssh *)",
    "Bash(scp *)",
]

_RULE = re.compile(r"^(?P<tool>[A-Z][A-Za-z]*)(?:\((?P<spec>.+)\))?$")
_PATH_TOOLS = {"Read", "Edit"}
_SYSTEM_DIRS = ("etc", "proc", "root", "home", "usr", "var", "sys", "dev", "tmp", "opt")


def rule_problem(rule: str) -> str | None:
    """Why ``rule`` is not a permission rule Claude Code will apply; None when it is."""
    match = _RULE.fullmatch(rule)
    if not match:
        return "is not of the form Tool or Tool(specifier)"
    tool, spec = match["tool"], match["spec"]
    if tool == "Write" and spec is not None:
        return "Write(path) rules are ignored by Claude Code; use Edit(path)"
    if spec is None:
        return None
    if tool in _PATH_TOOLS:
        if "\\" in spec:
            return "path specifiers use forward slashes"
        first = spec.lstrip("/").split("/", 1)[0]
        if spec.startswith("/") and not spec.startswith("//") and first in _SYSTEM_DIRS:
            return "a single leading / is relative to the settings file; use // for absolute paths"
    if tool == "Bash" and ":*" in spec and not spec.endswith(":*"):
        return "the legacy :* wildcard is only allowed at the end"
    return None


class ClaudeSettings(LoggingConfigurable):  # type: ignore[misc]
    """What a claude-mode session folder and the user's Claude config get."""

    deny_rules = List(
        Unicode(),
        default_value=list(DEFAULT_DENY),
        help="Claude Code permission deny rules written to each session's "
        ".claude/settings.local.json and to the managed settings (documented grammar: "
        "Read(//abs/path), Read(~/home/path), Edit(...), Bash(cmd *)).",
    ).tag(config=True)

    extra_deny_rules = List(
        Unicode(),
        help="Deny rules added to deny_rules (so the defaults need not be repeated).",
    ).tag(config=True)

    sandbox = Unicode(
        "auto",
        help="Claude Code's sandbox: 'auto' enables it when bubblewrap (bwrap) and socat are "
        "installed (Claude Code needs both on Linux and runs unsandboxed without them), 'on' "
        "always, 'off' never. The user's server is confined either way (its own uid and "
        "sandbox, or its container).",
    ).tag(config=True)

    managed_settings_path = Unicode(
        "",
        help="When set, the extension writes operator-managed Claude Code settings (deny rules, "
        "no bypass mode) to this file at start, e.g. /etc/claude-code/managed-settings.json.",
    ).tag(config=True)

    theme = Unicode("dark", help="Theme set in ~/.claude.json when the user has none.").tag(
        config=True
    )

    write_claude_md = Bool(True, help="Write a CLAUDE.md describing the workspace.").tag(
        config=True
    )

    @validate("deny_rules", "extra_deny_rules")
    def _check_rules(self, proposal: Any) -> list[str]:
        for rule in proposal["value"]:
            problem = rule_problem(rule)
            if problem:
                raise TraitError(f"ClaudeSettings.{proposal['trait'].name}: {rule!r} {problem}")
        return list(proposal["value"])

    @validate("sandbox")
    def _check_sandbox(self, proposal: Any) -> str:
        if proposal["value"] not in ("auto", "on", "off"):
            raise TraitError("ClaudeSettings.sandbox must be 'auto', 'on' or 'off'")
        return str(proposal["value"])

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._home_lock = threading.Lock()

    def all_deny_rules(self) -> list[str]:
        """The configured deny rules, defaults first, without duplicates."""
        return list(dict.fromkeys([*self.deny_rules, *self.extra_deny_rules]))

    def sandbox_enabled(self) -> bool:
        """Whether to turn on Claude Code's sandbox."""
        if self.sandbox == "auto":
            return all(shutil.which(tool) is not None for tool in SANDBOX_TOOLS)
        return self.sandbox == "on"

    def local_settings(self) -> dict[str, Any]:
        """The content of a session's ``.claude/settings.local.json``."""
        settings: dict[str, Any] = {"permissions": {"deny": self.all_deny_rules()}}
        if self.sandbox_enabled():
            settings["sandbox"] = {"enabled": True, "autoAllowBashIfSandboxed": False}
        return settings

    def managed_settings(self) -> dict[str, Any]:
        """Operator-managed settings: the deny rules, and no way to bypass permissions."""
        settings = self.local_settings()
        settings["permissions"]["disableBypassPermissionsMode"] = "disable"
        settings["env"] = {"DISABLE_AUTOUPDATER": "1"}
        return settings

    def write_managed_settings(self) -> None:
        """Write the managed settings file when configured (errors are logged, not raised)."""
        if not self.managed_settings_path:
            return
        try:
            atomic_write_json(Path(self.managed_settings_path), self.managed_settings())
        except OSError as e:
            self.log.warning("Could not write managed Claude settings: %s", e)

    def prepare_folder(self, workdir: Path, project: str, files: list[str]) -> None:
        """Write ``.claude/settings.local.json`` and, if missing, ``CLAUDE.md``."""
        for name in (".claude", "CLAUDE.md"):
            # A link planted in the folder must not redirect these writes elsewhere.
            if (workdir / name).is_symlink():
                (workdir / name).unlink()
        atomic_write_json(workdir / ".claude" / "settings.local.json", self.local_settings())
        claude_md = workdir / "CLAUDE.md"
        if self.write_claude_md and not claude_md.exists():
            atomic_write_text(claude_md, workspace_description(project, files))

    def trust_folder(self, home: Path, workdir: Path) -> None:
        """Merge onboarding-done and trust for ``workdir`` into ``~/.claude.json``.

        Keys the user already has are kept; an unreadable file is left alone.
        """
        path = home / ".claude.json"
        with self._home_lock:
            try:
                config = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
            except (OSError, ValueError) as e:
                self.log.warning("Not touching unreadable ~/.claude.json: %s", e)
                return
            if not isinstance(config, dict):
                self.log.warning("Not touching ~/.claude.json: it is not a JSON object")
                return
            config.setdefault("hasCompletedOnboarding", True)
            config.setdefault("theme", self.theme)
            projects = config.setdefault("projects", {})
            if isinstance(projects, dict):
                entry = projects.setdefault(str(workdir), {})
                if isinstance(entry, dict):
                    entry.setdefault("hasTrustDialogAccepted", True)
                    entry.setdefault("hasCompletedProjectOnboarding", True)
            atomic_write_json(path, config)


def workspace_description(project: str, files: list[str]) -> str:
    """The CLAUDE.md text for a new session folder."""
    listed = "\n".join(f"- `{name}`" for name in files) or "- (none)"
    return (
        "# Workspace\n\n"
        f"This folder is one Orpheus session of the project `{project}`. It is the\n"
        "working folder of this terminal and is visible in the JupyterLab file browser.\n\n"
        "- Keep your work in this folder; the project's shared data is in `../../data/`.\n"
        "- Files the user uploaded when starting the session:\n"
        f"{listed}\n"
        "- Web pages fetched for this session are saved as Markdown under `web/`.\n"
    )
