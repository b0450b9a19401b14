"""YAML front matter: ``---`` / YAML mapping / ``---`` then a Markdown body."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

FENCE = "---"


class FrontMatterError(ValueError):
    """The file starts with a front matter fence but its YAML is unusable."""


def _plain(value: Any) -> Any:
    # YAML turns unquoted timestamps into datetimes; the API speaks strings.
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def split(text: str) -> tuple[dict[str, Any], str]:
    """``(metadata, body)``; a file without front matter is all body."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        return {}, text
    ends = [n for n, line in enumerate(lines) if n > 0 and line.rstrip() in (FENCE, "...")]
    if not ends:
        raise FrontMatterError("front matter has no closing '---' line")
    i = ends[0]
    try:
        meta = yaml.safe_load("\n".join(lines[1:i])) or {}
    except yaml.YAMLError as e:
        raise FrontMatterError(f"front matter is not valid YAML: {e}") from None
    if not isinstance(meta, dict):
        raise FrontMatterError("front matter is not a YAML mapping")
    body = "\n".join(lines[i + 1 :])
    return {str(k): _plain(v) for k, v in meta.items()}, body


def join(meta: dict[str, Any], body: str) -> str:
    """The file text for ``meta`` and ``body``."""
    dumped = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return f"{FENCE}\n{dumped}{FENCE}\n{body}"
