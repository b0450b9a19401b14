"""Failed-login counters with exponential backoff, per client address and per username.

One rule for both kinds of key: the first ``max_failures - 1`` failures cost nothing;
from the ``max_failures``-th on, each blocks the key for ``base * 2**(failures - max_failures)``
seconds, never more than ``cap`` at a time. A counter is forgotten ``forget``
after its last failure. Counters live in the accounts database (a restart keeps
them) under a SHA-256 of the key, so typed names are never stored as typed.
Names are counted whether or not an account has them: an unknown name behaves
exactly like a known one.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from .models import LoginThrottle, from_db, to_db
from .store import AccountStore


@dataclass(frozen=True)
class BackoffRules:
    """When failures start to cost, and how much."""

    max_failures: int
    base_seconds: float
    cap_seconds: float
    forget_seconds: float

    def block_for(self, failures: int) -> float | None:
        """Seconds a key is blocked after its ``failures``-th failure (None: not blocked)."""
        over = failures - self.max_failures
        if over < 0:
            return None
        return float(min(self.base_seconds * 2.0 ** min(over, 40), self.cap_seconds))


@dataclass(frozen=True)
class Standing:
    """A key's failures (within the memory) and until when it is blocked."""

    failures: int = 0
    blocked_until: datetime | None = None

    def wait(self, now: datetime) -> float | None:
        """Seconds until the block ends, or None if not blocked at ``now``."""
        if self.blocked_until is None or now >= self.blocked_until:
            return None
        return (self.blocked_until - now).total_seconds()


def address_key(address: str) -> str:
    """The stored key of a client address."""
    return hashlib.sha256(f"ip:{address}".encode()).hexdigest()


def name_key(username: str) -> str:
    """The stored key of a (normalized) username."""
    return hashlib.sha256(f"name:{username}".encode()).hexdigest()


class Throttle:
    """Reads and updates the counters in the account store's database."""

    def __init__(self, store: AccountStore, rules: BackoffRules) -> None:
        self.store = store
        self.rules = rules
        #: one writer at a time in this process (SQLite would make concurrent ones wait
        #: on its busy timeout, unfairly; the hub is the only process writing here)
        self._write = threading.Lock()

    def _standing(self, row: LoginThrottle | None, now: datetime) -> Standing:
        if row is None:
            return Standing()
        last = from_db(row.last_failure_at)
        if last is not None and (now - last).total_seconds() >= self.rules.forget_seconds:
            return Standing()
        return Standing(row.failures, from_db(row.blocked_until))

    def standing(self, key: str, now: datetime) -> Standing:
        """The current standing of ``key``."""
        with self.store.transaction() as session:
            return self._standing(session.get(LoginThrottle, key), now)

    def standings(self, keys: list[str], now: datetime) -> dict[str, Standing]:
        """Standings of many keys at once (the approvals page)."""
        with self.store.transaction() as session:
            rows = {r.key: r for r in session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys)))}
        return {k: self._standing(rows.get(k), now) for k in keys}

    def fail(self, key: str, now: datetime) -> Standing:
        """Count one failure of ``key``; returns the new standing."""
        with self._write:
            try:
                return self._fail(key, now)
            except IntegrityError:  # another process created the row first: count on it
                return self._fail(key, now)

    def _fail(self, key: str, now: datetime) -> Standing:
        with self.store.transaction() as session:
            row = session.get(LoginThrottle, key)
            if row is None or self._standing(row, now).failures == 0:
                if row is None:
                    row = LoginThrottle(key=key, failures=0, last_failure_at=to_db(now))
                    session.add(row)
                row.failures = 0
                row.blocked_until = None
                session.flush()
            session.execute(
                update(LoginThrottle)
                .where(LoginThrottle.key == key)
                .values(failures=LoginThrottle.failures + 1, last_failure_at=to_db(now))
            )
            session.refresh(row)
            block = self.rules.block_for(row.failures)
            if block is not None:
                row.blocked_until = to_db(now + timedelta(seconds=block))
            return Standing(row.failures, from_db(row.blocked_until))

    def clear(self, key: str) -> bool:
        """Forget ``key`` (a successful login, an admin unlock); True if it had a counter."""
        with self._write, self.store.transaction() as session:
            result = session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
            return bool(getattr(result, "rowcount", 0))

    def prune(self, now: datetime) -> int:
        """Drop counters whose last failure is older than the memory; returns how many."""
        horizon = to_db(now - timedelta(seconds=self.rules.forget_seconds))
        with self._write, self.store.transaction() as session:
            result = session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < horizon))
            return int(getattr(result, "rowcount", 0) or 0)
