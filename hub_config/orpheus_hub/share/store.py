"""The share service's own database (SQLAlchemy) and its snapshot folders on disk.

A share row holds the owner, kind, title, the SHA-256 of its token (the token
itself is shown once and never stored), expiry, revocation and the current
snapshot version. Snapshots live in ``<root>/<share id>/v<version>/``; a new
version is written in full to a staging folder and renamed into place before
the row points at it, so a failed intake or refresh leaves the previous one.

The database is ``ShareService.db_url`` (``$ORPHEUS_SHARE_DB_URL``, SQLite or
PostgreSQL); its schema is alembic's (``migrations/``), upgraded at start.
All methods are synchronous and short; async callers use ``asyncio.to_thread``.
"""

from __future__ import annotations

import builtins
import hashlib
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import DateTime, Integer, String, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from .dbmigrate import make_engine, upgrade

MIGRATIONS = Path(__file__).parent / "migrations"

KINDS = ("session", "notebook", "dashboard", "file", "live")
#: Kinds whose snapshot is a session folder (a live share falls back to its snapshot).
SESSION_KINDS = ("session", "live")
# Compared against when a token matches no row, so unknown tokens cost the same work.
_DUMMY_HASH = hashlib.sha256(b"orpheus-share-dummy").hexdigest()


class SnapshotConflict(Exception):
    """A snapshot version already exists (concurrent refreshes)."""


class Base(DeclarativeBase):
    """Declarative base of the share database."""


class Share(Base):
    """One share link (its token is stored only as a hash)."""

    __tablename__ = "shares"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    owner: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    target: Mapped[str] = mapped_column(String(1024), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)

    def is_expired(self, now: datetime) -> bool:
        """Whether the link has passed its expiry at ``now`` (aware UTC)."""
        return self.expires_at is not None and aware(self.expires_at) <= now

    def to_model(self) -> dict[str, object]:
        """JSON-safe description for the owner API (never the token)."""
        return {
            "id": self.id,
            "owner": self.owner,
            "kind": self.kind,
            "title": self.title,
            "target": self.target,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "expires_at": iso(self.expires_at),
            "version": self.version,
            "size_bytes": self.size_bytes,
        }


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; ours are always UTC."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, or ``None``."""
    if value is None:
        return None
    return aware(value).isoformat().replace("+00:00", "Z")


