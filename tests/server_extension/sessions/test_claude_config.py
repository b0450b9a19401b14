"""Generated Claude Code settings follow the documented permission-rule grammar and cover
what they claim to; ``~/.claude.json`` merging keeps the user's keys."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from traitlets import TraitError

from orpheus.sessions.claude_config import ClaudeSettings

# The documented grammar (Claude Code "permissions" docs): ``Tool`` or ``Tool(specifier)``.
# Read/Edit specifiers are gitignore patterns: ``//path`` absolute, ``~/path`` home,
# ``/path`` relative to the settings file, ``path`` or ``./path`` relative to the cwd.
# Bash specifiers are command patterns with ``*`` (legacy ``prefix:*`` only at the end).
# Path rules exist for Read and Edit only; Write(path) is accepted but never consulted.
TOOLS = {"Bash", "Read", "Edit", "Write", "WebFetch", "WebSearch", "Glob", "Grep", "NotebookEdit"}
RULE = re.compile(r"^(?P<tool>[A-Za-z]+)(?:\((?P<spec>[^()]+)\))?$")
SYSTEM_ROOTS = ("etc", "proc", "root", "usr", "var", "home", "sys", "dev")


def grammar_problem(rule: str) -> str | None:
    m = RULE.fullmatch(rule)
    if not m:
        return "not Tool or Tool(specifier)"
    tool, spec = m["tool"], m["spec"]
    if tool not in TOOLS:
        return f"unknown tool {tool}"
    if spec is None:
        return None
    if tool == "Write":
        return "Write(path) is never consulted"
    if tool in ("Read", "Edit"):
        if not re.fullmatch(r"(//|~/|/|\./)?[\w.*\-/]+", spec):
            return "not a gitignore-style path pattern"
        if spec.startswith("/") and not spec.startswith("//") and spec[1:].split("/")[0] in SYSTEM_ROOTS:
            return "single leading / is relative to the settings file, not the root"
    if tool == "Bash" and (":*" in spec[:-2] or not spec.strip()):
        return "legacy :* only at the end"
    if tool == "WebFetch" and not spec.startswith("domain:"):
        return "WebFetch takes domain:host"
    return None


def pattern_matches(spec: str, path: str, home: str) -> bool:
    """gitignore-style match of a Read/Edit specifier against an absolute path."""
    if spec.startswith("//"):
        pattern = spec[1:]
    elif spec.startswith("~/"):
        pattern = home + spec[1:]
    else:
        return False  # relative patterns are checked separately
    regex = re.escape(pattern).replace(r"\*\*", "\0").replace(r"\*", "[^/]*").replace("\0", ".*")
    return re.fullmatch(regex, path) is not None


def test_every_generated_rule_follows_the_documented_grammar() -> None:
    settings = ClaudeSettings()
    rules = settings.local_settings()["permissions"]["deny"]
    managed = settings.managed_settings()["permissions"]["deny"]
    assert rules
    assert [r for r in rules + managed if grammar_problem(r)] == []


@pytest.mark.parametrize(
    "bad",
    ["Write(//etc/**)", "Read(/etc/shadow)", "Bash(sudo:* -i)", "Read(~/.ssh/**", "read(x)",
     "Edit(C:\\Windows\\**)"],
)
def test_the_checker_catches_rules_that_never_match(bad: str) -> None:
    assert grammar_problem(bad) is not None


@pytest.mark.parametrize(
    "secret",
    ["/etc/shadow", "/etc/sudoers", "/root/.bash_history", "/proc/1/environ",
     "{home}/.ssh/id_ed25519", "{home}/.aws/credentials", "{home}/.netrc",
     "{home}/.local/share/jupyter/runtime/jpserver-1.json"],
)
def test_deny_rules_cover_the_secrets_they_name(secret: str) -> None:
    home = "/home/alice"
    path = secret.format(home=home)
    reads = [r[5:-1] for r in ClaudeSettings().all_deny_rules() if r.startswith("Read(")]
    assert any(pattern_matches(spec, path, home) for spec in reads)


def test_dangerous_commands_are_denied() -> None:
    deny = ClaudeSettings().all_deny_rules()
    assert "Bash(sudo *)" in deny
    assert "Bash(su *)" in deny
    assert "Edit(./.claude/**)" in deny  # Claude cannot loosen its own settings


def test_configured_rules_are_validated() -> None:
    with pytest.raises(TraitError, match="Write"):
        ClaudeSettings(extra_deny_rules=["Write(//etc/**)"])
    with pytest.raises(TraitError, match="//"):
        ClaudeSettings(extra_deny_rules=["Read(/etc/passwd)"])
    ok = ClaudeSettings(extra_deny_rules=["Read(//srv/secrets/**)"])
    assert "Read(//srv/secrets/**)" in ok.all_deny_rules()


def test_sandbox_follows_bubblewrap_and_socat(monkeypatch: pytest.MonkeyPatch) -> None:
    import orpheus.sessions.claude_config as cc

    monkeypatch.setattr(cc.shutil, "which", lambda name: f"/usr/bin/{name}" if name in ("bwrap", "socat") else None)
    assert ClaudeSettings().local_settings()["sandbox"]["enabled"] is True
    # Claude Code turns its sandbox off by itself without socat: the settings must not claim one.
    monkeypatch.setattr(cc.shutil, "which", lambda name: "/usr/bin/bwrap" if name == "bwrap" else None)
    assert "sandbox" not in ClaudeSettings().local_settings()
    monkeypatch.setattr(cc.shutil, "which", lambda name: None)
    assert "sandbox" not in ClaudeSettings().local_settings()
    assert ClaudeSettings(sandbox="on").local_settings()["sandbox"]["enabled"] is True


def test_managed_settings_file_is_generated_from_config(tmp_path: Path) -> None:
    target = tmp_path / "etc" / "claude-code" / "managed-settings.json"
    settings = ClaudeSettings(managed_settings_path=str(target), extra_deny_rules=["Bash(nc *)"])
    settings.write_managed_settings()
    written = json.loads(target.read_text())
    assert written["permissions"]["disableBypassPermissionsMode"] == "disable"
    assert "Bash(nc *)" in written["permissions"]["deny"]
    assert written["env"]["DISABLE_AUTOUPDATER"] == "1"


def test_trust_merge_keeps_user_keys_and_skips_unreadable_files(tmp_path: Path) -> None:
    workdir = tmp_path / "projects" / "p" / "sessions" / "abc"
    other = {"hasTrustDialogAccepted": False, "allowedTools": ["Bash(ls)"]}
    (tmp_path / ".claude.json").write_text(json.dumps(
        {"theme": "light", "hasCompletedOnboarding": True, "oauthAccount": {"x": 1},
         "projects": {"/elsewhere": other, str(workdir): {"allowedTools": ["Read"]}}}
    ))
    ClaudeSettings().trust_folder(tmp_path, workdir)
    merged = json.loads((tmp_path / ".claude.json").read_text())
    assert merged["theme"] == "light"
    assert merged["oauthAccount"] == {"x": 1}
    assert merged["projects"]["/elsewhere"] == other
    assert merged["projects"][str(workdir)] == {
        "allowedTools": ["Read"], "hasTrustDialogAccepted": True,
        "hasCompletedProjectOnboarding": True,
    }
    (tmp_path / ".claude.json").write_text("{not json")
    ClaudeSettings().trust_folder(tmp_path, workdir)
    assert (tmp_path / ".claude.json").read_text() == "{not json"
