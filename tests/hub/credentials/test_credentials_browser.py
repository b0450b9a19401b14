"""The research-credentials admin page in Chromium, against a real hub with a key: the admin
reaches it from the navigation bar, creates a set granted to a group, sees its variable
names and fingerprint (never a value), and the delete asks before it deletes."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser import ARTIFACTS, launch
from tests.harness.hub import Hub, running_hub
from tests.hub.accounts.helpers import ADMIN_PASSWORD, CHEAP_HASHING

from .helpers import KEY

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    data = Path(tmp_path_factory.mktemp("credentials-page"))
    yield from running_hub(data, env={"ORPHEUS_CREDENTIALS_KEY": KEY}, extra_config=CHEAP_HASHING)


def test_the_admin_creates_and_deletes_a_set_in_the_page(hub: Hub) -> None:
    value = "sk-" + secrets.token_urlsafe(24)
    assert hub.api("POST", "/groups/research").status_code in (201, 409)
    with sync_playwright() as p:
        browser = launch(p)
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        tab.goto(hub.url + "/hub/login")
        tab.fill("#username_input", "admin")
        tab.fill("#password_input", ADMIN_PASSWORD)
        tab.click("#login_submit")
        tab.wait_for_url("**/hub/**")
        tab.goto(hub.url + "/hub/home")
        tab.click("a.nav-link:has-text('Credentials')")
        tab.wait_for_url("**/hub/credentials")
        form = tab.locator("#credentials-create")
        form.locator("input[name=name]").fill("search-api")
        form.locator("input[name=description]").fill("The literature search API")
        form.locator("textarea[name=variables]").fill(f"SEARCH_API_KEY={value}\n")
        form.locator("input[name=groups]").fill("research")
        with tab.expect_navigation():
            form.locator("button[value=create]").click()
        expect(tab.locator("body")).to_contain_text("Created search-api.")
        expect(tab.locator("body")).to_contain_text("SEARCH_API_KEY")
        fingerprint = hub.api("GET", "/orpheus/credentials/search-api").json()["fingerprint"]
        expect(tab.locator("body")).to_contain_text(fingerprint)
        assert value not in tab.content()
        row = tab.locator('tr[data-set="search-api"]')
        rotated = row.locator("td.rotated time")
        expect(rotated).to_have_text("just now")
        expect(rotated).to_have_attribute("title", re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d UTC$"))
        expect(row.locator("select[name=group]")).to_have_count(0)  # its only group is granted
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "credentials-page.png"), full_page=True)

        asked: list[str] = []
        tab.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
        tab.locator("button[value=delete]").first.click()
        assert asked == ["delete this credential set?"]
        assert hub.api("GET", "/orpheus/credentials/search-api").status_code == 200  # dismissed: kept
        tab.once("dialog", lambda d: d.accept())
        with tab.expect_navigation():
            tab.locator("button[value=delete]").first.click()
        expect(tab.locator("body")).to_contain_text("Deleted search-api.")
        assert hub.api("GET", "/orpheus/credentials/search-api").status_code == 404
        browser.close()
