"""How accounts are shown: JSON models for the API, rows for the page, user-facing messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .models import APPROVED, DELETED, EXPIRED, MISSING, REVOKED, TRIAL, Account, from_db


def iso(moment: datetime | None) -> str | None:
    """ISO-8601 in UTC with a ``Z``, or None."""
    if moment is None:
        return None
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def human_time(moment: datetime) -> str:
    """``2026-11-25 14:03 UTC``."""
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def duration(seconds: float) -> str:
    """``2 d 23 h``, ``3 h 12 min``, ``12 min`` or ``less than a minute``: the wording of
    the trial banner, used wherever the hub shows a length of time."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "less than a minute"
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {mins} min" if hours else f"{mins} min"


def time_left(expires: datetime | None, now: datetime) -> str:
    """``2 d 23 h`` left, ``ended`` or ``""`` without a deadline."""
    if expires is None:
        return ""
    seconds = (expires - now).total_seconds()
    if seconds <= 0:
        return "ended"
    return duration(seconds)


def relative(moment: datetime | None, now: datetime) -> str:
    """``3 d 2 h ago``, ``in 2 d 23 h`` or ``just now``; ``""`` for no time."""
    if moment is None:
        return ""
    seconds = (moment - now).total_seconds()
    if abs(seconds) < 60:
        return "just now"
    return f"in {duration(seconds)}" if seconds > 0 else f"{duration(-seconds)} ago"


def effective_state(account: Account | None, is_admin: bool, now: datetime) -> str:
    """The state that decides access: the record's state, for hub admins too (revocation,
    expiry and deletion apply to them). Without a record, hub admins (configured or made
    admin in the hub) count as approved and everyone else as expired (awaiting approval)."""
    if account is not None:
        return account.state(now)
    return APPROVED if is_admin else EXPIRED


def deleted_message(name: str) -> str:
    """What anyone trying to use a deleted account's name reads."""
    return (
        f"The name {name} belonged to a deleted account; it cannot be used again "
        "until an administrator releases it."
    )


def blocked_message(account: Account | None, state: str) -> str | None:
    """The sentence a refused user reads, or None if the state allows access."""
    if state == DELETED and account is not None:
        return deleted_message(account.username)
    if state == REVOKED:
        return "Your account has been revoked by an administrator."
    if state != EXPIRED:
        return None
    ended = from_db(account.trial_expires_at) if account else None
    if ended is None or account is None or account.source == "admin":
        return "Your account is awaiting approval by an administrator."
    return (
        f"Your trial ended on {human_time(ended)}. "
        "Your account is awaiting approval by an administrator."
    )


def account_model(
    name: str,
    account: Account | None,
    is_admin: bool,
    now: datetime,
    groups: list[str] | None = None,
    locked_until: datetime | None = None,
) -> dict[str, Any]:
    """The JSON model of one user (``GET /hub/api/orpheus/me`` and the users list)."""
    state = effective_state(account, is_admin, now)
    trial_end = from_db(account.trial_expires_at) if account else None
    return {
        "name": name,
        "state": state,
        "trial_expires_at": iso(trial_end) if state in (TRIAL, EXPIRED) else None,
        "is_admin": is_admin,
        "groups": groups or [],
        "has_record": account is not None,
        "email": account.email if account else None,
        "source": account.source if account else MISSING,
        "created_at": iso(from_db(account.created_at)) if account else None,
        "approved_at": iso(from_db(account.approved_at)) if account else None,
        "last_login_at": iso(from_db(account.last_login_at)) if account else None,
        "locked_until": iso(locked_until),
        "trial_time_left": time_left(trial_end, now) if state in (TRIAL, EXPIRED) else "",
        "deleted_at": iso(from_db(account.deleted_at)) if account else None,
    }