def hash_token(token: str) -> str:
    """The stored form of a share token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ShareStore:
    """SQLAlchemy-backed share rows."""

    def __init__(self, db_url: str) -> None:
        self.engine: Engine = make_engine(db_url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Alembic owns the schema; a file made before migrations existed is stamped first.
        upgrade(self.engine, MIGRATIONS, "orpheus_share_alembic_version", "0001_shares", "shares")

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    def create(self, owner: str, kind: str, title: str, target: str, expires_at: datetime | None,
               size_bytes: int, now: datetime, share_id: str) -> tuple[Share, str]:
        """Insert a share; returns it and its token (the only time the token exists)."""
        token = secrets.token_urlsafe(32)
        share = Share(id=share_id, token_hash=hash_token(token), owner=owner, kind=kind,
                      title=title, target=target, created_at=now, updated_at=now,
                      expires_at=expires_at, version=1, size_bytes=size_bytes)
        with self._session() as session:
            session.add(share)
        return share, token

    def get(self, share_id: str) -> Share | None:
        """A live (not revoked) share by id."""
        with self._session() as session:
            share = session.get(Share, share_id)
            return share if share is not None and share.revoked_at is None else None

    def by_token(self, token: str) -> Share | None:
        """The live share whose token is ``token``; same work whether or not it exists."""
        wanted = hash_token(token)
        with self._session() as session:
            share = session.scalars(select(Share).where(Share.token_hash == wanted)).first()
        stored = share.token_hash if share is not None else _DUMMY_HASH
        matches = secrets.compare_digest(stored, wanted)
        if share is None or not matches or share.revoked_at is not None:
            return None
        return share

    def expired_before(self, cutoff: datetime) -> list[Share]:
        """Live shares whose expiry is before ``cutoff`` (candidates for purging)."""
        query = select(Share).where(Share.revoked_at.is_(None), Share.expires_at.is_not(None),
                                    Share.expires_at < cutoff.replace(tzinfo=None))
        with self._session() as session:
            return list(session.scalars(query))

    def list(self, owner: str | None) -> list[Share]:
        """Live shares of ``owner`` (everyone's when ``None``), newest first."""
        query = select(Share).where(Share.revoked_at.is_(None)).order_by(Share.created_at.desc())
        if owner is not None:
            query = query.where(Share.owner == owner)
        with self._session() as session:
            return list(session.scalars(query))

    def owners(self) -> builtins.list[str]:
        """Distinct owners of live shares."""
        query = select(Share.owner).where(Share.revoked_at.is_(None)).distinct()
        with self._session() as session:
            return list(session.scalars(query))

    def owner_total(self, owner: str, excluding: str | None = None) -> int:
        """Bytes held by ``owner``'s live shares (optionally not counting one of them)."""
        query = select(func.coalesce(func.sum(Share.size_bytes), 0)).where(
            Share.owner == owner, Share.revoked_at.is_(None))
        if excluding is not None:
            query = query.where(Share.id != excluding)
        with self._session() as session:
            return int(session.scalar(query) or 0)

    def revoke(self, share_id: str, now: datetime) -> bool:
        """Mark a share revoked (effective on the next request); False if already gone."""
        with self._session() as session:
            share = session.get(Share, share_id)
            if share is None or share.revoked_at is not None:
                return False
            share.revoked_at = now
            return True

    def set_version(self, share_id: str, version: int, size_bytes: int, now: datetime) -> Share | None:
        """Point a live share at a newly stored snapshot version (``None`` if revoked meanwhile)."""
        with self._session() as session:
            share = session.get(Share, share_id)
            if share is None or share.revoked_at is not None:
                return None
            share.version, share.size_bytes, share.updated_at = version, size_bytes, now
            return share


class SnapshotStore:
    """Snapshot folders: ``<root>/<id>/v<version>/`` plus staging folders for intake."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self._staging = root / ".staging"
        # Leftovers of an intake interrupted by a crash are never referenced: drop them.
        shutil.rmtree(self._staging, ignore_errors=True)
        self._staging.mkdir(exist_ok=True)

    def staging(self) -> Path:
        """A fresh empty folder to extract an upload into (same filesystem as the store)."""
        return Path(tempfile.mkdtemp(dir=self._staging))

    def discard(self, folder: Path) -> None:
        """Remove a staging folder after a refused or failed intake."""
        shutil.rmtree(folder, ignore_errors=True)

    def commit(self, staged: Path, share_id: str, version: int) -> Path:
        """Move a complete staged snapshot into place as ``version`` of ``share_id``."""
        dest = self.path(share_id, version)
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            if dest.exists():
                raise FileExistsError(dest)
            staged.rename(dest)
        except OSError:
            # Two refreshes of one share raced for the same version; the other one won.
            raise SnapshotConflict("another refresh of this share is in progress; try again") from None
        return dest

    def path(self, share_id: str, version: int) -> Path:
        """Folder of one stored snapshot version."""
        return self.root / share_id / f"v{version}"

    def prune(self, share_id: str, keep: int | None) -> None:
        """Delete every version of ``share_id`` except ``keep`` (all when ``None``)."""
        folder = self.root / share_id
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)
            return
        for child in folder.glob("v*"):
            if child.name != f"v{keep}":
                shutil.rmtree(child, ignore_errors=True)

    def count(self) -> int:
        """Number of stored share folders (tests check that refused uploads add none)."""
        return sum(1 for p in self.root.iterdir() if p.is_dir() and p.name != ".staging")
