"""User HTML (a notebook's nbconvert page, a dashboard's static export) made to run under
the sandbox CSP, at serve time.

The sandbox CSP allows scripts by per-response nonce only (a nonce makes browsers
ignore ``'unsafe-inline'``, so un-nonced inline scripts would all be blocked, and
with them every chart). The document already runs in an opaque-origin sandbox
that cannot reach the hub or the network, so each of its own scripts gets the
nonce. Scripts and stylesheets from a CDN are never loaded: require.js and
plotly.js are served from our static folder instead; anything else remote
(MathJax, for one) is left out, so no request leaves and no CSP violation fires.
"""

from __future__ import annotations

import json
import re
from typing import Any

_SCRIPT_OPEN = re.compile(r"<script\b", re.IGNORECASE)
_REMOTE_SCRIPT = re.compile(
    r"<script\b[^>]*?\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script\s*>", re.IGNORECASE)
_REMOTE_LINK = re.compile(r"<link\b[^>]*?\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.IGNORECASE)
#: Remote scripts replaced by the copy in our static folder (file name there).
LOCAL_COPIES = (("require", "require.min.js"), ("plotly", "plotly.min.js"))


def _local(tag: str, static: str) -> str:
    """The local stand-in for a remote script tag, or nothing."""
    lowered = tag.lower()
    for marker, name in LOCAL_COPIES:
        if marker in lowered:
            return f'<script src="{static}{name}"></script>'
    return ""


def sandboxed(html: str, nonce: str, static: str) -> str:
    """``html`` with remote scripts and stylesheets replaced or dropped, every script nonced."""
    html = _REMOTE_SCRIPT.sub(lambda m: _local(m.group(0), static), html)
    html = _REMOTE_LINK.sub("", html)
    return _SCRIPT_OPEN.sub(f'<script nonce="{nonce}"', html)


def script_json(value: Any) -> str:
    """JSON safe to place inside ``<script type="application/json">``."""
    text = json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
