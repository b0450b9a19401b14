"""User HTML (a notebook's nbconvert page, a dashboard's static export) made to run under
the sandbox CSP, at serve time.

The document runs in an opaque-origin sandbox. Its own inline scripts are allowed
by their SHA-256 hashes (computed here, per response), and the only script URL
allowed is our static folder: a script in the document cannot load anything
from elsewhere (a nonce would be readable by every script it is given to, and
would let them load scripts from anywhere). Scripts and stylesheets from a CDN
are never loaded: require.js and plotly.js come from our static folder instead;
anything else remote (MathJax, for one) is left out, so no request leaves and no
CSP violation fires.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

_REMOTE_SCRIPT = re.compile(
    r"<script\b[^>]*?\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script\s*>", re.IGNORECASE)
_REMOTE_LINK = re.compile(r"<link\b[^>]*?\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.IGNORECASE)
_INLINE = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_SRC = re.compile(r"\bsrc\s*=", re.IGNORECASE)
#: Remote scripts replaced by the copy in our static folder (file name there).
LOCAL_COPIES = (("require", "require.min.js"), ("plotly", "plotly.min.js"))
#: Most distinct inline scripts allowed: the CSP header must stay well under the proxy's
#: 16 KB header limit (about 55 bytes per hash).
MAX_HASHES = 150


def _local(tag: str, static: str) -> str:
    """The local stand-in for a remote script tag, or nothing."""
    lowered = tag.lower()
    for marker, name in LOCAL_COPIES:
        if marker in lowered:
            return f'<script src="{static}{name}"></script>'
    return ""


def localized(html: str, static: str) -> str:
    """``html`` with remote scripts replaced by our copies (or dropped) and remote stylesheets dropped."""
    html = _REMOTE_SCRIPT.sub(lambda m: _local(m.group(0), static), html)
    return _REMOTE_LINK.sub("", html)


def inline_hashes(html: str) -> list[str]:
    """CSP hash sources of the document's inline scripts (distinct, in order, at most MAX_HASHES)."""
    found: dict[str, None] = {}
    for match in _INLINE.finditer(html):
        if _SRC.search(match.group("attrs")):
            continue
        digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
        found[f"'sha256-{base64.b64encode(digest).decode()}'"] = None
        if len(found) >= MAX_HASHES:
            break
    return list(found)


def sandboxed(html: str, static: str) -> tuple[str, list[str]]:
    """The page to send and the hash sources its scripts need."""
    page = localized(html, static)
    return page, inline_hashes(page)


def script_json(value: Any) -> str:
    """JSON safe to place inside ``<script type="application/json">``."""
    text = json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
