"""Password rules, Argon2id hashing, sign-up form checks and the rate limiter (no hub)."""

from __future__ import annotations

import asyncio

import pytest

from orpheus_hub.accounts.forms import FormError, check_signup, check_username
from orpheus_hub.accounts.passwords import (
    Hasher,
    PasswordPolicy,
    ahash_password,
    averify_password,
    verify_password,
)
from orpheus_hub.accounts.ratelimit import RateLimiter

POLICY = PasswordPolicy(min_length=10)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "at least 10"),
        ("Password123", "too common"),
        ("QWERTYUIOP", "too common"),
        ("aaaaaaaaaaaa", "too common"),
        ("x" * 1025, "at most 1024"),
        ("zoe@example.org", "username or email"),
    ],
)
def test_policy_refuses(password: str, problem: str) -> None:
    found = POLICY.problem(password, "zoe", "zoe@example.org")
    assert found is not None
    assert problem in found


def test_policy_accepts_a_long_uncommon_password() -> None:
    assert POLICY.problem("violet otters juggle lanterns", "zoe", "zoe@example.org") is None


def test_common_list_is_a_shipped_data_file() -> None:
    assert len(POLICY.common) > 300
    assert "letmein" in POLICY.common


def test_argon2id_hash_round_trip_off_the_loop() -> None:
    async def run() -> tuple[str, bool, bool]:
        digest = await ahash_password("violet otters juggle lanterns")
        return (
            digest,
            await averify_password(digest, "violet otters juggle lanterns"),
            await averify_password(digest, "violet otters juggle lantern"),
        )

    digest, good, bad = asyncio.run(run())
    assert digest.startswith("$argon2id$")
    assert "violet" not in digest
    assert (good, bad) == (True, False)
    assert verify_password(None, "anything") is False
    assert verify_password("not-a-hash", "anything") is False


def test_hasher_cost_is_configurable_and_old_hashes_need_a_rehash() -> None:
    cheap = Hasher(time_cost=1, memory_kib=8192, parallelism=1)
    digest = cheap.hash("violet otters juggle lanterns")
    assert "m=8192,t=1,p=1" in digest
    assert cheap.verify(digest, "violet otters juggle lanterns")
    assert not cheap.needs_rehash(digest)
    assert Hasher().needs_rehash(digest)  # the default cost is higher: upgraded at next login
    assert Hasher().verify(digest, "violet otters juggle lanterns")  # but still verifies


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Choose a username"),
        ("a\tb", "control characters"),
        ("a" * 33, "at most 32"),
        ("-lead", "may contain only"),
        ("ünï", "may contain only"),
        ("root", "reserved"),
    ],
)
def test_usernames_refused(raw: str, message: str) -> None:
    with pytest.raises(FormError, match=message):
        check_username(raw)


def test_signup_normalizes_only_case() -> None:
    data = check_signup("  Zoe.K ", "zoe@example.org", "violet otters juggle lanterns", POLICY)
    assert (data.username, data.email) == ("zoe.k", "zoe@example.org")


def test_rate_limiter_window() -> None:
    now = [100.0]
    limiter = RateLimiter(limit=2, window=10, monotonic=lambda: now[0])
    assert limiter.hit("1.2.3.4") is None
    assert limiter.hit("1.2.3.4") is None
    assert limiter.hit("1.2.3.4") == pytest.approx(10)
    assert limiter.hit("5.6.7.8") is None  # per address
    now[0] += 10
    assert limiter.hit("1.2.3.4") is None
    assert RateLimiter(limit=0, window=10).hit("x") is None  # 0 disables
