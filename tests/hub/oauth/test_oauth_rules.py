"""OrpheusOAuthMixin's account decisions against a real account store (no hub process).

The log-in path is ``check_blocked_users`` then ``check_allowed``, called with the
auth model oauthenticator builds; the end-to-end flow is in ``test_oauth_flow.py``.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from tornado import web

from orpheus_hub.accounts.passwords import hash_password
from orpheus_hub.oauth import OrpheusGenericOAuthenticator, OrpheusGitHubOAuthenticator
from tests.fakes.webhook_receiver import webhook_receiver


def _auth(tmp_path: Path, **kw: Any) -> OrpheusGenericOAuthenticator:
    return OrpheusGenericOAuthenticator(db_url=f"sqlite:///{tmp_path / 'orpheus.sqlite'}", **kw)


def _model(name: str, email: str = "", admin: bool | None = None) -> dict[str, Any]:
    info = {"preferred_username": name, "email": email}
    return {"name": name, "admin": admin, "auth_state": {"oauth_user": info, "scope": []}}


async def _login(auth: OrpheusGenericOAuthenticator, name: str, email: str = "") -> bool:
    model = _model(name, email, admin=True if name in auth.admin_users else None)
    if not await auth.check_blocked_users(name, model):
        return False
    return bool(await auth.check_allowed(name, model))


@pytest.mark.asyncio
async def test_first_login_creates_a_trial_and_notifies_once(tmp_path: Path) -> None:
    with webhook_receiver() as receiver:
        auth = _auth(tmp_path)
        auth.notifier.json_webhooks = [f"{receiver.url}/hook/json"]
        assert await _login(auth, "olga", "olga@example.org")
        assert await _login(auth, "olga", "olga@example.org")  # second log-in: no new sign-up
        await auth.notifier.drain()

        account = auth.store.get("olga")
        assert account is not None
        assert (account.source, account.email) == ("oauth:generic", "olga@example.org")
        assert auth.store.state_of("olga", auth.clock.now()) == "trial"
        assert account.last_login_at is not None
        assert [d.json()["event"] for d in receiver.at("/hook/json")] == ["signup"]


@pytest.mark.asyncio
async def test_expired_and_revoked_are_refused_with_the_reason(tmp_path: Path) -> None:
    auth = _auth(tmp_path, trial_hours=1)
    assert await _login(auth, "pia")
    auth.store.create("quinn", None, "oauth:generic", auth.clock.now() - timedelta(hours=2))
    with pytest.raises(web.HTTPError, match="trial ended") as e:
        await _login(auth, "quinn")
    assert e.value.status_code == 403
    auth.store.revoke("pia", auth.clock.now())
    with pytest.raises(web.HTTPError, match="revoked"):
        await _login(auth, "pia")


@pytest.mark.asyncio
async def test_provider_allow_rules_limit_who_may_start_a_trial(tmp_path: Path) -> None:
    auth = _auth(tmp_path, allowed_users={"rita"})
    assert await _login(auth, "rita")
    with pytest.raises(web.HTTPError, match="not among those allowed to sign up"):
        await _login(auth, "sam")
    assert auth.store.get("sam") is None
    # Once an admin approved a name, our database lets it in regardless of those rules.
    auth.store.approve("sam", auth.clock.now())
    assert await _login(auth, "sam")


@pytest.mark.asyncio
async def test_closed_oauth_signup_admits_only_known_accounts(tmp_path: Path) -> None:
    auth = _auth(tmp_path, oauth_signup=False)
    with pytest.raises(web.HTTPError, match="Sign-up through .* is closed"):
        await _login(auth, "tom")
    assert auth.store.get("tom") is None
    auth.store.approve("tom", auth.clock.now())
    assert await _login(auth, "tom")


@pytest.mark.asyncio
async def test_password_account_is_not_taken_over(tmp_path: Path) -> None:
    auth = _auth(tmp_path)
    now = auth.clock.now()
    auth.store.create("uma", "uma@example.org", "signup", now, hash_password("a long passphrase"))
    with pytest.raises(web.HTTPError, match="signs in with a password"):
        await _login(auth, "uma")
    linking = _auth(tmp_path, link_password_accounts=True)
    assert await _login(linking, "uma")


@pytest.mark.asyncio
async def test_admins_get_no_trial_record(tmp_path: Path) -> None:
    auth = _auth(tmp_path, admin_users={"vera"})
    assert await _login(auth, "vera")
    assert auth.store.get("vera") is None  # admins count as approved without a record


@pytest.mark.asyncio
async def test_identity_named_like_an_admin_does_not_take_its_password_account(tmp_path: Path) -> None:
    auth = _auth(tmp_path, admin_users={"wes"})
    auth.store.create("wes", None, "bootstrap", auth.clock.now(), hash_password("a long passphrase"))
    with pytest.raises(web.HTTPError, match="signs in with a password") as e:
        await _login(auth, "wes")
    assert e.value.status_code == 403
    linking = _auth(tmp_path, admin_users={"wes"}, link_password_accounts=True)  # opt-in
    assert await _login(linking, "wes")


@pytest.mark.asyncio
async def test_bootstrap_admin_behind_oauth_has_no_password_and_logs_in(tmp_path: Path) -> None:
    auth = _auth(tmp_path, admin_users={"xavi"}, bootstrap_admin="xavi", bootstrap_admin_password="a long passphrase")
    auth.bootstrap()
    account = auth.store.get("xavi")
    assert account is not None
    assert (account.status, account.password_hash) == ("approved", None)
    assert await _login(auth, "xavi")


def test_blocked_users_config_still_applies(tmp_path: Path) -> None:
    auth = _auth(tmp_path, blocked_users={"xena"})
    assert asyncio.run(auth.check_blocked_users("xena", _model("xena"))) is False
    assert auth.store.get("xena") is None


def test_classes_route_login_to_the_provider(tmp_path: Path) -> None:
    for cls in (OrpheusGenericOAuthenticator, OrpheusGitHubOAuthenticator):
        auth = cls(db_url=f"sqlite:///{tmp_path / 'o.sqlite'}")
        assert auth.login_url("/hub/") == "/hub/oauth_login"
        assert auth.enable_signup is False  # password sign-up makes no sense behind OAuth


@pytest.mark.asyncio
async def test_weird_email_claims_are_dropped(tmp_path: Path) -> None:
    auth = _auth(tmp_path)
    model = _model("yan")
    model["auth_state"]["oauth_user"]["email"] = ["not", "a", "string"]
    assert await auth.check_blocked_users("yan", model)
    account = auth.store.get("yan")
    assert account is not None
    assert account.email is None


@pytest.mark.asyncio
async def test_deleted_name_is_refused_at_first_oauth_login(tmp_path: Path) -> None:
    auth = _auth(tmp_path)
    auth.store.tombstone("zed", auth.clock.now())
    with pytest.raises(web.HTTPError, match="belonged to a deleted account") as e:
        await _login(auth, "zed")
    assert e.value.status_code == 403
    assert auth.store.state_of("zed") == "deleted"
