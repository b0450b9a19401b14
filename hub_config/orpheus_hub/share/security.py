"""Response headers for the share service: user content is hostile.

Every public answer carries ``X-Content-Type-Options: nosniff``, a
``Referrer-Policy`` that keeps the token out of other sites' logs, and one of
the Content-Security-Policies below:

- ``page_csp``: our own pages (session, file, notebook/dashboard frames). No
  script runs but ours, each tag carrying the per-response nonce; the
  asciinema player's terminal emulator is WebAssembly, hence
  ``'wasm-unsafe-eval'`` (compiling wasm only, never JavaScript ``eval``).
- ``sandbox_csp``: rendered user HTML (nbconvert output, dashboard charts), its
  inline scripts allowed by hash and script URLs only from our static folder
  (``render.sandboxed``).
  ``sandbox allow-scripts`` *without* ``allow-same-origin`` puts the document
  in an opaque origin, so even a ``<script>`` inside a notebook output cannot
  read the hub's cookies, storage or APIs; ``connect-src 'none'`` stops it
  phoning home.
- ``raw_csp``: downloads and inline images: sandboxed, nothing may run (an
  SVG opened directly stays inert).
"""

from __future__ import annotations

import secrets

from tornado.web import RequestHandler

NOSNIFF = ("X-Content-Type-Options", "nosniff")
NONE = "'none'"


def new_nonce() -> str:
    """A fresh CSP nonce for one response."""
    return secrets.token_urlsafe(18)


def page_csp(nonce: str) -> str:
    """CSP of our own HTML pages."""
    return (
        "default-src 'none'; "
        f"script-src 'nonce-{nonce}' 'wasm-unsafe-eval'; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; media-src 'self'; "
        "connect-src 'self'; worker-src 'self' blob:; frame-src 'self'; "
        "frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
    )


def sandbox_csp(scripts: str) -> str:
    """CSP of rendered user HTML: an opaque-origin sandbox that cannot talk to anyone.

    ``scripts`` is the script-src list: hashes of the document's own inline
    scripts and our static folder (``render.sandboxed``), or a nonce for pages
    whose scripts are all ours.
    """
    return (
        "sandbox allow-scripts; "
        "default-src 'none'; "
        f"script-src {scripts or NONE}; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
        "connect-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
    )


def raw_csp() -> str:
    """CSP of raw bytes (downloads, images): nothing runs, nothing loads."""
    return "sandbox; default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"


def api_csp() -> str:
    """CSP of JSON answers and error pages without scripts."""
    return "default-src 'none'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"


def apply_common(handler: RequestHandler, csp: str) -> None:
    """Headers every answer of the service carries."""
    handler.set_header(*NOSNIFF)
    handler.set_header("Content-Security-Policy", csp)
    handler.set_header("Referrer-Policy", "no-referrer")
    handler.set_header("X-Frame-Options", "SAMEORIGIN")
    handler.set_header("Cross-Origin-Opener-Policy", "same-origin")


def attachment(handler: RequestHandler, filename: str) -> None:
    """``Content-Disposition: attachment`` with a safe ASCII name and the UTF-8 one."""
    from urllib.parse import quote

    ascii_name = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_"
                         for ch in filename) or "download"
    handler.set_header(
        "Content-Disposition",
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}",
    )
