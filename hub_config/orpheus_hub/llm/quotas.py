"""Per-user limits: tokens per UTC day (trial and approved defaults, admin overrides) and
requests per minute. Exceeding either is a 429 that says the limit and when it resets."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from traitlets import Integer, validate
from traitlets.config import LoggingConfigurable

from .usage import QuotaOverride


@dataclass
class Limits:
    """The limits that apply to one user right now (0 means no limit)."""

    tokens_per_day: int
    requests_per_minute: int
    source: str


class QuotaExceeded(Exception):
    """A limit is reached; ``retry_after`` is in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def next_midnight(now: datetime) -> datetime:
    """The next 00:00 UTC after ``now`` (when daily quotas reset)."""
    today = now.astimezone(timezone.utc).date()
    return datetime(today.year, today.month, today.day, tzinfo=timezone.utc) + timedelta(days=1)


def day_start(now: datetime) -> datetime:
    """00:00 UTC of ``now``'s day."""
    return next_midnight(now) - timedelta(days=1)


class QuotaPolicy(LoggingConfigurable):
    """Decides each user's limits and keeps the per-minute windows and today's counters."""

    trial_tokens_per_day = Integer(
        200_000,
        help="Tokens (input + output) a trial user may spend per UTC day; 0 for no limit.",
    ).tag(config=True)
    approved_tokens_per_day = Integer(
        2_000_000,
        help="Tokens (input + output) an approved user may spend per UTC day; 0 for no limit.",
    ).tag(config=True)
    requests_per_minute = Integer(
        60,
        help="Upstream calls a user may make per rolling minute (any state); 0 for no limit.",
    ).tag(config=True)

    @validate("trial_tokens_per_day", "approved_tokens_per_day", "requests_per_minute")
    def _not_negative(self, proposal: Any) -> int:
        value = int(proposal["value"])
        if value < 0:
            raise ValueError(f"QuotaPolicy.{proposal['trait'].name} must be 0 (no limit) or more, not {value}")
        return value

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._windows: dict[str, deque[float]] = {}
        self._today: dict[str, tuple[date, int]] = {}

    def limits(self, state: str, override: QuotaOverride | None) -> Limits:
        """The defaults for ``state``, with the admin's override on top."""
        tokens = self.trial_tokens_per_day if state == "trial" else self.approved_tokens_per_day
        rpm = self.requests_per_minute
        source = f"{state} default"
        if override is not None:
            if override.tokens_per_day is not None:
                tokens, source = override.tokens_per_day, "set by an administrator"
            if override.requests_per_minute is not None:
                rpm = override.requests_per_minute
        return Limits(tokens, rpm, source)

    # ---- tokens per day ---------------------------------------------------------
    def cached_tokens_today(self, user: str, now: datetime) -> int | None:
        """Today's spend from memory, or ``None`` when it must be read from the database."""
        entry = self._today.get(user)
        if entry is None or entry[0] != now.astimezone(timezone.utc).date():
            return None
        return entry[1]

    def set_tokens_today(self, user: str, now: datetime, tokens: int) -> None:
        """Remember today's spend read from the database."""
        self._today[user] = (now.astimezone(timezone.utc).date(), tokens)

    def add_tokens(self, user: str, now: datetime, tokens: int) -> None:
        """Count a finished request's tokens (only if today's total is already known)."""
        known = self.cached_tokens_today(user, now)
        if known is not None:
            self.set_tokens_today(user, now, known + tokens)

    def check_tokens(self, limits: Limits, used: int, now: datetime) -> None:
        """Raise :class:`QuotaExceeded` when today's spend reached the daily limit."""
        if limits.tokens_per_day <= 0 or used < limits.tokens_per_day:
            return
        reset = next_midnight(now)
        raise QuotaExceeded(
            f"Daily token quota reached: {used} of {limits.tokens_per_day} tokens used today "
            f"({limits.source}). It resets at {reset.strftime('%Y-%m-%d %H:%M UTC')}.",
            max(1, int((reset - now).total_seconds())),
        )

    # ---- requests per minute -------------------------------------------------------
    def admit(self, user: str, limits: Limits) -> None:
        """Count one request in ``user``'s rolling minute, or raise :class:`QuotaExceeded`."""
        if limits.requests_per_minute <= 0:
            return
        now = time.monotonic()
        window = self._windows.setdefault(user, deque())
        while window and now - window[0] >= 60:
            window.popleft()
        if len(window) >= limits.requests_per_minute:
            wait = max(1, int(60 - (now - window[0]) + 0.999))
            raise QuotaExceeded(
                f"Request rate limit reached: {limits.requests_per_minute} requests per minute. "
                f"Try again in {wait} s.",
                wait,
            )
        window.append(now)
