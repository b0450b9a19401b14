"""The one function that turns user-given names into folder names."""

from __future__ import annotations

import re
import unicodedata

from tornado import web

MAX_NAME_LENGTH = 64
_UNSAFE = re.compile(r"[^a-z0-9]+")


def slugify(raw: str, max_length: int = MAX_NAME_LENGTH) -> str:
    """Lower-case ASCII letters, digits and single hyphens; '' when nothing is left."""
    text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii")
    slug = _UNSAFE.sub("-", text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def sanitize_name(raw: object, what: str = "name", max_length: int = MAX_NAME_LENGTH) -> str:
    """Validate a name for a folder: 400 with the reason for anything unusable.

    Refused rather than rewritten: separators, ``..``, leading dots, NUL and control
    characters, and over-long names, so a bad name can never land on another folder.
    Accepted names are lower-cased and spaces/underscores become hyphens.
    """
    if not isinstance(raw, str):
        raise web.HTTPError(400, f"{what} must be a string")
    if not raw.strip():
        raise web.HTTPError(400, f"{what} is empty")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        raise web.HTTPError(400, f"{what} contains control characters")
    if "/" in raw or "\\" in raw:
        raise web.HTTPError(400, f"{what} must not contain path separators")
    if raw.strip().startswith("."):
        raise web.HTTPError(400, f"{what} must not start with a dot")
    if len(raw) > max_length:
        raise web.HTTPError(400, f"{what} is longer than {max_length} characters")
    slug = slugify(raw, max_length)
    if not slug:
        raise web.HTTPError(400, f"{what} has no letters or digits to make a folder name from")
    return slug
