"""Per-user limits: tokens per UTC day (trial and approved defaults, admin overrides) and
requests per minute. Exceeding either is a 429 that says the limit and when it resets.

The daily quota is a cap, not a hint: before a model call is forwarded, its
worst case (the request's ``max_tokens`` plus an estimate of its input) is
reserved against what is left today; the reservation is replaced by the real
usage when the call ends. Checks and reservations of one user are serialized,
so concurrent calls cannot all pass on the same remaining balance."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from traitlets import Integer, validate
from traitlets.config import LoggingConfigurable

from ..accounts.models import TRIAL
from ..refusal import Refusal
from .usage import QuotaOverride


@dataclass
class Limits:
    """The limits that apply to one user right now (0 means no limit)."""

    tokens_per_day: int
    requests_per_minute: int
    source: str


class QuotaExceeded(Refusal):
    """A limit is reached (429); ``retry_after`` is in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(429, message)
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
        help="Calls a user may make per rolling minute to any gateway route (model calls, token "
        "counts, model lists, token minting; any state); 0 for no limit.",
    ).tag(config=True)
    default_max_tokens = Integer(
        4096,
        help="Output tokens reserved for a model call that names no max_tokens (OpenAI allows that).",
    ).tag(config=True)

    @validate("trial_tokens_per_day", "approved_tokens_per_day", "requests_per_minute", "default_max_tokens")
    def _not_negative(self, proposal: Any) -> int:
        value = int(proposal["value"])
        if value < 0:
            raise ValueError(f"QuotaPolicy.{proposal['trait'].name} must be 0 (no limit) or more, not {value}")
        return value

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._windows: dict[str, deque[float]] = {}
        self._today: dict[str, tuple[date, int]] = {}
        self._reserved: dict[str, int] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def lock(self, user: str) -> asyncio.Lock:
        """Serializes one user's quota check and reservation."""
        return self._locks.setdefault(user, asyncio.Lock())

    def limits(self, state: str, override: QuotaOverride | None) -> Limits:
        """The defaults for ``state``, with the admin's override on top."""
        tokens = self.trial_tokens_per_day if state == TRIAL else self.approved_tokens_per_day
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

    def reserve(self, user: str, limits: Limits, used: int, amount: int, now: datetime) -> None:
        """Hold ``amount`` tokens of today's quota for a call in flight, or raise
        :class:`QuotaExceeded` when it could overshoot the limit."""
        held = self._reserved.get(user, 0)
        cap = limits.tokens_per_day
        if cap > 0 and used + held + amount > cap:
            reset = next_midnight(now)
            left = max(cap - used - held, 0)
            busy = used + amount <= cap  # only the calls in flight stand in the way
            raise QuotaExceeded(
                f"Daily token quota: this request may use up to {amount} tokens (its max_tokens plus "
                f"its input), but only {left} of your {cap} tokens are left today ({limits.source})"
                + ("; your other requests in flight hold the rest. Try again when they finish."
                   if busy else f". Lower max_tokens, or wait until {reset.strftime('%Y-%m-%d %H:%M UTC')}."),
                5 if busy else max(1, int((reset - now).total_seconds())),
            )
        self._reserved[user] = held + amount

    def release(self, user: str, amount: int) -> None:
        """Give back a reservation (the call ended; its real usage is counted by ``add_tokens``)."""
        left = self._reserved.get(user, 0) - amount
        if left > 0:
            self._reserved[user] = left
        else:
            self._reserved.pop(user, None)

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


def estimate_tokens(body: dict[str, Any], default_max: int) -> int:
    """Worst-case tokens of a model call: its max_tokens plus a generous input estimate.

    Text counts a token per 3 characters (tokenizers average about 4); an image or
    document given as base64 counts 1,600 tokens, not its encoded length.
    """
    output = body.get("max_tokens") or body.get("max_completion_tokens") or default_max
    try:
        output = max(int(output), 1)
    except (TypeError, ValueError):
        output = default_max
    fields = {k: v for k, v in body.items() if k not in ("max_tokens", "max_completion_tokens")}
    return output + _input_estimate(fields)


def _input_estimate(value: Any) -> int:
    if isinstance(value, str):
        if value.startswith("data:") and ";base64," in value[:100]:
            return 1600  # an image or file as a data URL (OpenAI)
        return len(value) // 3 + 1
    if isinstance(value, dict):
        if value.get("type") == "base64" and isinstance(value.get("data"), str):
            return 1600
        return sum(_input_estimate(k) + _input_estimate(v) for k, v in value.items())
    if isinstance(value, list):
        return sum(_input_estimate(v) for v in value) + 1
    return 1
