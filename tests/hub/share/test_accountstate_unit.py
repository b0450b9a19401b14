"""The account-state client against a small in-process stand-in of the hub endpoint."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from tornado import web
from tornado.httpserver import HTTPServer

from orpheus_hub.share.accountstate import AccountStates, AccountStateUnavailable
from tests.harness.ports import free_port

TOKEN = "service-token"


class FakeHub:
    def __init__(self) -> None:
        self.states = {"ann": "approved", "rex": "revoked"}
        self.calls = 0
        self.down = False


class StateHandler(web.RequestHandler):
    def initialize(self, hub: FakeHub) -> None:
        self.hub = hub

    def get(self, name: str) -> None:
        self.hub.calls += 1
        if self.hub.down:
            raise web.HTTPError(502)
        if self.request.headers.get("Authorization") != f"token {TOKEN}":
            raise web.HTTPError(403)
        if name not in self.hub.states:
            self.set_status(404)
            self.finish(json.dumps({"status": 404, "message": f"No account named {name!r}."}))
            return
        self.finish(json.dumps({"name": name, "state": self.hub.states[name], "admin": False}))


class MissingRoute(web.RequestHandler):
    def get(self, name: str) -> None:  # what JupyterHub answers for an unknown API path
        self.set_status(404)
        self.finish(json.dumps({"status": 404, "message": "Not Found"}))


@pytest_asyncio.fixture
async def hub() -> AsyncIterator[tuple[FakeHub, str]]:
    fake = FakeHub()
    app = web.Application([(r"/hub/api/orpheus/accounts/([^/]+)", StateHandler, {"hub": fake}),
                           (r"/old/api/orpheus/accounts/([^/]+)", MissingRoute)])
    port = free_port()
    server = HTTPServer(app)
    server.listen(port, "127.0.0.1")
    yield fake, f"http://127.0.0.1:{port}"
    server.stop()


@pytest.mark.asyncio
async def test_states_are_read_cached_and_unknown_names_are_deleted(hub: tuple[FakeHub, str]) -> None:
    fake, url = hub
    states = AccountStates(hub_api_url=url + "/hub/api", api_token=TOKEN, cache_seconds=60)
    assert (await states.get("ann")).active
    assert (await states.get("rex")).state == "revoked"
    assert (await states.get("ghost")).state == "deleted"
    calls = fake.calls
    await states.get("ann")
    assert fake.calls == calls  # cached
    fake.states["ann"] = "revoked"
    states.forget("ann")
    assert (await states.get("ann")).state == "revoked"


@pytest.mark.asyncio
async def test_without_an_answer_owner_calls_fail_and_views_use_the_last_state(hub: tuple[FakeHub, str]) -> None:
    fake, url = hub
    states = AccountStates(hub_api_url=url + "/hub/api", api_token=TOKEN, cache_seconds=0)
    assert (await states.get("ann")).active
    fake.down = True
    with pytest.raises(AccountStateUnavailable):
        await states.get("ann")
    assert (await states.get("ann", stale_ok=True)).active
    wrong = AccountStates(hub_api_url=url + "/hub/api", api_token="nope", cache_seconds=0)
    fake.down = False
    with pytest.raises(AccountStateUnavailable):
        await wrong.get("ann")


@pytest.mark.asyncio
async def test_a_hub_without_the_endpoint_never_reads_as_deleted(hub: tuple[FakeHub, str]) -> None:
    _, url = hub
    states = AccountStates(hub_api_url=url + "/old/api", api_token=TOKEN)
    with pytest.raises(AccountStateUnavailable):
        await states.get("ann")
