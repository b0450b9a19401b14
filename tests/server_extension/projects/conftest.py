"""Fixtures for projects, notes, data import and the Orpheus contents manager."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from tornado.httpclient import HTTPResponse

Fetch = Callable[..., Awaitable[HTTPResponse]]


@pytest.fixture
def jp_server_config() -> dict[str, object]:
    """The orpheus extension plus the Orpheus contents manager, as shipped."""
    return {
        "ServerApp": {
            "jpserver_extensions": {"orpheus": True},
            "contents_manager_class": "orpheus.contents.OrpheusContentsManager",
        }
    }


@pytest.fixture
def api(jp_fetch: Fetch) -> Callable[..., Awaitable[tuple[int, Any, HTTPResponse]]]:
    """``await api(method, *path, body=..., headers=...)`` → (status, JSON or None, response).

    Errors are returned, not raised, so tests can check the status and message.
    """

    async def call(method: str, *parts: str, body: Any = None, **kw: Any) -> tuple[int, Any, HTTPResponse]:
        if body is not None:
            kw["body"] = body if isinstance(body, (str, bytes)) else json.dumps(body)
        elif method in ("POST", "PUT", "PATCH"):
            kw["body"] = "{}"
        if method == "DELETE":
            kw["allow_nonstandard_methods"] = True
        r = await jp_fetch(*parts, method=method, raise_error=False, **kw)
        data = json.loads(r.body) if r.body else None
        return r.code, data, r

    return call


@pytest.fixture
def raw_api(
    http_server_client: Any, jp_base_url: str, jp_auth_header: dict[str, str]
) -> Callable[..., Awaitable[tuple[int, Any]]]:
    """Fetch an already-escaped URL path (for names holding ``%2F``, ``%00``, ``..``)."""

    async def call(method: str, escaped_path: str, body: Any = None) -> tuple[int, Any]:
        kw: dict[str, Any] = {"method": method, "headers": dict(jp_auth_header), "raise_error": False}
        if body is not None or method in ("POST", "PUT", "PATCH"):
            kw["body"] = json.dumps(body or {})
        if method == "DELETE":
            kw["allow_nonstandard_methods"] = True
        r = await http_server_client.fetch(jp_base_url + escaped_path, **kw)
        return r.code, json.loads(r.body) if r.body else None

    return call
