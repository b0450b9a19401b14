"""Every route of the orpheus extension refuses a caller without credentials.

The routes are enumerated from the running extension, not listed by hand, so a
new handler is covered the moment it is registered.
"""

from __future__ import annotations

import importlib
from typing import Any

from orpheus.app import HANDLER_MODULES
from orpheus.handlers import resources

from .routes import orpheus_routes, own_methods, sample_path


async def test_every_orpheus_route_refuses_anonymous_callers(
    jp_fetch: Any, jp_serverapp: Any
) -> None:
    routes = orpheus_routes(jp_serverapp)
    # The enumeration must see every route of every registered handler module.
    expected = sum(len(importlib.import_module(m).default_handlers) for m in HANDLER_MODULES)
    assert len(routes) == expected
    checked = 0
    for pattern, handler in routes:
        path = sample_path(pattern).lstrip("/")
        for method in own_methods(handler):
            body = None if method in ("GET", "HEAD", "DELETE") else b"{}"
            r = await jp_fetch(
                *path.split("/"),
                method=method,
                body=body,
                headers={"Authorization": ""},
                follow_redirects=False,
                allow_nonstandard_methods=True,
                raise_error=False,
            )
            assert r.code in (401, 403), f"{method} {path} answered {r.code} without credentials"
            assert b"Traceback" not in (r.body or b"")
            checked += 1
    assert checked >= len(routes)


async def test_every_orpheus_handler_names_its_feature_resource(jp_serverapp: Any) -> None:
    """A handler that forgets ``auth_resource`` inherits plain ``orpheus`` and fails here."""
    routes = orpheus_routes(jp_serverapp)
    assert routes
    for pattern, handler in routes:
        assert handler.auth_resource in resources.RESOURCES, (
            f"{handler.__name__} ({pattern}) authorizes on {handler.auth_resource!r}, "
            f"not one of {resources.RESOURCES}"
        )
    assert all(r.startswith("orpheus.") for r in resources.RESOURCES)
