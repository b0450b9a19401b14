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

from orpheus_hub.accounts.store import AccountStore
from tests.browser import ARTIFACTS, launch
from tests.harness.hub import Hub, running_hub

from .approvals_data import COUNT, fill, state_of
from .helpers import ADMIN_PASSWORD, CHEAP_HASHING, login, xsrf

pytestmark = [pytest.mark.slow]
PAGINATION = "application/jupyterhub-pagination+json"


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


# ---- the page in Chromium ------------------------------------------------------------


def test_the_page_in_chromium(hub: Hub) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        tab.goto(hub.url + "/hub/login")
        assert "Orpheus" in tab.title()
        expect(tab.locator(".orpheus-brand .orpheus-name")).to_have_text("Orpheus")
        assert (tab.locator(".orpheus-brand svg").bounding_box() or {}).get("width", 0) > 0
        tab.fill("#username_input", "admin")
        tab.fill("#password_input", ADMIN_PASSWORD)
        tab.click("#login_submit")
        tab.wait_for_url("**/hub/**")
        tab.goto(hub.url + "/hub/approvals")
        expect(tab.locator("#orpheus-approvals-count")).to_contain_text("Showing 1–50 of")
        heights = tab.eval_on_selector_all("#orpheus-approvals tbody tr",
                                           "rows => rows.map(r => r.getBoundingClientRect().height)")
        assert len(heights) == 50
        # A row whose cells wrap is at least twice the height of a one-line row.
        assert max(heights) < 1.5 * min(heights), heights
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "approvals-page.png"), full_page=False)
        trial = tab.locator('tr[data-user="user000"] td.trial time')
        expect(trial).to_have_attribute("title", re.compile(r"^ends \d{4}-\d\d-\d\d \d\d:\d\d UTC$"))

        tab.click('th a[data-sort="signed_up"]')  # ascending: the oldest first
        expect(tab.locator("#orpheus-approvals tbody tr").first).to_have_attribute("data-user", "user519")
        tab.click('th a[data-sort="signed_up"]')  # again: newest first
        expect(tab.locator("#orpheus-approvals tbody tr").first).to_have_attribute("data-user", "admin")

        tab.fill("#orpheus-q", "user12")
        tab.select_option("#orpheus-state", "trial")
        with tab.expect_navigation():
            tab.click("#orpheus-approvals-filter button[type=submit]")
        names = tab.eval_on_selector_all("#orpheus-approvals tbody tr", "rows => rows.map(r => r.dataset.user)")
        assert names
        assert all(n.startswith("user12") for n in names)
        assert set(tab.eval_on_selector_all("#orpheus-approvals tbody tr",
                                            "rows => rows.map(r => r.dataset.state)")) == {"trial"}

        target = names[0]
        revoke = tab.locator(f'tr[data-user="{target}"] button[value="revoke"]')
        revoke.click()
        expect(tab.locator("#orpheus-confirm")).to_contain_text(f"Revoke {target}?")
        tab.click("#orpheus-confirm a:has-text('Cancel')")
        expect(tab.locator("#orpheus-confirm")).to_have_count(0)
        expect(tab.locator(f'tr[data-user="{target}"]')).to_have_attribute("data-state", "trial")
        tab.locator(f'tr[data-user="{target}"] button[value="revoke"]').click()
        tab.screenshot(path=str(ARTIFACTS / "approvals-confirm.png"))
        tab.click(f"#orpheus-confirm button:has-text('Yes, revoke {target}')")
        expect(tab.locator(".alert-success")).to_contain_text(f"Revoked {target}")
        expect(tab.locator(f'tr[data-user="{target}"]')).to_have_count(0)  # no longer a trial
        browser.close()
