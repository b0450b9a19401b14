"""The hub side's error answers come from one helper, ``orpheus_hub.errors`` (issue 16, item 3).

The share service's JSON API and public HTML pages and the LLM gateway each wrote
their own ``write_error``; now one ``write_error`` decides the message (the
HTTPError's own text as raised, a fixed sentence for anything else: never a
traceback or an internal path) and each base only says how its answer looks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPResponse
from tornado.httpserver import HTTPServer

from orpheus_hub.llm.handlers.base import GatewayHandler
from orpheus_hub.share.app import ShareService
from orpheus_hub.share.base import ShareHandler
from orpheus_hub.share.views import PublicHandler
from tests.harness.ports import free_port

SECRET_PATH = "/srv/orpheus/internal/state.db"


def _raiser(base: type[web.RequestHandler]) -> type[web.RequestHandler]:
    class Raiser(base):  # type: ignore[valid-type,misc]
        def get(self, kind: str) -> None:
            if kind == "percent":
                raise web.HTTPError(400, "a 100% literal message")
            if kind == "args":
                raise web.HTTPError(404, "no %s here", "file")
            if kind == "reason":
                raise web.HTTPError(403, "refused", reason="Not Yours")
            if kind == "limited":
                self.retry_after = 7
                raise web.HTTPError(429, "slow down")
            raise RuntimeError(f"boom at {SECRET_PATH}")
    return Raiser


@pytest.fixture
def base_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A tornado app with one raising handler per hub-side base class (served by :func:`_get`)."""
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/services/share/")
    share = ShareService()
    share.initialize([f"--ShareService.data_dir={tmp_path}"])
    _APPS.append(web.Application(
        [(r"/share/(\w+)", _raiser(ShareHandler)), (r"/page/(\w+)", _raiser(PublicHandler)),
         (r"/gateway/(\w+)", _raiser(GatewayHandler))],
        share_service=share,
    ))
    yield "http://127.0.0.1"
    _APPS.clear()


_APPS: list[web.Application] = []


async def _get(base_url: str, path: str) -> HTTPResponse:
    """GET ``path`` from the fixture's app, served for this one request."""
    server = HTTPServer(_APPS[-1])
    port = free_port()
    server.listen(port, "127.0.0.1")
    try:
        return await AsyncHTTPClient().fetch(f"{base_url}:{port}{path}", raise_error=False)
    finally:
        server.stop()


@pytest.mark.parametrize("kind", ["share", "gateway"])
async def test_json_errors_carry_the_message_as_raised(base_url: str, kind: str) -> None:
    cases = {"percent": (400, "a 100% literal message", "Bad Request"),
             "args": (404, "no file here", "Not Found"),
             "reason": (403, "refused", "Not Yours")}
    for what, (code, message, reason) in cases.items():
        r = await _get(base_url, f"/{kind}/{what}")
        assert r.code == code, (what, r.body)
        assert r.headers["Content-Type"] == "application/json"
        assert json.loads(r.body) == {"message": message, "reason": reason}


@pytest.mark.parametrize(("kind", "sentence"), [
    ("share", "internal error; the service log has the details"),
    ("gateway", "Internal error in the LLM gateway; its log has the details.")])
async def test_an_unexpected_error_says_nothing_internal(base_url: str, kind: str, sentence: str) -> None:
    r = await _get(base_url, f"/{kind}/crash")
    assert r.code == 500
    assert json.loads(r.body) == {"message": sentence, "reason": "Internal Server Error"}
    assert SECRET_PATH.encode() not in r.body
    assert b"Traceback" not in r.body


async def test_share_api_errors_keep_the_share_headers(base_url: str) -> None:
    r = await _get(base_url, "/share/percent")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]


async def test_gateway_rate_limit_keeps_retry_after(base_url: str) -> None:
    r = await _get(base_url, "/gateway/limited")
    assert r.code == 429
    assert r.headers["Retry-After"] == "7"
    assert json.loads(r.body)["message"] == "slow down"


async def test_public_pages_answer_errors_as_html(base_url: str) -> None:
    r = await _get(base_url, "/page/percent")
    assert r.code == 400
    assert r.headers["Content-Type"].startswith("text/html")
    body: Any = r.body.decode()
    assert "a 100% literal message" in body
    assert "100%%" not in body
    r = await _get(base_url, "/page/crash")
    assert r.code == 500
    assert "internal error; the service log has the details" in r.body.decode()
    assert SECRET_PATH not in r.body.decode()
