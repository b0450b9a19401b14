"""The Orpheus routes as the running extension registered them, and a request for each."""

from __future__ import annotations

import re
from typing import Any

from tornado.web import RequestHandler

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
_GROUP = re.compile(r"\(\?P<\w+>[^()]*\)|\([^()]*\)")


def sample_path(pattern: str) -> str:
    """A concrete path matching ``pattern`` (each group filled with 'probe')."""
    path = _GROUP.sub("probe", pattern).rstrip("$").removesuffix("/?").replace("\\", "")
    assert re.fullmatch(pattern, path), f"cannot build a sample path for {pattern!r}"
    return path


# A value of each id's form (orpheus.ids), so a request reaches the handler's method.
VALID_IDS = {
    "session_id": "0123456789ab",
    "chat_id": "0123456789ab",
    "file": "probe-20260101T000000Z.mp4",
    "entry": "probe-20260101T000000000000Z",
}
_NAMED = re.compile(r"\(\?P<(\w+)>[^()]*\)")


def valid_path(pattern: str) -> str:
    """A concrete path matching ``pattern`` whose ids all have their kind's form."""
    path = _NAMED.sub(lambda m: VALID_IDS.get(m.group(1), "probe"), pattern)
    return sample_path(path)


def own_methods(handler: type[RequestHandler]) -> list[str]:
    """The HTTP methods the handler (or an Orpheus base) implements itself."""
    return [
        m for m in METHODS if getattr(handler, m.lower()) is not getattr(RequestHandler, m.lower())
    ]


def orpheus_routes(app: Any) -> list[tuple[str, type[RequestHandler]]]:
    """``(pattern, handler class)`` of every route the orpheus extension registered."""
    ext = app.extension_manager.extension_apps["orpheus"]
    (orpheus,) = ext
    return [(pattern, handler) for pattern, handler, *_ in orpheus.handlers]
