"""The form of every id an Orpheus API path carries: one strict pattern per kind.

Handlers check their path arguments against this table before anything else
(``OrpheusHandler.prepare``), so a malformed id is a 400 with the reason and is
never used to build a path. A dot segment (``.``, ``..``, ``%2e%2e``) fits no
form. The modules that store these things import their patterns from here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tornado import web

from .names import sanitize_name

SESSION_ID = re.compile(r"^[a-f0-9]{12}$")
CHAT_ID = re.compile(r"^[a-f0-9]{12}$")
DASHBOARD_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
RENDER_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}-\d{8}T\d{6}Z(-\d+)?\.mp4$")
TRASH_ENTRY = re.compile(r"^(?P<name>[a-z0-9][a-z0-9-]*)-(?P<stamp>\d{8}T\d{12}Z)(?:-\d+)?$")
# A note's id is its file name without ``.md``; notes made in JupyterLab ("My Ideas.md",
# "What next?.md") count, so letters of any script, digits, spaces and common marks,
# starting with a letter or digit (never a dot), no separators or control characters.
NOTE_PUNCTUATION = " .,;:()[]{}+&'@!?#$%=~^-"
NOTE_ID = re.compile(rf"^[^\W_][\w{re.escape(NOTE_PUNCTUATION)}]{{0,127}}$")


@dataclass(frozen=True)
class IdKind:
    """One kind of id: how to call it, its pattern and its form in words."""

    label: str
    pattern: re.Pattern[str]
    form: str


KINDS: Mapping[str, IdKind] = {
    "note_id": IdKind("note id", NOTE_ID, "a note's file name without .md: letters, digits, "
                      f"spaces and {' '.join(NOTE_PUNCTUATION.strip())} _, starting with a "
                      "letter or digit, at most 128 characters"),
    "session_id": IdKind("session id", SESSION_ID, "12 hex digits"),
    "chat_id": IdKind("conversation id", CHAT_ID, "12 hex digits"),
    "dashboard_id": IdKind("dashboard id", DASHBOARD_ID,
                           "1-64 lower-case letters, digits, '-' or '_'"),
    "file": IdKind("render name", RENDER_NAME, "a render file name, <scene>-<timestamp>.mp4"),
    "entry": IdKind("trash entry", TRASH_ENTRY, "a trash entry, <project>-<timestamp>"),
}


def _fault(raw: str) -> str:
    """The plainest reason a value fits no id form (before the form itself)."""
    if raw in (".", ".."):
        return "a '.' or '..' path segment is never an id"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        return "it contains control characters"
    if "/" in raw or "\\" in raw:
        return "it must not contain path separators"
    if raw.startswith("."):
        return "it must not start with a dot"
    return ""


def check(kind: str, raw: object) -> str:
    """``raw`` if it has the form of ``kind``; otherwise a 400 naming the kind and the form."""
    spec = KINDS[kind]
    if isinstance(raw, str) and spec.pattern.fullmatch(raw):
        return raw
    text = raw if isinstance(raw, str) else ""
    fault = _fault(text)
    shown = repr(text[:80])
    detail = f"{fault}; " if fault else ""
    raise web.HTTPError(400, f"{spec.label} {shown} is not valid: {detail}it must be {spec.form}")


def _project(raw: object) -> str:
    sanitize_name(raw, "project name")
    return str(raw)


def _checker(kind: str) -> Callable[[object], str]:
    def run(raw: object) -> str:
        return check(kind, raw)

    return run


# Path argument name -> its check (handlers name their groups after the id kind).
CHECKS: Mapping[str, Callable[[object], str]] = {
    **{name: _checker(name) for name in KINDS},
    "name": _project,
    "project": _project,
}


def check_path_args(path_kwargs: Mapping[str, str]) -> None:
    """Check every named path argument whose name is a known id kind (400 on the first bad one)."""
    for name, value in path_kwargs.items():
        checker = CHECKS.get(name)
        if checker is not None:
            checker(value)
