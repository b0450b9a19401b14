"""Every method of every Orpheus route asks the server's Authorizer, naming its feature.

An Authorizer that refuses everything gets a 403 from each route and method the
running extension registered (enumerated, not listed by hand), and it was asked
about that route's own ``orpheus.<feature>`` resource, so no method can skip
``@authorized`` unnoticed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from jupyter_server.auth.authorizer import Authorizer

from .routes import orpheus_routes, own_methods, valid_path


class DenyAll(Authorizer):  # type: ignore[misc]
    """Refuses every action; remembers the last question."""

    last: tuple[str, str] | None = None

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        """Never."""
        DenyAll.last = (action, resource)
        return False


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    """orpheus with the refusing authorizer."""
    return {"ServerApp": {"jpserver_extensions": {"orpheus": True}, "authorizer_class": DenyAll}}


async def test_every_method_of_every_route_is_authorized(jp_fetch: Any, jp_serverapp: Any) -> None:
    checked = 0
    for pattern, handler in orpheus_routes(jp_serverapp):
        path = valid_path(pattern).lstrip("/")
        for method in own_methods(handler):
            DenyAll.last = None
            body = None if method in ("GET", "HEAD", "DELETE") else b"{}"
            r = await jp_fetch(*path.split("/"), method=method, body=body, raise_error=False,
                               allow_nonstandard_methods=True)
            where = f"{method} {path} ({handler.__name__})"
            assert r.code == 403, f"{where} answered {r.code}"
            assert DenyAll.last is not None, f"{where} never asked the authorizer"
            assert DenyAll.last[1] == handler.auth_resource, where
            if method != "HEAD":
                message = json.loads(r.body)["message"]
                assert message.startswith("User is not authorized to"), where
            checked += 1
    assert checked >= 40
