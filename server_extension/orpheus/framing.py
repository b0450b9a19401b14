"""Voila pages may be framed by the server's own origin, so a dashboard opens in a
JupyterLab panel; every other response keeps the policy it was given.

Under the hub, ``jupyterhub-singleuser`` sends ``Content-Security-Policy:
frame-ancestors 'none'`` on every page (no component may be framed). For the pages under
``<base_url>voila/render/`` only, this output transform rewrites the policy's
``frame-ancestors`` directive to ``'self'``; the rest of the policy is kept as it is.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.utils import url_path_join
from tornado import httputil
from tornado.web import OutputTransform

CSP = "Content-Security-Policy"


def allow_self(policy: str) -> str:
    """``policy`` with its ``frame-ancestors`` directive (if any) set to ``'self'``."""
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    out = ["frame-ancestors 'self'" if d.split()[0].lower() == "frame-ancestors" else d for d in directives]
    return "; ".join(out)


class VoilaFraming(OutputTransform):
    """Relax ``frame-ancestors`` to ``'self'`` on the Voila pages of one server."""

    #: the path prefix of the pages that may be framed (set by :func:`install`)
    prefix = "/voila/render/"

    def __init__(self, request: httputil.HTTPServerRequest) -> None:
        super().__init__(request)
        self.applies = request.path.startswith(self.prefix)

    def transform_first_chunk(
        self, status_code: int, headers: httputil.HTTPHeaders, chunk: bytes, finishing: bool
    ) -> tuple[int, httputil.HTTPHeaders, bytes]:
        """Rewrite the policy header of a Voila page."""
        policy = headers.get(CSP)
        if self.applies and policy:
            headers[CSP] = allow_self(policy)
        return status_code, headers, chunk


def install(web_app: Any, base_url: str) -> None:
    """Add the transform for ``<base_url>voila/render/`` to the server's application."""
    prefix = url_path_join(base_url, "voila", "render").rstrip("/") + "/"
    transform = type("VoilaFraming", (VoilaFraming,), {"prefix": prefix})
    web_app.add_transform(transform)
