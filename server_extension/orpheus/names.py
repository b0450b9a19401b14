"""User-given names: titles (any script, kept as typed) and the folder slugs made from them."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable

from tornado import web

MAX_NAME_LENGTH = 64
_UNSAFE = re.compile(r"[^a-z0-9]+")


def slugify(raw: str, max_length: int = MAX_NAME_LENGTH) -> str:
    """Lower-case ASCII letters, digits and single hyphens; '' when nothing is left."""
    text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii")
    slug = _UNSAFE.sub("-", text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def sanitize_name(raw: object, what: str = "name", max_length: int = MAX_NAME_LENGTH,
                  fallback: str | None = None) -> str:
    """Validate a name for a folder: 400 with the reason for anything unusable.

    Refused rather than rewritten: separators, ``..``, leading dots, NUL and control
    characters, and over-long names, so a bad name can never land on another folder.
    Accepted names are lower-cased and spaces/underscores become hyphens. A name with
    no ASCII letter or digit is refused, unless ``fallback`` names a kind: then it gets
    :func:`slug_for`'s stable ``<kind>-<hash>`` (for names typed as titles).
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
    if not slug and fallback:
        return slug_for(raw.strip(), fallback, max_length)
    if not slug:
        raise web.HTTPError(400, f"{what} has no letters or digits to make a folder name from")
    return slug


# ---- titles: the name the user typed, kept apart from the folder slug ----------------
MAX_TITLE = 100
_SUFFIX_ROOM = 6  # "-99999"
FALLBACK_KINDS = ("project", "session", "note")


def check_title(raw: object, what: str = "title") -> str:
    """A display title in any script: trimmed, NFC, 1-100 characters, no control characters.

    Emoji, CJK and accents are all welcome (joiners such as U+200D too); C0/C1 controls
    and line/paragraph separators are refused with a 400 naming the problem.
    """
    if not isinstance(raw, str):
        raise web.HTTPError(400, f"{what} must be a string")
    title = unicodedata.normalize("NFC", raw).strip()
    if not title:
        raise web.HTTPError(400, f"{what} is empty")
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in title):
        raise web.HTTPError(400, f"{what} contains control characters")
    if len(title) > MAX_TITLE:
        raise web.HTTPError(400, f"{what} is longer than {MAX_TITLE} characters ({len(title)})")
    return title


def slug_for(title: str, kind: str = "project", max_length: int = MAX_NAME_LENGTH) -> str:
    """The folder slug of a (checked) title, deterministic.

    ASCII-folded (``"Café Q3"`` → ``cafe-q3``, ``"🚀 launch"`` → ``launch``); a title with no
    ASCII letter or digit (``"数据分析"``, ``"🚀"``) gets ``<kind>-<8 hex of its SHA-256>``, so
    the same title always gives the same slug and no title is refused.
    """
    slug = slugify(title, max_length - _SUFFIX_ROOM)
    if slug:
        return slug
    digest = hashlib.sha256(title.encode("utf-8")).hexdigest()[:8]
    return f"{kind}-{digest}"


def unique_slug(base: str, taken: Callable[[str], bool], max_length: int = MAX_NAME_LENGTH) -> str:
    """``base``, or ``base-2``, ``base-3`` … : the first one ``taken`` says is free."""
    candidate, n = base, 1
    while taken(candidate):
        n += 1
        suffix = f"-{n}"
        candidate = f"{base[: max_length - len(suffix)].rstrip('-')}{suffix}"
    return candidate
