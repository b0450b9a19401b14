"""The account store: Orpheus's own database of people, trials, approvals and lockouts.

API for other hub-side code (the OAuth mixin, services)::

    store = authenticator.store            # an AccountStore, built from OrpheusAuthenticator.db_url
    now = authenticator.clock.now()        # aware UTC; honours the test clock offset
    account = store.ensure_account(username, email, source)  # -> Account; creates a trial if missing
    store.get(username)                    # -> Account | None
    store.state_of(username, now)          # -> "trial" | "expired" | "approved" | "revoked" | "deleted" | "none"

``"none"`` means no Orpheus record; ``"deleted"`` is a tombstone (the hub user was
deleted, the name stays reserved until an admin releases it). The authenticator's policy for such hub
users (``OrpheusAuthenticator.effective_state``): admins count as approved,
everyone else as expired (awaiting approval) until an admin approves them.

All methods are synchronous and short; async callers run them with
``asyncio.to_thread``. Returned ``Account`` objects are detached snapshots.
The schema is created and upgraded by alembic (``migrate()``), run at start-up.
Failed-login counters are in ``throttle.Throttle`` (same database).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..share.dbmigrate import make_engine, upgrade
from .models import APPROVED, DELETED, MISSING, REVOKED, TRIAL, Account, to_db

T = TypeVar("T")
MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "orpheus_alembic_version"


class AccountExists(ValueError):
    """A sign-up collided with an existing username or email (``field`` says which)."""

    def __init__(self, field: str) -> None:
        super().__init__(f"That {field} is already taken.")
        self.field = field


class AccountNotFound(KeyError):
    """No Orpheus record for that username."""


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class AccountStore:
    """SQLAlchemy-backed accounts; ``trial_hours`` applies to accounts created here."""

    def __init__(self, db_url: str, trial_hours: float = 24.0) -> None:
        self.db_url = db_url
        self.trial_hours = trial_hours
        self.engine: Engine = make_engine(db_url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    # ---- schema --------------------------------------------------------------
    def migrate(self) -> None:
        """Create or upgrade the schema to the newest alembic revision."""
        upgrade(self.engine, MIGRATIONS, VERSION_TABLE)

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    def transaction(self) -> AbstractContextManager[Session]:
        """A session in one transaction, committed on leaving (for the login throttle)."""
        return self._session()

    def _update(self, username: str, change: Callable[[Account], T]) -> T:
        with self._session() as session:
            account = session.scalar(select(Account).where(Account.username == username))
            if account is None:
                raise AccountNotFound(username)
            return change(account)

    # ---- reading -------------------------------------------------------------
    def get(self, username: str) -> Account | None:
        """The account named ``username``, or None."""
        with self._session() as session:
            return session.scalar(select(Account).where(Account.username == username))

    def get_by_email(self, email: str) -> Account | None:
        """The account with this email (case-insensitive), or None."""
        with self._session() as session:
            return session.scalar(select(Account).where(func.lower(Account.email) == email.lower()))

    def list(self) -> list[Account]:
        """Every account, oldest first."""
        with self._session() as session:
            return list(session.scalars(select(Account).order_by(Account.created_at, Account.id)))

    def state_of(self, username: str, now: datetime | None = None) -> str:
        """trial, expired, approved, revoked, deleted, or ``"none"`` without a record."""
        account = self.get(username)
        return MISSING if account is None else account.state(now or _utcnow())

    # ---- creating ------------------------------------------------------------
    def create(
        self,
        username: str,
        email: str | None,
        source: str,
        now: datetime,
        password_hash: str | None = None,
        status: str = TRIAL,
        trial_hours: float | None = None,
    ) -> Account:
        """A new account (trial until ``now + trial_hours`` unless ``status`` says otherwise).

        Raises ``AccountExists`` if the username or email is taken (also when a
        concurrent insert wins the race: the unique constraints decide).
        """
        try:
            return self._insert(username, email, source, now, password_hash, status, trial_hours)
        except IntegrityError:
            raise AccountExists("username" if self.get(username) else "email") from None

    def _insert(
        self,
        username: str,
        email: str | None,
        source: str,
        now: datetime,
        password_hash: str | None,
        status: str,
        trial_hours: float | None,
    ) -> Account:
        with self._session() as session:
            if session.scalar(select(Account.id).where(Account.username == username)):
                raise AccountExists("username")
            if email and session.scalar(
                select(Account.id).where(func.lower(Account.email) == email.lower())
            ):
                raise AccountExists("email")
            account = Account(
                username=username,
                email=email or None,
                source=source,
                status=status,
                password_hash=password_hash,
                created_at=to_db(now),
                trial_expires_at=to_db(now + timedelta(hours=trial_hours or self.trial_hours)),
                approved_at=to_db(now) if status == APPROVED else None,
                failed_logins=0,
            )
            session.add(account)
        return account

    def ensure_account(
        self, username: str, email: str | None, source: str, now: datetime | None = None
    ) -> Account:
        """The existing account, or a new trial account (first OAuth login)."""
        existing = self.get(username)
        if existing is not None:
            return existing
        if email and self.get_by_email(email) is not None:
            email = None  # the address belongs to someone else: keep the name, drop the email
        return self.create(username, email, source, now or _utcnow())

    # ---- admin actions -------------------------------------------------------
    def approve(self, username: str, now: datetime, source: str = "admin") -> tuple[Account, bool]:
        """Mark approved, creating the record if missing; returns (account, created)."""
        if self.get(username) is None:
            try:
                return self.create(username, None, source, now, status=APPROVED), True
            except AccountExists:
                pass  # created concurrently: approve it below

        def change(account: Account) -> Account:
            account.status = APPROVED
            account.approved_at = to_db(now)
            account.revoked_at = None
            return account

        return self._update(username, change), False

    def revoke(self, username: str, now: datetime) -> Account:
        """Mark revoked (creating a revoked record if missing)."""
        if self.get(username) is None:
            try:
                return self.create(username, None, "admin", now, status=REVOKED)
            except AccountExists:
                pass

        def change(account: Account) -> Account:
            account.status = REVOKED
            account.revoked_at = to_db(now)
            return account

        return self._update(username, change)

    def extend_trial(self, username: str, hours: float, now: datetime) -> Account:
        """Put the account in trial until ``max(now, current end) + hours``."""

        def change(account: Account) -> Account:
            current = account.trial_expires_at
            start = max(to_db(now) or now, current) if current else to_db(now)
            assert start is not None  # noqa: S101 - to_db(now) is never None
            account.trial_expires_at = start + timedelta(hours=hours)
            account.status = TRIAL
            account.revoked_at = None
            return account

        return self._update(username, change)

    def tombstone(self, username: str, now: datetime) -> Account:
        """Keep only a "deleted" record of ``username`` (no password, no email): the name
        stays reserved. Creates the tombstone if there was no record."""
        if self.get(username) is None:
            try:
                self.create(username, None, "admin", now, status=DELETED)
            except AccountExists:
                pass  # created concurrently: turn it into a tombstone below

        def change(account: Account) -> Account:
            account.status = DELETED
            account.deleted_at = to_db(now)
            account.password_hash = None
            account.email = None
            return account

        return self._update(username, change)

    def release(self, username: str) -> bool:
        """Remove the tombstone of ``username``; False if the name is not deleted."""
        with self._session() as session:
            account = session.scalar(select(Account).where(Account.username == username))
            if account is None or account.status != DELETED:
                return False
            session.delete(account)
            return True

    def delete(self, username: str) -> bool:
        """Remove the record outright (no tombstone); True if there was one."""
        with self._session() as session:
            account = session.scalar(select(Account).where(Account.username == username))
            if account is None:
                return False
            session.delete(account)
            return True

    # ---- login bookkeeping ---------------------------------------------------
    def set_password_hash(self, username: str, password_hash: str) -> None:
        """Replace the stored password hash."""

        def change(account: Account) -> None:
            account.password_hash = password_hash

        self._update(username, change)

    def record_login(self, username: str, now: datetime) -> None:
        """A successful login: remember the time."""

        def change(account: Account) -> None:
            account.last_login_at = to_db(now)

        self._update(username, change)
