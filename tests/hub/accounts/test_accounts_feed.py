"""``GET /hub/api/orpheus/accounts`` (the enforcer service's feed) and the service itself:
every name's state, a wait that ends at the next account change, least privilege."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.harness.hub import Hub, running_hub
from tests.hub.accounts.helpers import CHEAP_HASHING, wait_until

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    # an hour between sweeps: only account changes wake the enforcer here
    extra = f"c.OrpheusAuthenticator.enforce_interval = 3600\n{CHEAP_HASHING}"
    yield from running_hub(Path(tmp_path_factory.mktemp("accounts-feed")), extra_config=extra)


def test_the_feed_lists_states_and_wakes_on_a_change(hub: Hub) -> None:
    hub.create_user("feedy")
    first = hub.api("GET", "/orpheus/accounts")
    assert first.status_code == 200, first.text
    body = first.json()
    states = {a["name"]: a for a in body["accounts"]}
    assert states["feedy"] == {"name": "feedy", "state": "approved", "admin": False, "active": True}
    assert states["admin"]["admin"] is True

    answer: dict[str, object] = {}
    waiter = threading.Thread(target=lambda: answer.update(hub.api(
        "GET", f"/orpheus/accounts?since={body['version']}&wait=120").json()))
    waiter.start()
    assert hub.api("POST", "/orpheus/users/feedy/revoke").status_code == 200
    waiter.join()
    assert answer["version"] > body["version"]  # woke by the revoke, not by the 120 s wait
    revoked = {a["name"]: a for a in answer["accounts"]}["feedy"]  # type: ignore[attr-defined]
    assert revoked["state"] == "revoked"


def test_the_enforcer_acts_on_a_revoke_without_waiting_for_its_interval(hub: Hub) -> None:
    token = hub.create_user("doomed")
    hub.spawn("doomed")
    assert hub.api("POST", "/orpheus/users/doomed/revoke").status_code == 200
    wait_until(lambda: not hub.api("GET", "/users/doomed").json().get("servers"), 60,
               "the enforcer to stop the revoked user's server")
    r = requests.get(f"{hub.url}/hub/api/user", headers={"Authorization": f"token {token}"}, timeout=30)
    assert r.status_code == 403  # the token is gone


@pytest.mark.parametrize("query", ["since=x", "wait=301", "wait=-1", "since=-5"])
def test_bad_feed_parameters_are_400(hub: Hub, query: str) -> None:
    r = hub.api("GET", f"/orpheus/accounts?{query}")
    assert r.status_code == 400
    assert r.json()["message"].split()[0] in ("since", "wait")


def test_a_user_token_cannot_read_the_feed(hub: Hub) -> None:
    token = hub.create_user("nosy")
    r = hub.api("GET", "/orpheus/accounts", token=token)
    assert r.status_code == 403
