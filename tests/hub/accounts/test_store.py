"""The account store against a real SQLite file (no hub)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect

from orpheus_hub.accounts.store import AccountExists, AccountNotFound, AccountStore
from orpheus_hub.accounts.throttle import BackoffRules, Throttle, address_key, name_key

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path: Path) -> AccountStore:
    s = AccountStore(f"sqlite:///{tmp_path / 'db' / 'orpheus.sqlite'}", trial_hours=24)
    s.migrate()
    return s


def test_migrate_creates_the_schema_once(store: AccountStore) -> None:
    store.migrate()  # idempotent
    tables = set(inspect(store.engine).get_table_names())
    assert {"orpheus_accounts", "orpheus_alembic_version"} <= tables


def test_trial_runs_out_after_trial_hours(store: AccountStore) -> None:
    store.create("amy", "amy@example.org", "signup", NOW, "hash")
    assert store.state_of("amy", NOW + timedelta(hours=23, minutes=59)) == "trial"
    assert store.state_of("amy", NOW + timedelta(hours=24)) == "expired"
    assert store.state_of("nobody", NOW) == "none"


def test_usernames_and_emails_are_unique(store: AccountStore) -> None:
    store.create("amy", "amy@example.org", "signup", NOW)
    with pytest.raises(AccountExists) as name:
        store.create("amy", "other@example.org", "signup", NOW)
    assert name.value.field == "username"
    with pytest.raises(AccountExists) as email:
        store.create("amy2", "AMY@example.org", "signup", NOW)
    assert email.value.field == "email"
    assert [a.username for a in store.list()] == ["amy"]


def test_ensure_account_creates_a_trial_once(store: AccountStore) -> None:
    first = store.ensure_account("bo", "bo@example.org", "oauth:github", NOW)
    again = store.ensure_account("bo", "changed@example.org", "oauth:github", NOW + timedelta(hours=1))
    assert first.id == again.id
    assert again.email == "bo@example.org"
    assert again.state(NOW) == "trial"
    taken = store.ensure_account("bo2", "bo@example.org", "oauth:github", NOW)
    assert taken.email is None  # the address belongs to bo


def test_approve_revoke_and_extend(store: AccountStore) -> None:
    store.create("cy", None, "signup", NOW)
    later = NOW + timedelta(days=3)
    assert store.state_of("cy", later) == "expired"
    account, created = store.approve("cy", later)
    assert (account.state(later), created) == ("approved", False)
    assert store.revoke("cy", later).state(later) == "revoked"
    extended = store.extend_trial("cy", 2, later)
    assert extended.state(later + timedelta(hours=1, minutes=59)) == "trial"
    assert extended.state(later + timedelta(hours=2)) == "expired"
    with pytest.raises(AccountNotFound):
        store.extend_trial("ghost", 2, later)


def test_approve_creates_a_missing_record(store: AccountStore) -> None:
    account, created = store.approve("dee", NOW)
    assert created
    assert account.source == "admin"
    assert store.state_of("dee", NOW + timedelta(days=400)) == "approved"


def test_backoff_doubles_per_failure_up_to_the_cap_and_is_forgotten(store: AccountStore) -> None:
    rules = BackoffRules(max_failures=3, base_seconds=30, cap_seconds=600, forget_seconds=3600)
    assert [rules.block_for(n) for n in range(1, 9)] == [None, None, 30, 60, 120, 240, 480, 600]
    throttle = Throttle(store, rules)
    key = name_key("eve")
    assert [throttle.fail(key, NOW).failures for _ in range(2)] == [1, 2]
    assert throttle.standing(key, NOW).wait(NOW) is None
    third = throttle.fail(key, NOW)
    assert third.blocked_until == NOW + timedelta(seconds=30)
    assert third.wait(NOW + timedelta(seconds=10)) == 20
    later = NOW + timedelta(hours=2)  # past the memory: counting starts again
    assert throttle.standing(key, later).failures == 0
    assert throttle.fail(key, later).failures == 1
    assert throttle.clear(key)
    assert not throttle.clear(key)
    assert throttle.standing(address_key("127.0.0.1"), NOW).failures == 0


def test_state_survives_a_new_store_on_the_same_file(store: AccountStore) -> None:
    store.create("fay", "fay@example.org", "signup", NOW)
    rules = BackoffRules(1, 900, 900, 86400)
    Throttle(store, rules).fail(name_key("fay"), NOW)
    reopened = AccountStore(store.db_url)
    reopened.migrate()
    assert Throttle(reopened, rules).standing(name_key("fay"), NOW).blocked_until == NOW + timedelta(minutes=15)
    assert Throttle(reopened, rules).prune(NOW + timedelta(days=2)) == 1
    account = reopened.get("fay")
    assert account is not None
    assert account.state(NOW + timedelta(hours=1)) == "trial"
    assert reopened.delete("fay")
    assert not reopened.delete("fay")


def test_effective_state_admins_are_held_to_their_record(store: AccountStore) -> None:
    from orpheus_hub.accounts.views import blocked_message, effective_state

    later = NOW + timedelta(days=2)
    assert effective_state(None, True, later) == "approved"
    assert effective_state(None, False, later) == "expired"
    assert blocked_message(None, "expired") == "Your account is awaiting approval by an administrator."
    account = store.create("gus", None, "signup", NOW)
    assert effective_state(account, True, later) == "expired"  # expiry applies to admins too
    assert effective_state(account, False, later) == "expired"
    message = blocked_message(account, "expired")
    assert message is not None
    assert message.startswith("Your trial ended on 2026-01-02 12:00 UTC.")
    revoked = store.revoke("gus", later)
    assert effective_state(revoked, True, later) == "revoked"


def test_concurrent_signups_of_one_name_create_one_account(store: AccountStore) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def attempt(i: int) -> str:
        try:
            store.create("race", f"race{i}@example.org", "signup", NOW)
        except AccountExists as e:
            return e.field
        return "created"

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(attempt, range(16)))
    assert results.count("created") == 1
    assert set(results) == {"created", "username"}
    assert [a.username for a in store.list()] == ["race"]


def test_tombstone_reserves_the_name_until_released(store: AccountStore) -> None:
    store.create("amy", "amy@example.org", "signup", NOW, "hash")
    tomb = store.tombstone("amy", NOW)
    assert (tomb.status, tomb.password_hash, tomb.email) == ("deleted", None, None)
    assert store.state_of("amy", NOW) == "deleted"
    with pytest.raises(AccountExists):
        store.create("amy", "new@example.org", "signup", NOW)
    store.create("other", "amy@example.org", "signup", NOW)  # the email is free again
    assert store.tombstone("ghost", NOW).status == "deleted"  # no record before: one now
    assert store.release("amy")
    assert store.get("amy") is None
    assert not store.release("other")  # not deleted: nothing released


def test_concurrent_failures_are_all_counted(store: AccountStore) -> None:
    from concurrent.futures import ThreadPoolExecutor

    throttle = Throttle(store, BackoffRules(5, 30, 900, 86400))
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: throttle.fail(name_key(f"k{i % 2}"), NOW), range(40)))
    assert [throttle.standing(name_key(f"k{i}"), NOW).failures for i in (0, 1)] == [20, 20]
