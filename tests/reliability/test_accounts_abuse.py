"""Issue 13 items 2 and 3 against a real hub behind its real proxy.

Clients connect from distinct loopback addresses (127.0.0.x as the socket's source),
so "another address" is a real other peer, not a header.

2. Limits are keyed on the address the proxy saw; client-set ``X-Real-Ip`` and
   ``X-Forwarded-For`` neither reset a limit nor get another address throttled.
3. Failed logins slow the address they come from and the name they target, with
   exponential backoff; an account under attack stays reachable from an address
   without failures; admins unlock; an unknown name behaves exactly like a known one.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.harness.hub import Hub, make_hub
from tests.hub.accounts.helpers import (
    ADMIN_PASSWORD,
    PASSWORD,
    clock_extra,
    set_clock,
    signup,
    xsrf,
)

pytestmark = [pytest.mark.slow]
MAX_FAILURES = 3
BASE_SECONDS = 300.0
SIGNUP_LIMIT = 5


class SourceAdapter(HTTPAdapter):
    """Connections from a chosen local address."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def client(
    hub: Hub, source: str, page: str = "/hub/login", headers: dict[str, str] | None = None
) -> requests.Session:
    """A session whose connections come from ``source``, holding the hub's ``_xsrf``
    (fetched with the same ``headers``: an anonymous ``_xsrf`` is bound to the address
    JupyterHub believes the client has)."""
    s = requests.Session()
    s.mount("http://", SourceAdapter(source))
    s.headers.update(headers or {})
    assert s.get(hub.url + page, timeout=30).status_code == 200
    return s


def login_from(
    hub: Hub, source: str, name: str, password: str, headers: dict[str, str] | None = None
) -> requests.Response:
    s = client(hub, source, headers=headers)
    data = {"_xsrf": xsrf(s), "username": name, "password": password}
    return s.post(hub.url + "/hub/login", data=data, allow_redirects=False, timeout=30)


def signup_from(hub: Hub, source: str, name: str, email: str, headers: dict[str, str]) -> requests.Response:
    s = client(hub, source, "/hub/signup", headers)
    data = {"_xsrf": xsrf(s), "username": name, "email": email, "password": PASSWORD}
    return s.post(hub.url + "/hub/signup", data=data, allow_redirects=False, timeout=30)


def spoofed() -> dict[str, str]:
    """Headers a client could send to look like some other address each time."""
    fake = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"
    return {"X-Real-Ip": fake, "X-Forwarded-For": f"{fake}, 192.0.2.{secrets.randbelow(250) + 1}"}


def shape(r: requests.Response) -> tuple[int, str]:
    """Status and the login error, digits masked (times and counts may differ)."""
    found = re.search(r'class="login_error">\s*(.*?)\s*<', r.text, re.S)
    message = found.group(1) if found else r.text[:200]
    return r.status_code, re.sub(r"\d+", "#", message)


@pytest.fixture(scope="module")
def clock_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(tmp_path_factory.mktemp("abuse-clock")) / "offset"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory, clock_file: Path) -> Iterator[Hub]:
    extra = clock_extra(
        clock_file,
        lockout_max_failures=MAX_FAILURES,
        lockout_base_seconds=BASE_SECONDS,
        login_rate_limit=40,
        signup_rate_limit=SIGNUP_LIMIT,
    )
    hub = make_hub(Path(tmp_path_factory.mktemp("accounts-abuse")), extra_config=extra)
    hub.start()
    for name in ("kim", "lena", "nina"):
        assert signup(hub, name, f"{name}@example.org").status_code == 302
    yield hub
    hub.stop()


@pytest.fixture(autouse=True)
def real_time(clock_file: Path) -> Iterator[None]:
    set_clock(clock_file, 0)
    yield
    set_clock(clock_file, 0)


# ---- item 2 ---------------------------------------------------------------------------
def test_rotating_forwarded_headers_do_not_reset_the_signup_limit(hub: Hub) -> None:
    for i in range(SIGNUP_LIMIT):
        r = signup_from(hub, "127.0.0.11", f"rot{i}", "not-an-email", spoofed())
        assert r.status_code == 400, r.text[:300]
    limited = signup_from(hub, "127.0.0.11", "rot-last", "not-an-email", spoofed())
    assert limited.status_code == 429
    assert "Too many sign-up attempts" in limited.text


def test_rotating_forwarded_headers_do_not_reset_failed_login_backoff(hub: Hub) -> None:
    for i in range(MAX_FAILURES - 1):
        assert login_from(hub, "127.0.0.12", f"who{i}", "wrong password", spoofed()).status_code == 403
    for name in ("who-last", "who-else"):  # the failure that reaches the limit, then any attempt
        limited = login_from(hub, "127.0.0.12", name, "wrong password", spoofed())
        assert limited.status_code == 429, limited.text[:300]
        assert "from your address" in limited.text


def test_spoofed_address_does_not_get_the_real_one_throttled(hub: Hub) -> None:
    claim = {"X-Real-Ip": "127.0.0.14", "X-Forwarded-For": "127.0.0.14"}
    for i in range(SIGNUP_LIMIT + 1):
        signup_from(hub, "127.0.0.13", f"claim{i}", "not-an-email", claim)
    for i in range(MAX_FAILURES + 1):
        login_from(hub, "127.0.0.13", f"claim{i}", "wrong password", claim)
    assert signup_from(hub, "127.0.0.14", "real14", "not-an-email", {}).status_code == 400
    assert login_from(hub, "127.0.0.14", "kim", PASSWORD).status_code == 302


