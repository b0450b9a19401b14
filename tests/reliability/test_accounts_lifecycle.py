"""Issue 13 items 1 and 4, and the account-state endpoint, against a real hub.

1. A deleted user's name stays reserved (a tombstone) until an admin releases it.
4. Revocation and expiry apply to hub admins too (never to the last one); a blocked
   account's token cannot call the admin API even before the sweep deletes it.
Plus ``GET /hub/api/orpheus/accounts/{name}`` for the share service.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.harness.hub import Hub, make_hub
from tests.hub.accounts.helpers import (
    ADMIN_PASSWORD,
    accounts,
    clock_extra,
    login,
    set_clock,
    signup,
    wait_until,
    xsrf,
)

pytestmark = [pytest.mark.slow]
READER_TOKEN = secrets.token_hex(16)
READER = f"""
c.JupyterHub.services.append({{"name": "acct-reader", "api_token": {READER_TOKEN!r}}})
c.JupyterHub.load_roles.append(
    {{"name": "acct-reader", "services": ["acct-reader"], "scopes": ["custom:orpheus:account-state"]}}
)
"""


@pytest.fixture(scope="module")
def clock_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(tmp_path_factory.mktemp("lifecycle-clock")) / "offset"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory, clock_file: Path) -> Iterator[Hub]:
    """Rate limits off; a sweep only when an admin acts (the interval is an hour), so a
    blocked token that still works proves the handler itself checks the caller."""
    extra = clock_extra(clock_file, enforce_interval=3600.0, login_rate_limit=0, signup_rate_limit=0)
    hub = make_hub(Path(tmp_path_factory.mktemp("accounts-lifecycle")), extra_config=extra + READER)
    hub.start()
    yield hub
    hub.stop()


@pytest.fixture(autouse=True)
def real_time(clock_file: Path) -> Iterator[None]:
    set_clock(clock_file, 0)
    yield
    set_clock(clock_file, 0)


def state(hub: Hub, name: str, token: str | None = None) -> requests.Response:
    return hub.api("GET", f"/orpheus/accounts/{name}", token=token)


# ---- item 1: a deleted name stays reserved -----------------------------------------
def test_deleted_name_cannot_be_signed_up_again(hub: Hub) -> None:
    assert signup(hub, "delia", "delia@example.org").status_code == 302
    assert hub.api("DELETE", "/users/delia").status_code == 204
    again = signup(hub, "delia", "newcomer@example.org")
    assert again.status_code == 409, again.text[:500]
    assert "belonged to a deleted account" in again.text
    assert accounts(hub)["delia"]["state"] == "deleted"
    assert hub.api("GET", "/users/delia").status_code == 404  # no hub user came back


def test_recreated_hub_user_with_a_deleted_name_cannot_log_in_or_spawn(hub: Hub) -> None:
    assert signup(hub, "edgar", "edgar@example.org").status_code == 302
    assert hub.api("DELETE", "/users/edgar").status_code == 204
    assert hub.api("POST", "/users/edgar").status_code == 201  # an admin re-creates the hub user
    approve = hub.api("POST", "/orpheus/users/edgar/approve")
    assert approve.status_code == 409, approve.text
    assert "release" in approve.json()["message"]
    spawn = hub.api("POST", "/users/edgar/server")
    assert spawn.status_code == 403, spawn.text
    assert "belonged to a deleted account" in spawn.json()["message"]
    _, refused = login(hub, "edgar")  # the old password is gone with the account
    assert refused.status_code == 403
    assert state(hub, "edgar").json()["state"] == "deleted"

    released = hub.api("POST", "/orpheus/users/edgar/release")
    assert released.status_code == 200, released.text
    assert released.json()["state"] == "expired"  # a hub user without a record: awaiting approval
    assert hub.api("POST", "/orpheus/users/edgar/approve").status_code == 201
    assert state(hub, "edgar").json()["state"] == "approved"
    assert hub.api("POST", "/orpheus/users/edgar/release").status_code == 409  # not deleted now


def test_release_from_the_approvals_page_frees_the_name_for_sign_up(hub: Hub) -> None:
    assert signup(hub, "fiona", "fiona@example.org").status_code == 302
    admin, r = login(hub, "admin", ADMIN_PASSWORD)
    assert r.status_code == 302
    data = {"_xsrf": xsrf(admin), "action": "delete", "username": "fiona"}
    assert admin.post(hub.url + "/hub/approvals", data=data, timeout=30).status_code == 200
    page = admin.get(hub.url + "/hub/approvals", timeout=30).text
    row = page.split('data-user="fiona"', 1)[1].split("</tr>", 1)[0]
    assert 'value="release"' in row
    assert 'value="approve"' not in row
    assert signup(hub, "fiona", "fiona2@example.org").status_code == 409
    data = {"_xsrf": xsrf(admin), "action": "release", "username": "fiona"}
    released = admin.post(hub.url + "/hub/approvals", data=data, timeout=30)
    assert released.status_code == 200
    assert "Released fiona" in released.text
    assert signup(hub, "fiona", "fiona2@example.org").status_code == 302


# ---- the account-state endpoint ---------------------------------------------------------
def test_account_state_endpoint_scopes_and_answers(hub: Hub) -> None:
    token = hub.create_user("gus")
    by_reader = state(hub, "gus", READER_TOKEN)
    assert by_reader.status_code == 200, by_reader.text
    assert by_reader.json() == {"name": "gus", "state": "approved", "admin": False}
    by_admin = state(hub, "admin")  # the harness service holds admin:users
    assert by_admin.status_code == 200, by_admin.text
    assert by_admin.json() == {"name": "admin", "state": "approved", "admin": True}
    by_user = state(hub, "gus", token)
    assert by_user.status_code == 403, by_user.text
    anonymous = requests.get(f"{hub.url}/hub/api/orpheus/accounts/gus", timeout=30)
    assert anonymous.status_code == 403
    unknown = state(hub, "never-was-here", READER_TOKEN)
    assert unknown.status_code == 404
    assert "never-was-here" in unknown.json()["message"]
    assert hub.api("DELETE", "/users/gus").status_code == 204
    assert state(hub, "gus", READER_TOKEN).json()["state"] == "deleted"


# ---- item 4: admins are held to revocation and expiry -----------------------------------
def make_admin(hub: Hub, name: str) -> str:
    token = hub.create_user(name)
    assert hub.api("PATCH", f"/users/{name}", json={"admin": True}).status_code == 200
    return token


def test_last_admin_cannot_be_revoked(hub: Hub) -> None:
    refused = hub.api("POST", "/orpheus/users/admin/revoke")
    assert refused.status_code == 409, refused.text
    assert "last remaining admin" in refused.json()["message"]
    assert state(hub, "admin").json()["state"] == "approved"


def test_revoked_admin_loses_tokens_and_server(hub: Hub) -> None:
    token = make_admin(hub, "boss")
    hub.spawn("boss")
    assert hub.api("POST", "/orpheus/users/boss/revoke").status_code == 200

    def stopped() -> bool:
        return not hub.api("GET", "/users/boss").json().get("servers")

    wait_until(stopped, timeout=60, what="the sweep to stop boss's server")
    who = requests.get(f"{hub.url}/hub/api/user", headers={"Authorization": f"token {token}"}, timeout=30)
    assert who.status_code == 403  # the token was deleted
    assert hub.api("POST", "/orpheus/users/boss/approve", token=token).status_code == 403
    assert state(hub, "boss").json()["state"] == "revoked"
    spawn = hub.api("POST", "/users/boss/server")
    assert spawn.status_code == 403
    assert "revoked" in spawn.json()["message"]


def test_expired_admin_token_cannot_use_the_admin_api_before_the_sweep(hub: Hub, clock_file: Path) -> None:
    token = make_admin(hub, "chief")
    trial = hub.api("POST", "/orpheus/users/chief/trial", json={"hours": 1})
    assert trial.status_code == 200
    assert trial.json()["state"] == "trial"
    set_clock(clock_file, 30 * 3600)  # chief's trial (24 h record default + 1 h) is over; no sweep yet
    assert hub.api("GET", "/user", token=token).status_code == 200  # the token itself still exists
    for method, path in [
        ("POST", "/orpheus/users/chief/approve"),
        ("POST", "/orpheus/users/chief/trial"),
        ("GET", "/orpheus/users"),
        ("GET", "/orpheus/accounts/chief"),
    ]:
        r = hub.api(method, path, token=token, json={"hours": 5} if path.endswith("trial") else None)
        assert r.status_code == 403, (path, r.text)
        assert "awaiting approval" in r.json()["message"], path
    assert state(hub, "chief").json()["state"] == "expired"
