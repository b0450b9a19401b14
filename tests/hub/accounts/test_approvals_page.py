"""The approvals page an admin of 500+ users works in, against a real hub (issue 14 item 8).

Accounts are written straight into the hub's accounts database (the store, as the hub
itself uses it) so 520 of them take a second; everything else goes over HTTP.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import requests

from orpheus_hub.accounts.models import Account, LoginThrottle, to_db
from orpheus_hub.accounts.store import AccountStore
from orpheus_hub.accounts.throttle import name_key
from tests.harness.hub import Hub, running_hub

from .helpers import ADMIN_PASSWORD, CHEAP_HASHING, login, xsrf

pytestmark = [pytest.mark.slow]
COUNT = 520
PAGINATION = "application/jupyterhub-pagination+json"


def state_of(i: int) -> str:
    """The stored state of account ``i`` (a mix like a real hub's)."""
    if i % 50 == 7:
        return "deleted"
    if i % 10 == 3:
        return "revoked"
    if i % 4 == 1:
        return "approved"
    return "trial"


def fill(store: AccountStore, now: datetime) -> None:
    """``COUNT`` accounts signed up an hour apart; trials of user000-009 end in 71.5 h,
    the others' ended (expired) or run a day; user005 is locked by failed logins."""
    rows = []
    for i in range(COUNT):
        status = state_of(i)
        created = now - timedelta(hours=i + 1)
        ends = now + timedelta(hours=71.5) if i < 10 else created + timedelta(hours=24 if i % 3 else 600)
        rows.append(Account(
            username=f"user{i:03d}", email=f"user{i:03d}@{'north' if i % 2 else 'south'}.example",
            source="signup", status=status, created_at=to_db(created), trial_expires_at=to_db(ends),
            approved_at=to_db(created) if status == "approved" else None, failed_logins=0,
            deleted_at=to_db(now) if status == "deleted" else None,
            last_login_at=to_db(now - timedelta(days=3, hours=2)) if i == 1 else None,
        ))
    with store.transaction() as session:
        session.add_all(rows)
        session.add(LoginThrottle(key=name_key("user005"), failures=12, last_failure_at=to_db(now),
                                  blocked_until=to_db(now + timedelta(hours=1))))


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """A hub holding 520 accounts besides the admin."""
    extra = "\n".join(["c.OrpheusAuthenticator.login_rate_limit = 0", CHEAP_HASHING])
    for hub in running_hub(Path(tmp_path_factory.mktemp("approvals")), extra_config=extra):
        store = AccountStore(f"sqlite:///{hub.data_dir / 'orpheus.sqlite'}")
        fill(store, datetime.now(timezone.utc))
        store.engine.dispose()
        yield hub


@pytest.fixture(scope="module")
def admin(hub: Hub) -> requests.Session:
    """The admin's browser session (cookie and _xsrf)."""
    s, r = login(hub, "admin", ADMIN_PASSWORD)
    assert r.status_code == 302, r.text[:500]
    return s


def page(hub: Hub, admin: requests.Session, **query: Any) -> requests.Response:
    """GET /hub/approvals?<query> (the page is UTF-8: "1–50", "Approvals · Orpheus")."""
    r = admin.get(hub.url + "/hub/approvals", params=query, timeout=60)
    r.encoding = "utf-8"
    return r


def rows(html: str) -> list[str]:
    """The user names of the table's rows, in order."""
    return re.findall(r'<tr data-user="([^"]+)"', html)


def row(html: str, name: str) -> str:
    """One row's HTML."""
    return html.split(f'<tr data-user="{name}"', 1)[1].split("</tr>", 1)[0]


def test_first_page_shows_fifty_of_everyone_by_name(hub: Hub, admin: requests.Session) -> None:
    r = page(hub, admin)
    assert r.status_code == 200
    total = COUNT + 1  # and the admin
    assert rows(r.text) == sorted(["admin", *(f"user{i:03d}" for i in range(COUNT))])[:50]
    assert f"Showing 1–50 of {total} accounts" in r.text
    assert "Page 1 of 11" in r.text
    last = page(hub, admin, page=11)
    assert len(rows(last.text)) == total - 500
    assert f"Showing 501–{total} of {total}" in last.text
    beyond = page(hub, admin, page=99)  # past the end: the last page
    assert rows(beyond.text) == rows(last.text)
    per = page(hub, admin, per_page=200, page=2)
    assert len(rows(per.text)) == 200
    assert "Page 2 of 3" in per.text


def test_search_by_name_or_email_and_filter_by_state(hub: Hub, admin: requests.Session) -> None:
    found = rows(page(hub, admin, q="USER12", per_page=100).text)
    assert found == [f"user{n}" for n in range(120, 130)]
    south = page(hub, admin, q="@south.example", per_page=500)
    assert len(rows(south.text)) == COUNT // 2
    for state in ("revoked", "deleted", "approved"):
        html = page(hub, admin, state=state, per_page=500).text
        expected = sorted(f"user{i:03d}" for i in range(COUNT) if state_of(i) == state)
        if state == "approved":
            expected = sorted([*expected, "admin"])
        assert rows(html) == expected, state
        assert set(re.findall(r'data-state="([^"]+)"', html)) == {state}
    assert rows(page(hub, admin, state="locked").text) == ["user005"]
    assert rows(page(hub, admin, state="admin").text) == ["admin"]
    nothing = page(hub, admin, q="nobody-has-this")
    assert "No accounts match." in nothing.text


def test_sortable_columns(hub: Hub, admin: requests.Session) -> None:
    newest = rows(page(hub, admin, sort="signed_up", order="desc").text)
    assert newest[:3] == ["admin", "user000", "user001"]  # the admin's record is made at start
    oldest = rows(page(hub, admin, sort="signed_up").text)
    assert oldest[:2] == [f"user{COUNT - 1}", f"user{COUNT - 2}"]
    assert rows(page(hub, admin, sort="name", order="desc").text)[0] == "user519"
    html = page(hub, admin, sort="name", order="desc").text
    assert 'aria-sort="descending"' in html
    assert 'href="/hub/approvals" data-sort="name"' in html  # the header flips back to the default
    assert 'href="/hub/approvals?sort=email" data-sort="email"' in html
    by_login = rows(page(hub, admin, sort="last_login", order="desc").text)
    assert by_login[:2] == ["admin", "user001"]  # the admin logged in for this test


def test_actions_follow_the_state(hub: Hub, admin: requests.Session) -> None:
    html = page(hub, admin, per_page=500).text

    def actions(name: str) -> list[str]:
        return re.findall(r'name="action" value="([a-z]+)"', row(html, name))

    assert actions("admin") == []  # approved admin, oneself: nothing to do
    assert actions("user001") == ["revoke", "delete"]  # approved
    assert actions("user000") == ["approve", "trial", "revoke", "delete"]  # trial
    assert actions("user003") == ["approve", "delete"]  # revoked
    assert actions("user007") == ["release"]  # deleted
    assert actions("user005") == ["revoke", "unlock", "delete"]  # approved, locked out
    assert "locked" in row(html, "user005")


def test_times_are_relative_with_the_exact_time_in_a_tooltip(hub: Hub, admin: requests.Session) -> None:
    html = page(hub, admin, per_page=500).text
    trial = row(html, "user000")
    assert re.search(r'title="ends \d{4}-\d\d-\d\d \d\d:\d\d UTC">2 d 2[23] h</time>', trial)
    assert not re.search(r"\b\d+ h \d+ min\b", trial.split('class="trial"', 1)[1].split("</td>")[0])
    signed_up = (datetime.now(timezone.utc) - timedelta(hours=1)).strftime("%Y-%m-%d")
    assert re.search(rf'title="\d{{4}}-\d\d-\d\d \d\d:\d\d UTC">{signed_up}</time>', trial)
    seen = row(html, "user001")
    assert re.search(r'title="\d{4}-\d\d-\d\d \d\d:\d\d UTC">3 d 2 h ago</time>', seen)
    assert "never" in row(html, "user002")
    assert "T" not in re.sub(r'(datetime|title|href|class|value|name|type|aria-label)="[^"]*"', "", trial)


def test_revoke_and_delete_ask_first(hub: Hub, admin: requests.Session) -> None:
    url = hub.url + "/hub/approvals?q=user010"
    for action, consequence in (("revoke", "cannot log in until approved again"),
                                ("delete", "the name stays reserved")):
        ask = admin.post(url, data={"_xsrf": xsrf(admin), "action": action, "username": "user010",
                                    "step": "ask"}, timeout=60)
        assert ask.status_code == 200
        assert consequence in ask.text
        assert 'name="confirmed" value="1"' in ask.text
        assert hub.api("GET", "/orpheus/users", params={"q": "user010"}).json()[0]["state"] == "trial"
    done = admin.post(url, data={"_xsrf": xsrf(admin), "action": "revoke", "username": "user010",
                                 "confirmed": "1"}, timeout=60)
    assert "Revoked user010" in done.text
    assert rows(done.text) == ["user010"]  # the search is kept after the action
    assert hub.api("GET", "/orpheus/users", params={"q": "user010"}).json()[0]["state"] == "revoked"
    missing = admin.post(url, data={"_xsrf": xsrf(admin), "action": "revoke", "username": "ghost",
                                    "step": "ask"}, timeout=60)
    assert missing.status_code == 404
    assert "No such user." in missing.text


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ({"page": "0"}, "page must be between 1 and"),
        ({"page": "two"}, "page must be a whole number"),
        ({"per_page": "5000"}, "per_page must be between 1 and 500"),
        ({"state": "happy"}, "state must be one of all, trial, expired"),
        ({"sort": "password"}, "sort must be one of name, email"),
        ({"order": "up"}, "order must be one of asc, desc"),
        ({"q": "x" * 101}, "q is longer than 100 characters"),
    ],
)
def test_bad_list_parameters_are_400_naming_them(hub: Hub, admin: requests.Session,
                                                 query: dict[str, str], reason: str) -> None:
    r = page(hub, admin, **query)
    assert r.status_code == 400
    assert reason in r.text


def test_rest_api_pages_and_filters_the_same_way(hub: Hub) -> None:
    r = hub.api("GET", "/orpheus/users", params={"state": "revoked", "limit": "10", "sort": "name"},
                headers={"Accept": PAGINATION})
    assert r.status_code == 200, r.text
    body = r.json()
    everyone = hub.api("GET", "/orpheus/users").json()
    assert len(everyone) == COUNT + 1  # no parameters: everyone, as before
    revoked = sorted(u["name"] for u in everyone if u["state"] == "revoked")
    assert len(revoked) > 20
    assert [u["name"] for u in body["items"]] == revoked[:10]
    assert body["_pagination"] == {"offset": 0, "limit": 10, "total": len(revoked),
                                   "next": {"offset": 10, "limit": 10}}
    rest = hub.api("GET", "/orpheus/users", params={"state": "revoked", "offset": "10"}).json()
    assert [u["name"] for u in rest] == revoked[10:]
    bad = hub.api("GET", "/orpheus/users", params={"limit": "0"})
    assert bad.status_code == 400
    assert "limit must be between 1 and 500" in bad.json()["message"]
