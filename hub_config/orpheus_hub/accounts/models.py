"""Orpheus's own account table (never the hub's tables).

Times are stored as naive UTC (SQLite keeps no zone) and handed out as aware UTC.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

TRIAL = "trial"
EXPIRED = "expired"
APPROVED = "approved"
REVOKED = "revoked"
#: A tombstone: the hub user was deleted; the name stays reserved until an admin releases it.
DELETED = "deleted"
#: ``state_of`` for a name that has no Orpheus record.
MISSING = "none"
STATES = (TRIAL, EXPIRED, APPROVED, REVOKED, DELETED)
#: The states in which an account may sign in and use the services (servers, gateway, shares).
ACTIVE_STATES = (TRIAL, APPROVED)


def to_db(moment: datetime | None) -> datetime | None:
    """Aware datetime -> naive UTC for storage."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def from_db(moment: datetime | None) -> datetime | None:
    """Naive UTC from storage -> aware UTC."""
    return None if moment is None else moment.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    """Declarative base of the Orpheus database."""


class Account(Base):
    """One person: how they signed up, their trial/approval status and lockout counters."""

    __tablename__ = "orpheus_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(255), unique=True, index=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True, nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    #: "signup", "bootstrap", "admin" or "oauth:<provider>"
    source: Mapped[str] = mapped_column(String(64), default="signup")
    #: stored status: "trial", "approved", "revoked" or "deleted" ("expired" is derived from time)
    status: Mapped[str] = mapped_column(String(16), default=TRIAL)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    trial_expires_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    #: unused since revision 0002 (lockouts moved to ``LoginThrottle``); kept for old databases
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    #: unused since revision 0002 (lockouts moved to ``LoginThrottle``)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    #: when the hub user was deleted (the record is then a tombstone, status "deleted")
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    def state(self, now: datetime) -> str:
        """The effective state at ``now``: trial, expired, approved, revoked or deleted."""
        if self.status in (APPROVED, REVOKED, DELETED):
            return self.status
        expires = from_db(self.trial_expires_at)
        return TRIAL if expires is not None and now < expires else EXPIRED


class LoginThrottle(Base):
    """Failed-login counter of one client address or one username (known or not).

    ``key`` is a SHA-256 of the kind and the value, so names typed at the login form
    (sometimes a password by mistake) are never stored as typed.
    """

    __tablename__ = "orpheus_login_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
