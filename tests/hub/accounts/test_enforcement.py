"""Trials that end, lockouts, rate limits and a restart, on a real hub with an injected clock.

The hub reads its account clock offset from a file (``clock_offset_file``), so
"25 hours later" and "16 minutes later" are a write, never a sleep.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.harness.hub import Hub, make_hub

from .helpers import PASSWORD, accounts, clock_extra, login, set_clock, signup, wait_until

pytestmark = [pytest.mark.slow]
LOGIN_LIMIT = 15
SIGNUP_LIMIT = 6


@pytest.fixture(scope="module")
def clock_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(tmp_path_factory.mktemp("clock")) / "offset"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory, clock_file: Path) -> Iterator[Hub]:
    """A hub with the test clock, a 1 s enforcement sweep and small rate limits."""
    extra = clock_extra(
        clock_file,
        enforce_interval=1.0,
        login_rate_limit=LOGIN_LIMIT,
        signup_rate_limit=SIGNUP_LIMIT,
        lockout_base_seconds=600.0,  # a restart must not outlast the first backoff
    )
    hub = make_hub(Path(tmp_path_factory.mktemp("accounts-enforce")), extra_config=extra)
    hub.start()
    yield hub
    hub.stop()


@pytest.fixture(autouse=True)
def real_time(clock_file: Path) -> Iterator[None]:
    set_clock(clock_file, 0)
    yield
    set_clock(clock_file, 0)


def token_for(hub: Hub, name: str) -> str:
    r = hub.api("POST", f"/users/{name}/tokens", json={"note": "test"})
    assert r.status_code == 201, r.text
    token: str = r.json()["token"]
    hub.user_tokens[name] = token
    return token


def test_trial_end_refuses_login_and_spawn_and_stops_the_running_server(hub: Hub, clock_file: Path) -> None:
    assert signup(hub, "lena", "lena@example.org").status_code == 302
    token = token_for(hub, "lena")
    hub.spawn("lena")
    set_clock(clock_file, 25 * 3600)  # the 24 h trial is over

    def stopped() -> bool:
        return not hub.api("GET", "/users/lena").json().get("servers")

    wait_until(stopped, timeout=60, what="the sweep to stop lena's server")
    who = requests.get(f"{hub.url}/hub/api/user", headers={"Authorization": f"token {token}"}, timeout=30)
    assert who.status_code == 403  # her API tokens were revoked
    _, refused = login(hub, "lena")
    assert refused.status_code == 403
    assert "Your trial ended on" in refused.text
    assert "awaiting approval" in refused.text
    spawn = hub.api("POST", "/users/lena/server")
    assert spawn.status_code == 403, spawn.text
    assert "trial ended" in spawn.json()["message"]
    assert accounts(hub)["lena"]["state"] == "expired"
    assert hub.api("POST", "/orpheus/users/lena/approve").status_code == 200
    assert login(hub, "lena")[1].status_code == 302


def test_lockout_and_restart_keep_state(hub: Hub, clock_file: Path) -> None:
    assert signup(hub, "milo", "milo@example.org").status_code == 302
    deadline = accounts(hub)["milo"]["trial_expires_at"]
    for attempt in range(4):
        _, r = login(hub, "milo", f"wrong password number {attempt}")
        assert r.status_code == 403
        assert "Invalid username or password" in r.text
    _, fifth = login(hub, "milo", "still the wrong password")
    assert fifth.status_code == 403
    assert "locked until" in fifth.text
    _, correct = login(hub, "milo")  # this address failed: it is slowed down too
    assert correct.status_code == 429
    assert "Too many failed logins from your address" in correct.text
    log = hub.log_text()
    assert "still the wrong password" not in log
    assert "Failed login for 'milo'" not in log

    hub.restart()
    after = accounts(hub)["milo"]
    assert after["trial_expires_at"] == deadline
    assert after["locked_until"]
    assert login(hub, "milo")[1].status_code == 429  # still slowed down after the restart
    set_clock(clock_file, 16 * 60)  # the 10-minute backoffs have passed
    assert login(hub, "milo")[1].status_code == 302
    assert accounts(hub)["milo"]["locked_until"] is None


def test_rate_limits_answer_429(hub: Hub) -> None:
    hub.restart()  # fresh per-address counters (they live in memory)
    for i in range(SIGNUP_LIMIT):
        assert signup(hub, f"rate{i}", "not-an-email").status_code == 400
    limited = signup(hub, "rate-last", "rate@example.org")
    assert limited.status_code == 429
    assert "Too many sign-up attempts" in limited.text
    assert "rate-last" not in accounts(hub)
    for _ in range(LOGIN_LIMIT):  # failures first, then the address is slowed down (429)
        assert login(hub, "nobody", PASSWORD)[1].status_code in (403, 429)
    _, limited = login(hub, "nobody", PASSWORD)
    assert limited.status_code == 429
    assert "Too many login attempts" in limited.text
