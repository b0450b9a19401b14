"""``GET /hub/orpheus/account-state`` on a real hub: the Lab learns why an account is
blocked from the login cookie alone (even once the hub has signed the user out), and
Orpheus' own JSON API refuses a blocked cookie with the reason, as JSON."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from orpheus_hub.accounts.handlers.state import public_state
from orpheus_hub.accounts.models import EXPIRED, Account
from tests.harness.hub import Hub, make_hub

from .helpers import clock_extra, login, set_clock, signup

pytestmark = [pytest.mark.slow]
KEYS = {"name", "state", "blocked", "message", "actions"}
#: The hub re-checks a browser session against the account this often (seconds); tests
#: wait past it so a blocked user's cookie is the one the hub has signed out.
REFRESH = 1


def past_refresh() -> None:
    """Wait until the hub's next request re-checks the account (it then signs blocked users out)."""
    time.sleep(REFRESH + 0.5)


@pytest.fixture(scope="module")
def clock_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(tmp_path_factory.mktemp("clock")) / "offset"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory, clock_file: Path) -> Iterator[Hub]:
    extra = clock_extra(clock_file) + f"\nc.OrpheusAuthenticator.auth_refresh_age = {REFRESH}"
    hub = make_hub(Path(tmp_path_factory.mktemp("account-state")), extra_config=extra)
    hub.start()
    yield hub
    hub.stop()


@pytest.fixture(autouse=True)
def real_time(clock_file: Path) -> Iterator[None]:
    set_clock(clock_file, 0)
    yield
    set_clock(clock_file, 0)


def state(hub: Hub, s: requests.Session | None = None) -> requests.Response:
    r = (s or requests).get(hub.url + "/hub/orpheus/account-state", timeout=30, allow_redirects=False)
    assert r.headers["Content-Type"].startswith("application/json"), r.text[:300]
    assert set(r.json()) == KEYS
    return r


def signed_in(hub: Hub, name: str) -> requests.Session:
    assert signup(hub, name, f"{name}@example.org").status_code == 302
    s, r = login(hub, name)
    assert r.status_code == 302
    return s


def test_no_cookie_is_401_signed_out_with_a_login_action(hub: Hub) -> None:
    r = state(hub)
    assert r.status_code == 401
    doc = r.json()
    assert doc["state"] == "signed_out"
    assert doc["name"] is None
    assert doc["blocked"] is True
    assert doc["actions"] == [{"label": "Log in", "url": "/hub/login"}]
    forged = requests.Session()
    forged.cookies.set("jupyterhub-hub-login", "not-a-real-cookie", path="/hub/")
    assert state(hub, forged).json()["state"] == "signed_out"


def test_trial_then_approved_then_revoked(hub: Hub) -> None:
    s = signed_in(hub, "stella")
    doc = state(hub, s).json()
    assert (doc["name"], doc["state"], doc["blocked"], doc["actions"]) == ("stella", "trial", False, [])
    assert "Your trial ends on" in doc["message"]
    assert hub.api("POST", "/orpheus/users/stella/approve").status_code == 200
    doc = state(hub, s).json()
    assert (doc["state"], doc["blocked"], doc["message"]) == ("approved", False, "Your account is approved.")
    assert hub.api("POST", "/orpheus/users/stella/revoke").status_code == 200
    past_refresh()
    r = state(hub, s)
    assert r.status_code == 200
    doc = r.json()
    assert (doc["name"], doc["state"], doc["blocked"]) == ("stella", "revoked", True)
    assert doc["message"] == "Your account has been revoked by an administrator."
    assert doc["actions"] == [{"label": "Log out", "url": "/hub/logout"}]


def test_expired_trial_is_told_so(hub: Hub, clock_file: Path) -> None:
    s = signed_in(hub, "ewan")
    set_clock(clock_file, 25 * 3600)
    past_refresh()
    doc = state(hub, s).json()
    assert (doc["name"], doc["state"], doc["blocked"]) == ("ewan", "expired", True)
    assert "Your trial ended on" in doc["message"]
    assert "awaiting approval" in doc["message"]


def test_orpheus_json_api_refuses_a_blocked_cookie_with_the_reason(hub: Hub) -> None:
    s = signed_in(hub, "rufus")
    assert hub.api("POST", "/orpheus/users/rufus/revoke").status_code == 200
    past_refresh()
    xsrf = s.cookies.get("_xsrf", path="/hub/")
    r = s.get(hub.url + "/hub/api/orpheus/users", headers={"X-XSRFToken": xsrf}, timeout=30,
              allow_redirects=False)
    assert r.status_code == 403
    assert r.headers["Content-Type"].startswith("application/json")
    assert "revoked" in r.json()["message"]


def test_an_account_that_never_had_a_trial_is_pending() -> None:
    admin_made = Account(username="pat", email="", status=EXPIRED, source="admin")
    assert public_state(admin_made, EXPIRED) == "pending"
    assert public_state(None, EXPIRED) == "pending"
    assert public_state(admin_made, "revoked") == "revoked"


def test_lab_requests_of_a_blocked_user_get_json_with_the_reason(hub: Hub) -> None:
    """A Lab call to the stopped server of a revoked user ends in JSON that says why (not
    the login page the hub would redirect to)."""
    s = signed_in(hub, "lara")
    assert hub.api("POST", "/orpheus/users/lara/revoke").status_code == 200
    past_refresh()
    json_only = {"Accept": "application/json"}
    for path in ("/user/lara/api/contents", "/user/lara/orpheus/api/projects"):
        r = s.get(hub.url + path, headers=json_only, timeout=30)  # via the hub's redirect
        assert r.status_code == 403, (path, r.status_code, r.text[:300])
        assert r.headers["Content-Type"].startswith("application/json")
        doc = r.json()
        assert doc["message"] == "Your account has been revoked by an administrator."
        assert (doc["state"], doc["blocked"]) == ("revoked", True)
        assert doc["account_state_url"] == "/hub/orpheus/account-state"
    post = s.post(hub.url + "/hub/user/lara/api/sessions", json={}, timeout=30,
                  headers={**json_only, "X-XSRFToken": s.cookies.get("_xsrf", path="/hub/")})
    assert post.status_code == 403
    assert post.json()["state"] == "revoked"
    # A page visit still goes to the login page, which says why at login.
    page = s.get(hub.url + "/hub/user/lara/lab", headers={"Accept": "text/html"}, timeout=30,
                 allow_redirects=False)
    assert page.status_code == 302
    assert "/hub/login" in page.headers["Location"]


def test_an_allowed_user_keeps_the_hubs_own_answers(hub: Hub) -> None:
    s = signed_in(hub, "amos")
    r = s.post(hub.url + "/hub/user/amos/api/sessions", json={}, timeout=30,
               headers={"Accept": "application/json", "X-XSRFToken": s.cookies.get("_xsrf", path="/hub/")})
    assert r.status_code == 424  # JupyterHub's "server not running"
    assert "no longer running" in r.json()["message"]
