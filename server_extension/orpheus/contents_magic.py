"""The magic-bytes side of the Orpheus contents manager: the first bytes a save or a
rename would leave under a name, and the 415 when they do not fit it
(:func:`orpheus.filetypes.content_problem`)."""

from __future__ import annotations

import base64
import binascii
import json
import os
from typing import Any

from tornado import web

from .filetypes import content_problem


def check_content(name: str, head: bytes, outcome: str) -> None:
    """415 when ``head`` does not fit ``name`` (an empty file has nothing to check)."""
    problem = content_problem(name, head)
    if problem:
        raise web.HTTPError(415, f"{name} {problem}; {outcome}")


def file_head(os_path: str, n: int) -> bytes:
    """The first ``n`` bytes of a regular file (empty for folders and others)."""
    if not os.path.isfile(os_path):
        return b""
    with open(os_path, "rb") as f:
        return f.read(n)


def content_head(content: str, fmt: object, n: int) -> bytes:
    """The first ``n`` bytes of a model's content, decoded the way the save will."""
    if fmt == "base64":
        # 4 base64 characters carry 3 bytes; decode only the head.
        prefix = "".join(content[: (n // 3 + 1) * 4 + 64].split())
        prefix = prefix[: len(prefix) - len(prefix) % 4]
        try:
            return base64.b64decode(prefix.encode("ascii"), validate=True)[:n]
        except (binascii.Error, ValueError, UnicodeEncodeError):
            raise web.HTTPError(400, "file content is not valid base64") from None
    return content[:n].encode("utf-8", errors="replace")


def saved_head(model: dict[str, Any], os_path: str, n: int) -> bytes:
    """The first ``n`` bytes a save of ``model`` to ``os_path`` would write (empty: nothing
    to check)."""
    content = model.get("content")
    if model.get("type") == "notebook" and content is not None:
        # The stock save writes the notebook as JSON text; its first bytes are these.
        return json.dumps(content)[:n].encode("utf-8", "replace")
    if model.get("type") != "file" or not isinstance(content, str):
        return b""
    if model.get("chunk") not in (None, 1):
        # A later chunk appends; only check it if it is in fact the file's start.
        if os.path.exists(os_path) and os.path.getsize(os_path) > 0:
            return b""
    return content_head(content, model.get("format"), n)