# ---- item 3 ---------------------------------------------------------------------------
def test_unknown_name_behaves_exactly_like_a_known_one(hub: Hub) -> None:
    known = [shape(login_from(hub, "127.0.0.21", "lena", f"wrong {i}")) for i in range(MAX_FAILURES + 1)]
    unknown = [shape(login_from(hub, "127.0.0.22", "no-such-lena", f"wrong {i}")) for i in range(MAX_FAILURES + 1)]
    assert known == unknown
    assert "# attempts left" in known[0][1]
    assert "locked" in known[MAX_FAILURES - 1][1]
    clean_known = shape(login_from(hub, "127.0.0.23", "lena", "wrong again"))
    clean_unknown = shape(login_from(hub, "127.0.0.24", "no-such-lena", "wrong again"))
    assert clean_known == clean_unknown


def test_locked_account_stays_reachable_from_a_clean_address(hub: Hub) -> None:
    first = login_from(hub, "127.0.0.31", "kim", "wrong 0")
    assert first.status_code == 403
    assert f"{MAX_FAILURES - 1} attempts left" in first.text
    for i in range(1, MAX_FAILURES):
        login_from(hub, "127.0.0.31", "kim", f"wrong {i}")
    attacker = login_from(hub, "127.0.0.31", "kim", PASSWORD)  # the right password, too late
    assert attacker.status_code in (403, 429)
    assert login_from(hub, "127.0.0.32", "kim", PASSWORD).status_code == 302


def test_backoff_doubles_for_an_address_that_keeps_failing(hub: Hub, clock_file: Path) -> None:
    def wait_of(r: requests.Response) -> int:
        assert r.status_code == 429, r.text[:300]
        found = re.search(r"try again in (\d+) s", r.text)
        assert found, r.text[:300]
        return int(found.group(1))

    for i in range(MAX_FAILURES):
        login_from(hub, "127.0.0.41", f"ghost{i}", "wrong")
    first = wait_of(login_from(hub, "127.0.0.41", "ghost-x", "wrong"))
    assert BASE_SECONDS - 60 <= first <= BASE_SECONDS + 1
    set_clock(clock_file, first + 5)
    assert login_from(hub, "127.0.0.41", "ghost-y", "wrong").status_code in (403, 429)
    second = wait_of(login_from(hub, "127.0.0.41", "ghost-z", "wrong"))
    assert second >= 1.5 * first


def test_admin_unlocks_and_the_lock_survives_a_restart(hub: Hub) -> None:
    assert login_from(hub, "127.0.0.52", "nina", "typo").status_code == 403  # nina's own slip
    for i in range(MAX_FAILURES - 1):
        login_from(hub, "127.0.0.51", "nina", f"guess {i}")
    refused = login_from(hub, "127.0.0.52", "nina", PASSWORD)
    assert refused.status_code == 403
    assert "locked" in refused.text
    assert "An administrator can unlock it sooner" in refused.text  # the way out
    hub.restart()
    assert login_from(hub, "127.0.0.52", "nina", PASSWORD).status_code == 403
    admin = client(hub, "127.0.0.53")
    r = admin.post(
        hub.url + "/hub/login",
        data={"_xsrf": xsrf(admin), "username": "admin", "password": ADMIN_PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    assert r.status_code == 302

    def row(name: str) -> str:
        page = admin.get(hub.url + "/hub/approvals", timeout=30).text
        return page.split(f'data-user="{name}"', 1)[1].split("</tr>", 1)[0]

    assert 'value="unlock"' in row("nina")
    assert 'value="unlock"' not in row("admin")
    data = {"_xsrf": xsrf(admin), "action": "unlock", "username": "nina"}
    unlocked = admin.post(hub.url + "/hub/approvals", data=data, timeout=30)
    assert unlocked.status_code == 200
    assert "Unlocked nina" in unlocked.text
    assert 'value="unlock"' not in row("nina")
    assert login_from(hub, "127.0.0.52", "nina", PASSWORD).status_code == 302


def test_unlock_through_the_rest_api(hub: Hub) -> None:
    for i in range(MAX_FAILURES):
        login_from(hub, "127.0.0.61", "lena", f"guess {i}")
    assert login_from(hub, "127.0.0.61", "lena", PASSWORD).status_code in (403, 429)
    assert login_from(hub, "127.0.0.62", "someone-else", "slip").status_code == 403  # .62 has a failure
    assert login_from(hub, "127.0.0.62", "lena", PASSWORD).status_code == 403  # so the lock holds for it
    users = {u["name"]: u for u in hub.api("GET", "/orpheus/users").json()}
    assert users["lena"]["locked_until"]
    user_token = hub.create_user("outsider")
    assert hub.api("POST", "/orpheus/users/lena/unlock", token=user_token).status_code == 403
    assert hub.api("POST", "/orpheus/users/nobody-at-all/unlock").status_code == 404
    unlocked = hub.api("POST", "/orpheus/users/lena/unlock")
    assert unlocked.status_code == 200, unlocked.text
    assert unlocked.json()["locked_until"] is None
    assert login_from(hub, "127.0.0.62", "lena", PASSWORD).status_code == 302
