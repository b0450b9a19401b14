"""The gateway's own database: one row per upstream call, and per-user quota overrides.

Kept in ``ORPHEUS_DATA_DIR/llm.sqlite`` by default (``LLMGateway.db_url``, or
``$ORPHEUS_LLM_DB_URL``: any SQLAlchemy URL, PostgreSQL included), never in the
hub's database. The schema is alembic's (``migrations/``), upgraded at start. All methods are synchronous and short; the
gateway runs them on its single database thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Float, Integer, String, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from ..share.dbmigrate import make_engine, upgrade

MIGRATIONS = Path(__file__).parent / "migrations"


class Base(DeclarativeBase):
    """Declarative base of the gateway database."""


class UsageRecord(Base):
    """One proxied request: who, which model, how many tokens, how long, how it ended."""

    __tablename__ = "llm_usage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user: Mapped[str] = mapped_column(String(255), index=True)
    provider: Mapped[str] = mapped_column(String(32))
    endpoint: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(128), default="")
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[int] = mapped_column(Integer)
    streamed: Mapped[int] = mapped_column(Integer, default=0)
    #: naive UTC
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class QuotaOverride(Base):
    """An admin's per-user limits; ``None`` keeps the default for that limit."""

    __tablename__ = "llm_quota_overrides"

    user: Mapped[str] = mapped_column(String(255), primary_key=True)
    tokens_per_day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    requests_per_minute: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


@dataclass
class Usage:
    """What one request cost, as read from the upstream's usage fields."""

    user: str
    provider: str
    endpoint: str
    model: str
    input_tokens: int
    output_tokens: int
    latency_ms: float
    status: int
    streamed: bool


def naive_utc(moment: datetime) -> datetime:
    """Aware datetime -> naive UTC (SQLite keeps no zone)."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def iso(moment: datetime) -> str:
    """Naive UTC from storage -> ISO 8601 with ``Z``."""
    return moment.replace(tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")


class UsageStore:
    """Writes usage rows and answers the quota and reporting queries."""

    def __init__(self, db_url: str) -> None:
        self.engine: Engine = make_engine(db_url)
        # Alembic owns the schema; a file made before migrations existed is stamped first.
        upgrade(self.engine, MIGRATIONS, "orpheus_llm_alembic_version", "0001_usage", "llm_usage")
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self.sessions.begin() as session:
            yield session

    def record(self, usage: Usage, now: datetime) -> None:
        """Store one request's usage."""
        self.record_many([(usage, now)])

    def record_many(self, rows: list[tuple[Usage, datetime]]) -> None:
        """Store several requests' usage in one transaction."""
        with self._session() as s:
            s.add_all([UsageRecord(**u.__dict__, created_at=naive_utc(when)) for u, when in rows])

    def tokens_since(self, user: str, since: datetime) -> int:
        """Input plus output tokens ``user`` spent since ``since``."""
        total = UsageRecord.input_tokens + UsageRecord.output_tokens
        with self._session() as s:
            query = select(func.coalesce(func.sum(total), 0)).where(
                UsageRecord.user == user, UsageRecord.created_at >= naive_utc(since)
            )
            return int(s.execute(query).scalar_one())

    def recent(self, user: str, limit: int) -> list[dict[str, Any]]:
        """The user's last ``limit`` requests, newest first."""
        with self._session() as s:
            rows = s.scalars(
                select(UsageRecord).where(UsageRecord.user == user)
                .order_by(UsageRecord.id.desc()).limit(limit)
            ).all()
            return [record_model(r) for r in rows]

    def totals(self, since: datetime, user: str | None = None) -> list[dict[str, Any]]:
        """Per-user (and per-model) sums of requests and tokens since ``since``."""
        cols = (UsageRecord.user, UsageRecord.model)
        query = (
            select(*cols, func.count(), func.sum(UsageRecord.input_tokens),
                   func.sum(UsageRecord.output_tokens))
            .where(UsageRecord.created_at >= naive_utc(since))
            .group_by(*cols).order_by(*cols)
        )
        if user is not None:
            query = query.where(UsageRecord.user == user)
        with self._session() as s:
            return [
                {"user": u, "model": m, "requests": n, "input_tokens": int(i or 0),
                 "output_tokens": int(o or 0)}
                for u, m, n, i, o in s.execute(query).all()
            ]

    def override(self, user: str) -> QuotaOverride | None:
        """The admin override for ``user``, if any."""
        with self._session() as s:
            return s.get(QuotaOverride, user)

    def overrides(self) -> list[QuotaOverride]:
        """Every override, by user."""
        with self._session() as s:
            return list(s.scalars(select(QuotaOverride).order_by(QuotaOverride.user)).all())

    def set_override(self, user: str, tokens_per_day: int | None,
                     requests_per_minute: int | None, now: datetime) -> QuotaOverride:
        """Create or replace ``user``'s override."""
        with self._session() as s:
            row = s.get(QuotaOverride, user) or QuotaOverride(user=user)
            row.tokens_per_day = tokens_per_day
            row.requests_per_minute = requests_per_minute
            row.updated_at = naive_utc(now)
            s.add(row)
            return row

    def delete_override(self, user: str) -> bool:
        """Remove ``user``'s override; ``False`` if there was none."""
        with self._session() as s:
            row = s.get(QuotaOverride, user)
            if row is None:
                return False
            s.delete(row)
            return True


def record_model(row: UsageRecord) -> dict[str, Any]:
    """A usage row as JSON."""
    return {
        "user": row.user, "provider": row.provider, "endpoint": row.endpoint, "model": row.model,
        "input_tokens": row.input_tokens, "output_tokens": row.output_tokens,
        "latency_ms": round(row.latency_ms, 1), "status": row.status,
        "streamed": bool(row.streamed), "created_at": iso(row.created_at),
    }


def override_model(row: QuotaOverride) -> dict[str, Any]:
    """An override as JSON."""
    return {"user": row.user, "tokens_per_day": row.tokens_per_day,
            "requests_per_minute": row.requests_per_minute, "updated_at": iso(row.updated_at)}
