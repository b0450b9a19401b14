"""Sign-up to JupyterLab, bad input, the approvals page, the admin API and its guards (real hub)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.fakes.webhook_receiver import WebhookReceiver, webhook_receiver
from tests.harness.hub import Hub, running_hub
from tests.harness.ports import free_port

from .helpers import (
    CHEAP_HASHING,
    PASSWORD,
    accounts,
    form_session,
    login,
    signup,
    spawn_as,
    wait_ready,
    wait_until,
    xsrf,
)

pytestmark = [pytest.mark.slow]
ADMIN_PASSWORD = "admin-password-for-tests"


@pytest.fixture(scope="module")
def receiver() -> Iterator[WebhookReceiver]:
    """A local webhook receiver the hub notifies."""
    with webhook_receiver(slow_seconds=1) as r:
        yield r


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory, receiver: WebhookReceiver) -> Iterator[Hub]:
    """One hub for this module; rate limits off (test_enforcement covers them); a live
    and a dead JSON webhook."""
    dead = f"http://127.0.0.1:{free_port()}/nobody-listens"
    extra = "\n".join(
        [
            "c.OrpheusAuthenticator.signup_rate_limit = 0",
            "c.OrpheusAuthenticator.login_rate_limit = 0",
            f"c.Notifier.json_webhooks = [{dead!r}, {receiver.url + '/hook/json'!r}]",
            CHEAP_HASHING,
        ]
    )
    yield from running_hub(Path(tmp_path_factory.mktemp("accounts-flow")), extra_config=extra)


def admin_session(hub: Hub) -> requests.Session:
    s, r = login(hub, "admin", ADMIN_PASSWORD)
    assert r.status_code == 302, r.text[:500]
    return s


def test_signup_login_spawn_lab_and_info_show_trial(hub: Hub) -> None:
    r = signup(hub, "carol", "carol@example.org")
    assert r.status_code == 302, r.text[:800]
    s, r = login(hub, "Carol")  # the standard form; names are case-insensitive
    assert r.status_code == 302, r.text[:800]
    home = s.get(hub.url + "/hub/home", timeout=30)
    assert "orpheus-trial-banner" in home.text
    assert "left" in home.text
    assert spawn_as(hub, s, "carol").status_code in (201, 202)
    wait_ready(hub, "carol")
    lab = s.get(f"{hub.url}/user/carol/lab", timeout=60)
    assert lab.status_code == 200
    assert "JupyterLab" in lab.text
    info = s.get(f"{hub.url}/user/carol/orpheus/api/info", timeout=30)
    assert info.status_code == 200, info.text
    account = info.json()["account"]
    assert account["name"] == "carol"
    assert account["state"] == "trial"
    assert account["trial_expires_at"].endswith("Z")
    listed = accounts(hub)["carol"]
    assert listed["email"] == "carol@example.org"
    assert listed["last_login_at"]
    hub.stop_server("carol")


@pytest.mark.parametrize(
    ("username", "email", "password", "status", "message"),
    [
        ("dave", "dave@example.org", "short", 400, "at least 10 characters"),
        ("dave", "dave@example.org", "password123", 400, "too common"),
        ("dave", "dave@example.org", "dave@example.org", 400, "must not be your username or email"),
        ("d" * 33, "dave@example.org", PASSWORD, 400, "at most 32 characters"),
        ("da\x01ve", "dave@example.org", PASSWORD, 400, "control characters"),
        ("dave/../x", "dave@example.org", PASSWORD, 400, "may contain only"),
        ("dave", "not-an-email", PASSWORD, 400, "valid email"),
        ("admin", "dave@example.org", PASSWORD, 409, "reserved"),
    ],
)
def test_bad_signup_is_a_clear_4xx_and_creates_nothing(
    hub: Hub, username: str, email: str, password: str, status: int, message: str
) -> None:
    before = accounts(hub)
    r = signup(hub, username, email, password)
    assert r.status_code == status
    assert message in r.text
    assert accounts(hub) == before


def test_duplicate_username_or_email_is_409(hub: Hub) -> None:
    assert signup(hub, "erin", "erin@example.org").status_code == 302
    before = accounts(hub)
    dup_name = signup(hub, "ERIN", "other@example.org")
    assert dup_name.status_code == 409
    assert "username is already taken" in dup_name.text
    dup_mail = signup(hub, "erin2", "Erin@Example.org")
    assert dup_mail.status_code == 409
    assert "email is already taken" in dup_mail.text
    assert accounts(hub) == before


def test_missing_xsrf_is_refused(hub: Hub) -> None:
    s = form_session(hub, "/hub/signup")
    data = {"username": "frank", "email": "frank@example.org", "password": PASSWORD}
    r = s.post(hub.url + "/hub/signup", data=data, allow_redirects=False, timeout=30)
    assert r.status_code == 403
    assert "_xsrf" in r.text
    assert "frank" not in accounts(hub)
    admin = admin_session(hub)
    r = admin.post(hub.url + "/hub/approvals", data={"action": "revoke", "username": "erin"}, timeout=30)
    assert r.status_code == 403
    assert accounts(hub)["erin"]["state"] == "trial"


def test_non_admin_gets_403_on_every_admin_route(hub: Hub) -> None:
    token = hub.create_user("gina")
    for method, path, body in [
        ("GET", "/orpheus/users", None),
        ("POST", "/orpheus/users/gina/approve", {}),
        ("POST", "/orpheus/users/admin/revoke", {}),
        ("POST", "/orpheus/users/gina/trial", {"hours": 5}),
    ]:
        r = hub.api(method, path, token=token, json=body)
        assert r.status_code == 403, (path, r.text)
        anonymous = requests.request(method, f"{hub.url}/hub/api{path}", json=body, timeout=30)
        assert anonymous.status_code == 403, (path, anonymous.text)
    assert signup(hub, "hank", "hank@example.org").status_code == 302
    s, r = login(hub, "hank")
    assert 'href="/hub/approvals"' not in s.get(hub.url + "/hub/home", timeout=30).text
    page = s.get(hub.url + "/hub/approvals", timeout=30)
    assert page.status_code == 403
    post = s.post(
        hub.url + "/hub/approvals", data={"_xsrf": xsrf(s), "action": "approve", "username": "hank"}, timeout=30
    )
    assert post.status_code == 403
    assert accounts(hub)["hank"]["state"] == "trial"
    anonymous_page = requests.get(hub.url + "/hub/approvals", allow_redirects=False, timeout=30)
    assert anonymous_page.status_code == 302
    assert "/hub/login" in anonymous_page.headers["Location"]


def test_me_describes_the_token_owner(hub: Hub) -> None:
    token = hub.create_user("ivy")
    r = hub.api("GET", "/orpheus/me", token=token)
    assert r.status_code == 200, r.text
    me = r.json()
    assert (me["name"], me["state"], me["is_admin"], me["trial_expires_at"]) == ("ivy", "approved", False, None)
    assert me["groups"] == []
    service = hub.api("GET", "/orpheus/me")  # the harness service's token
    assert service.status_code == 400
    assert "service" in service.json()["message"]


def test_approvals_page_approve_revoke_extend_delete(hub: Hub) -> None:
    assert signup(hub, "jack", "jack@example.org").status_code == 302
    admin = admin_session(hub)
    assert 'href="/hub/approvals"' in admin.get(hub.url + "/hub/home", timeout=30).text  # nav link
    page = admin.get(hub.url + "/hub/approvals", timeout=30)
    assert page.status_code == 200
    assert 'data-user="jack"' in page.text

    def act(action: str, **extra: str) -> requests.Response:
        data = {"_xsrf": xsrf(admin), "action": action, "username": "jack", **extra}
        return admin.post(hub.url + "/hub/approvals", data=data, timeout=30)

    assert act("approve").status_code == 200
    assert accounts(hub)["jack"]["state"] == "approved"
    r = act("revoke")
    assert r.status_code == 200
    assert "Revoked jack" in r.text
    assert accounts(hub)["jack"]["state"] == "revoked"
    _, refused = login(hub, "jack")
    assert refused.status_code == 403
    assert "revoked by an administrator" in refused.text
    bad = act("trial", hours="-3")
    assert bad.status_code == 400
    assert "Hours must be between" in bad.text
    assert act("trial", hours="2").status_code == 200
    assert accounts(hub)["jack"]["state"] == "trial"
    assert act("delete").status_code == 200
    assert accounts(hub)["jack"]["state"] == "deleted"  # a tombstone keeps the name reserved
    assert hub.api("GET", "/users/jack").status_code == 404
    unknown = admin.post(
        hub.url + "/hub/approvals", data={"_xsrf": xsrf(admin), "action": "zap", "username": "x"}, timeout=30
    )
    assert unknown.status_code == 400
    assert "Unknown action" in unknown.text


def test_rest_api_approve_revoke_trial(hub: Hub) -> None:
    assert signup(hub, "kate", "kate@example.org").status_code == 302
    r = hub.api("POST", "/orpheus/users/kate/approve")
    assert r.status_code == 200
    assert r.json()["state"] == "approved"
    r = hub.api("POST", "/orpheus/users/kate/revoke", json={})
    assert r.status_code == 200
    assert r.json()["state"] == "revoked"
    _, refused = login(hub, "kate")
    assert "revoked by an administrator" in refused.text
    r = hub.api("POST", "/orpheus/users/kate/trial", json={"hours": 3})
    assert r.status_code == 200
    assert r.json()["state"] == "trial"
    assert login(hub, "kate")[1].status_code == 302
    for body, message in [
        ({"hours": 3, "extra": 1}, "extra"),
        ({"hours": -1}, "hours"),
        ({}, "hours"),
        ({"hours": "many"}, "hours"),
    ]:
        r = hub.api("POST", "/orpheus/users/kate/trial", json=body)
        assert r.status_code == 400, r.text
        assert message in r.json()["message"]
    r = hub.api("POST", "/orpheus/users/kate/approve", data="[1]")
    assert r.status_code == 400
    assert "JSON object" in r.json()["message"]
    assert hub.api("DELETE", "/users/kate").status_code == 204  # the hub's own API
    assert accounts(hub)["kate"]["state"] == "deleted"  # the record became a tombstone
    assert hub.api("POST", "/orpheus/users/nobody-here/approve").status_code == 404
    assert hub.api("POST", "/orpheus/users/kate/explode").status_code == 404


def test_signup_and_approval_notify_the_webhooks(hub: Hub, receiver: WebhookReceiver) -> None:
    def events(name: str) -> list[str]:
        return [d.json()["event"] for d in receiver.at("/hook/json") if d.json()["username"] == name]

    assert signup(hub, "nora", "nora@example.org").status_code == 302  # a dead hook does not block it
    receiver.wait_until(lambda _: events("nora") == ["signup"])
    assert hub.api("POST", "/orpheus/users/nora/approve").status_code == 200
    receiver.wait_until(lambda _: events("nora") == ["signup", "approved"])
    assert [d.json()["email"] for d in receiver.at("/hook/json") if d.json()["username"] == "nora"] == [
        "nora@example.org",
        "nora@example.org",
    ]


def test_revoking_ends_an_open_browser_session(hub: Hub) -> None:
    assert signup(hub, "olly", "olly@example.org").status_code == 302
    s, r = login(hub, "olly")
    assert r.status_code == 302
    assert s.get(hub.url + "/hub/home", allow_redirects=False, timeout=30).status_code == 200
    assert hub.api("POST", "/orpheus/users/olly/revoke").status_code == 200

    def signed_out() -> bool:
        home = s.get(hub.url + "/hub/home", allow_redirects=False, timeout=30)
        return home.status_code == 302 and "/hub/login" in home.headers["Location"]

    wait_until(signed_out, timeout=20, what="olly's session to end")


PUBLIC = {"/signup"}  # the sign-up form is public by design (rate limited, xsrf-protected)


def test_only_signup_answers_without_credentials(hub: Hub) -> None:
    from orpheus_hub.accounts.handlers import default_handlers

    login_page = requests.get(hub.url + "/hub/login", timeout=30).text
    assert 'href="/hub/signup"' in login_page  # the standard form links to sign-up
    assert signup(hub, "pia", "pia@example.org").status_code == 302
    for pattern, _ in default_handlers:
        path = re.sub(r"\((\w+)\|[^)]*\)", r"\1", pattern.replace("([^/]+)", "pia"))
        for method in ("GET", "POST"):
            r = requests.request(method, f"{hub.url}/hub{path}", allow_redirects=False, timeout=30)
            if pattern in PUBLIC and method == "GET":
                assert r.status_code == 200, path
                continue
            denied = r.status_code in (403, 405) or (r.status_code == 302 and "/hub/login" in r.headers["Location"])
            assert denied, (method, path, r.status_code)
    assert accounts(hub)["pia"]["state"] == "trial"  # nothing was approved on the way
