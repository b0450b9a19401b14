"""End to end: a real hub with OrpheusGenericOAuthenticator against the local OIDC provider.

The browser's part is played by ``requests.Session`` following each redirect by
hand: ``/hub/oauth_login`` -> provider ``/authorize`` -> ``/hub/oauth_callback``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from orpheus_hub.accounts.passwords import hash_password
from orpheus_hub.accounts.store import AccountStore
from tests.fakes.oidc_provider import OIDCProvider, oidc_provider
from tests.fakes.webhook_receiver import WebhookReceiver, webhook_receiver
from tests.harness.hub import Hub, running_hub
from tests.harness.ports import free_port
from tests.hub.oauth import browser

pytestmark = [pytest.mark.slow]


@dataclass
class Setup:
    hub: Hub
    provider: OIDCProvider
    receiver: WebhookReceiver


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    data = Path(tmp_path_factory.mktemp("oauth-hub"))
    with webhook_receiver(slow_seconds=10) as receiver, oidc_provider() as provider:
        # A live hook, a slow one (answers after 10 s, within the 30 s timeout) and a dead one.
        hooks = [f"{receiver.url}/hook/signups", f"{receiver.url}/slow/signups", f"http://127.0.0.1:{free_port()}/"]
        extra = "\n".join(
            [
                provider.hub_config(),
                f"c.Notifier.json_webhooks = {hooks!r}",
                "c.Notifier.timeout = 30",
                f"c.OrpheusAuthenticator.clock_offset_file = {str(data / 'clock_offset')!r}",
            ]
        )
        hubs = running_hub(data, extra_config=extra)
        hub = next(hubs)
        try:
            yield Setup(hub, provider, receiver)
        finally:
            hubs.close()


def oauth_login(s: Setup, username: str, email: str = "") -> tuple[requests.Session, requests.Response]:
    """Log in through the provider; returns the session and the hub's callback answer."""
    return browser.oauth_login(s.hub, s.provider, username, email)


def account(s: Setup, name: str) -> dict[str, Any]:
    found = browser.account(s.hub, name)
    assert found is not None, f"{name} has no account"
    return found


def test_first_oauth_login_is_a_trial_that_can_spawn_and_notifies_admins(setup: Setup) -> None:
    session, r = oauth_login(setup, "olga", "olga@example.org")
    assert r.status_code == 302, r.text
    # The log-in did not wait for the slow (or the dead) webhook.
    assert "answered:/slow/signups" not in setup.receiver.events
    setup.receiver.wait_for("received:/slow/signups")
    home = session.get(f"{setup.hub.url}/hub/home", allow_redirects=False, timeout=30)
    assert home.status_code == 200  # logged in: no redirect to the login page
    me = session.get(f"{setup.hub.url}/hub/api/orpheus/me", timeout=30).json()
    assert (me["name"], me["state"], me["source"]) == ("olga", "trial", "oauth:generic")

    model = account(setup, "olga")
    assert (model["state"], model["email"]) == ("trial", "olga@example.org")

    setup.receiver.wait_for("delivered:/hook/signups")
    (signup,) = setup.receiver.at("/hook/signups")
    assert {k: signup.json()[k] for k in ("event", "username", "email")} == {
        "event": "signup",
        "username": "olga",
        "email": "olga@example.org",
    }

    setup.hub.create_user("olga", approve=False)  # a token of hers; does not change her state
    base = setup.hub.spawn("olga")
    assert account(setup, "olga")["state"] == "trial"
    setup.hub.stop_server("olga")
    assert base.endswith("/user/olga/")

    _, again = oauth_login(setup, "olga", "olga@example.org")
    assert again.status_code == 302
    assert len(setup.receiver.at("/hook/signups")) == 1  # only the first log-in is a sign-up


def test_revoked_oauth_user_is_refused_with_the_reason(setup: Setup) -> None:
    _, first = oauth_login(setup, "pavel", "pavel@example.org")
    assert first.status_code == 302
    r = setup.hub.api("POST", "/orpheus/users/pavel/revoke", json={})
    assert r.status_code == 200, r.text
    assert setup.provider.log[-1] == "token:pavel"

    _, refused = oauth_login(setup, "pavel", "pavel@example.org")
    assert refused.status_code == 403
    assert "revoked" in refused.text
    assert "Traceback" not in refused.text
    # The refusal is logged with its reason but without the one-time code from the URL.
    code = parse_qs(urlsplit(refused.url).query)["code"][0]
    log = setup.hub.log_text()
    assert "/hub/oauth_callback (127.0.0.1): Your account has been revoked" in log
    assert code not in log


def test_password_account_name_cannot_be_taken_over_via_oauth(setup: Setup) -> None:
    store = AccountStore(f"sqlite:///{setup.hub.data_dir / 'orpheus.sqlite'}")
    store.create("quentin", None, "signup", datetime.now(timezone.utc), hash_password("a long passphrase"))
    _, refused = oauth_login(setup, "quentin")
    assert refused.status_code == 403
    assert "signs in with a password" in refused.text


def test_expired_oauth_trial_is_refused_with_the_reason(setup: Setup) -> None:
    _, first = oauth_login(setup, "rosa")
    assert first.status_code == 302
    (setup.hub.data_dir / "clock_offset").write_text(str(48 * 3600))  # two days later
    try:
        _, refused = oauth_login(setup, "rosa")
        spawn = setup.hub.api("POST", "/users/rosa/server")
    finally:
        (setup.hub.data_dir / "clock_offset").write_text("0")
    assert refused.status_code == 403
    assert "trial ended" in refused.text
    assert "awaiting approval" in refused.text
    # Spawning is refused too, even by an admin through the API (pre_spawn_start).
    assert spawn.status_code == 403, spawn.text
    assert "trial ended" in spawn.json()["message"]


def test_login_page_offers_the_provider_and_no_password_signup(setup: Setup) -> None:
    page = requests.get(f"{setup.hub.url}/hub/login", timeout=30)
    assert page.status_code == 200
    assert "Sign in with Test OIDC" in page.text
    assert "/hub/oauth_login" in page.text
    assert "Sign up for a trial" not in page.text
    signup = requests.get(f"{setup.hub.url}/hub/signup", timeout=30, allow_redirects=False)
    assert signup.status_code in (403, 404), signup.status_code


def test_approving_an_oauth_user_notifies_the_json_webhook(setup: Setup) -> None:
    _, first = oauth_login(setup, "sofia", "sofia@example.org")
    assert first.status_code == 302
    r = setup.hub.api("POST", "/orpheus/users/sofia/approve", json={})
    assert r.status_code == 200, r.text
    assert account(setup, "sofia")["state"] == "approved"

    def approved(receiver: WebhookReceiver) -> list[dict[str, str]]:
        bodies = [d.json() for d in receiver.deliveries if d.path == "/hook/signups"]
        return [b for b in bodies if (b["event"], b["username"]) == ("approved", "sofia")]

    setup.receiver.wait_until(lambda rec: bool(approved(rec)))
    assert approved(setup.receiver)[0]["email"] == "sofia@example.org"
    _, again = oauth_login(setup, "sofia", "sofia@example.org")
    assert again.status_code == 302
