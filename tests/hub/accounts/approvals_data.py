"""520 accounts for the approvals page tests, written straight into the accounts database."""

from __future__ import annotations

from datetime import datetime, timedelta

from orpheus_hub.accounts.models import Account, LoginThrottle, to_db
from orpheus_hub.accounts.store import AccountStore
from orpheus_hub.accounts.throttle import name_key

COUNT = 520


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
