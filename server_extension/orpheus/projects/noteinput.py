"""Validation of note ids, fields and revisions (400 with the reason for anything wrong)."""

from __future__ import annotations

from typing import Any

from tornado import web

from .. import ids

MAX_NOTE_ID = 128
MAX_TITLE = 200
MAX_TAG = 64
_FIELDS = {"title", "body", "tags"}


def _has_control(text: str, allow_newlines: bool = False) -> bool:
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    return any((ord(ch) < 32 or ord(ch) == 127) and ch not in allowed for ch in text)


def check_note_id(raw: object) -> str:
    """An existing note's id is its file name without ``.md`` (:data:`orpheus.ids.NOTE_ID`).

    Looser than :func:`orpheus.names.sanitize_name` so notes a user made in
    JupyterLab (``My Note.md``) are reachable; still no separators, dots first,
    control characters or over-long names.
    """
    return ids.check("note_id", raw)


def _check_title(title: object) -> str:
    if not isinstance(title, str):
        raise web.HTTPError(400, "title must be a string")
    title = title.strip()
    if len(title) > MAX_TITLE:
        raise web.HTTPError(400, f"title is longer than {MAX_TITLE} characters")
    if _has_control(title):
        raise web.HTTPError(400, "title must be one line without control characters")
    return title


def _check_tags(tags: object, max_tags: int) -> list[str]:
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise web.HTTPError(400, "tags must be a list of strings")
    clean: list[str] = []
    for tag in (t.strip() for t in tags):
        if not tag or len(tag) > MAX_TAG or _has_control(tag):
            raise web.HTTPError(400, f"each tag must be 1 to {MAX_TAG} printable characters")
        if tag not in clean:
            clean.append(tag)
    if len(clean) > max_tags:
        raise web.HTTPError(400, f"a note may carry at most {max_tags} tags")
    return clean


def check_fields(body: dict[str, Any], max_tags: int, creating: bool) -> dict[str, Any]:
    """The validated subset of a POST/PUT body; unknown fields are a 400."""
    known = _FIELDS | ({"id"} if creating else {"updated_at"})
    unknown = sorted(set(body) - known)
    if unknown:
        raise web.HTTPError(400, f"unknown field(s): {', '.join(unknown)}; allowed: {', '.join(sorted(known))}")
    fields: dict[str, Any] = {}
    if "id" in body:
        fields["id"] = body["id"]  # sanitized by the manager, which knows the folder
    if "title" in body:
        fields["title"] = _check_title(body["title"])
    if "body" in body:
        if not isinstance(body["body"], str):
            raise web.HTTPError(400, "body must be a string of Markdown")
        if "\x00" in body["body"]:
            raise web.HTTPError(400, "body contains a NUL character")
        fields["body"] = body["body"]
    if "tags" in body:
        fields["tags"] = _check_tags(body["tags"], max_tags)
    if "updated_at" in body:
        if not isinstance(body["updated_at"], str):
            raise web.HTTPError(400, "updated_at must be the string the note was loaded with")
        fields["updated_at"] = body["updated_at"]
    return fields


def revision_matches(if_match: str, current: str) -> bool:
    """RFC 9110 ``If-Match``: ``*`` or a list of (possibly weak, quoted) entity tags."""
    for tag in if_match.split(","):
        tag = tag.strip()
        if tag == "*":
            return True
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag.strip('"') == current:
            return True
    return False
