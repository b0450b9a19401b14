"""Form flows against a real hub: sign-up, login, spawning and the test clock."""

from __future__ import annotations

import time
from pathlib import Path

import requests

from tests.harness.hub import Hub

PASSWORD = "a long and unusual passphrase"
#: ``ORPHEUS_ADMIN_PASSWORD`` of every test hub (tests/harness/hub.py).
ADMIN_PASSWORD = "admin-password-for-tests"
#: Test hubs hash with a cheaper Argon2id cost (the default costs ~0.5 s per login on a
#: busy 2-core machine); the default cost itself is covered by test_passwords.
CHEAP_HASHING = "\n".join(
    f"c.OrpheusAuthenticator.{k} = {v}"
    for k, v in {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}.items()
)


def clock_extra(clock_file: Path, **traits: object) -> str:
    """Extra hub config: the injected clock file and further OrpheusAuthenticator traits."""
    lines = [f"c.OrpheusAuthenticator.clock_offset_file = {str(clock_file)!r}"]
    lines += [f"c.OrpheusAuthenticator.{k} = {v!r}" for k, v in traits.items()]
    return "\n".join([*lines, CHEAP_HASHING])


def set_clock(clock_file: Path, seconds: float) -> None:
    """Move the hub's account clock ``seconds`` ahead of real time."""
    clock_file.write_text(str(seconds))


def xsrf(session: requests.Session) -> str:
    """The ``_xsrf`` cookie for ``/hub/``."""
    value = session.cookies.get("_xsrf", path="/hub/")
    assert value, "no _xsrf cookie for /hub/"
    return value


def form_session(hub: Hub, page: str = "/hub/login") -> requests.Session:
    """A session that has visited ``page`` (so it holds the hub's ``_xsrf`` cookie)."""
    s = requests.Session()
    r = s.get(hub.url + page, timeout=30)
    assert r.status_code == 200, r.text[:500]
    return s


def signup(hub: Hub, username: str, email: str, password: str = PASSWORD) -> requests.Response:
    """POST the sign-up form (with ``_xsrf``); returns the unredirected response."""
    s = form_session(hub, "/hub/signup")
    data = {"_xsrf": xsrf(s), "username": username, "email": email, "password": password}
    return s.post(hub.url + "/hub/signup", data=data, allow_redirects=False, timeout=30)


def login(hub: Hub, username: str, password: str = PASSWORD) -> tuple[requests.Session, requests.Response]:
    """POST the standard login form; a 302 means success."""
    s = form_session(hub)
    data = {"_xsrf": xsrf(s), "username": username, "password": password}
    r = s.post(hub.url + "/hub/login", data=data, allow_redirects=False, timeout=30)
    return s, r


def spawn_as(hub: Hub, s: requests.Session, name: str) -> requests.Response:
    """The user asks for their own server through the hub API with their cookie."""
    return s.post(
        f"{hub.url}/hub/api/users/{name}/server", headers={"X-XSRFToken": xsrf(s)}, timeout=60
    )


def wait_ready(hub: Hub, name: str, timeout: float = 120) -> None:
    """Wait until the hub reports ``name``'s default server ready."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        servers = hub.api("GET", f"/users/{name}").json().get("servers", {})
        if servers.get("", {}).get("ready"):
            return
        time.sleep(0.25)
    raise TimeoutError(f"server of {name} not ready; see {hub.log_path}")


def wait_until(check: object, timeout: float = 30, what: str = "condition") -> None:
    """Poll ``check()`` until true (the hub's sweep runs on its own schedule)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.25)
    raise TimeoutError(f"timed out waiting for {what}")


def accounts(hub: Hub) -> dict[str, dict[str, object]]:
    """``GET /hub/api/orpheus/users`` by name (admin token)."""
    r = hub.api("GET", "/orpheus/users")
    assert r.status_code == 200, r.text
    return {u["name"]: u for u in r.json()}
