"""Gateway-only tokens: short-lived credentials that reach the model routes and nothing else.

A user server asks for one (``POST /services/llm/api/tokens`` with its hub
token) when it starts a session terminal, and gives the terminal that token
instead of its own hub token: whatever the terminal prints or leaks can spend
the user's model quota until it expires, but cannot open terminals, read files
or call the hub. Tokens are ``orpheus-llm-`` + ``secrets.token_urlsafe(32)``,
stored only as SHA-256, checked with ``secrets.compare_digest``, refused once
expired, revoked by their owner (``DELETE /api/tokens/{id}``, when the session ends) and
revoked when the owner's account is found blocked.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import DateTime, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from .usage import Base, UsageStore, iso, naive_utc

PREFIX = "orpheus-llm-"
#: What a gateway token looks like (share snapshots redact anything of this shape).
PATTERN = re.compile(re.escape(PREFIX) + r"[A-Za-z0-9_-]{43}")
_DUMMY_HASH = hashlib.sha256(b"orpheus-llm-dummy").hexdigest()


class GatewayToken(Base):
    """One minted token (hash only)."""

    __tablename__ = "llm_gateway_tokens"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    user: Mapped[str] = mapped_column(String(255), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    #: naive UTC
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


@dataclass(frozen=True)
class Minted:
    """A new token, shown to its requester once."""

    id: str
    token: str
    expires_at: str


def is_gateway_token(token: str) -> bool:
    """Whether ``token`` has the gateway token's shape (never a hub token)."""
    return bool(PATTERN.fullmatch(token))


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenStore:
    """Gateway tokens in the usage database (synchronous; run on the database thread)."""

    def __init__(self, usage: UsageStore) -> None:
        self._sessions = usage.sessions

    def mint(self, user: str, lifetime: timedelta, note: str, now: datetime) -> Minted:
        """Create a token for ``user`` valid for ``lifetime``."""
        token = PREFIX + secrets.token_urlsafe(32)
        row = GatewayToken(id=secrets.token_hex(8), user=user, token_hash=hash_token(token),
                           note=note[:200], created_at=naive_utc(now),
                           expires_at=naive_utc(now + lifetime))
        with self._sessions.begin() as s:
            s.add(row)
        return Minted(row.id, token, iso(row.expires_at))

    def owner(self, token: str, now: datetime) -> str | None:
        """The user of a live (unexpired, unrevoked) token; the same work when there is none."""
        wanted = hash_token(token)
        with self._sessions.begin() as s:
            row = s.scalars(select(GatewayToken).where(GatewayToken.token_hash == wanted)).first()
        matches = secrets.compare_digest(row.token_hash if row else _DUMMY_HASH, wanted)
        if row is None or not matches or row.revoked_at is not None:
            return None
        return row.user if row.expires_at > naive_utc(now) else None

    def revoke(self, token_id: str, user: str, now: datetime) -> bool:
        """Revoke ``user``'s live token ``token_id``; False when there is no such live token."""
        with self._sessions.begin() as s:
            result = s.execute(update(GatewayToken)
                               .where(GatewayToken.id == token_id, GatewayToken.user == user,
                                      GatewayToken.revoked_at.is_(None),
                                      GatewayToken.expires_at > naive_utc(now))
                               .values(revoked_at=naive_utc(now)))
            return bool(getattr(result, "rowcount", 0))

    def revoke_user(self, user: str, now: datetime) -> int:
        """Revoke every live token of ``user``; returns how many."""
        with self._sessions.begin() as s:
            result = s.execute(update(GatewayToken)
                               .where(GatewayToken.user == user, GatewayToken.revoked_at.is_(None))
                               .values(revoked_at=naive_utc(now)))
            return int(getattr(result, "rowcount", 0) or 0)
