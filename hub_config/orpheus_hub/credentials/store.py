"""The credential store: sets, their sealed values and their grants, in the Orpheus database.

All methods are synchronous and short (async callers use ``asyncio.to_thread``). Values
go in through ``create``/``rotate`` and come out only through ``delivered`` (for a
server's start); every other answer is a ``SetView``, which holds names, never values.
The schema is created and upgraded by alembic (``migrate()``) in its own version table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from ..share.dbmigrate import make_engine, upgrade
from .crypto import Sealer
from .models import CredentialGrant, CredentialSet

MIGRATIONS = Path(__file__).parent / "migrations"
# Its own version table: the credentials' revisions never mix with the accounts' (both
# live in the Orpheus database).
VERSION_TABLE = "orpheus_credentials_alembic_version"


class SetExists(ValueError):
    """A set with that name exists already."""


class SetNotFound(KeyError):
    """No set with that name."""


@dataclass(frozen=True)
class SetView:
    """What may be shown of a set: never its values."""

    name: str
    description: str
    variables: list[str]
    has_file: bool
    allow_trial: bool
    groups: list[str]
    fingerprint: str
    created_at: datetime
    rotated_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The REST model."""
        return {
            "name": self.name, "description": self.description, "variables": self.variables,
            "has_file": self.has_file, "allow_trial": self.allow_trial, "groups": self.groups,
            "fingerprint": self.fingerprint, "created_at": _iso(self.created_at),
            "rotated_at": _iso(self.rotated_at),
        }


@dataclass(frozen=True)
class Delivered:
    """One set's values for one server start."""

    name: str
    variables: dict[str, str]
    file: Any


def _iso(moment: datetime) -> str:
    return moment.replace(tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _view(row: CredentialSet) -> SetView:
    return SetView(
        name=row.name, description=row.description, variables=json.loads(row.variable_names),
        has_file=row.has_file, allow_trial=row.allow_trial, groups=[g.group for g in row.grants],
        fingerprint=row.fingerprint, created_at=row.created_at, rotated_at=row.rotated_at,
    )


class CredentialStore:
    """SQLAlchemy-backed credential sets, sealed with ``sealer``."""

    def __init__(self, db_url: str, sealer: Sealer) -> None:
        self.db_url = db_url
        self.sealer = sealer
        self.engine: Engine = make_engine(db_url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        """Create or upgrade the credential tables to the newest revision."""
        upgrade(self.engine, MIGRATIONS, VERSION_TABLE)

    def _session(self) -> Session:
        return self._sessions()

    def _row(self, session: Session, name: str) -> CredentialSet:
        row = session.scalars(
            select(CredentialSet).where(CredentialSet.name == name).options(selectinload(CredentialSet.grants))
        ).one_or_none()
        if row is None:
            raise SetNotFound(name)
        return row

    def _seal(self, row: CredentialSet, variables: dict[str, str], file: Any, now: datetime) -> None:
        values = {"variables": variables, "file": file}
        row.sealed = self.sealer.seal(values)
        row.fingerprint = self.sealer.fingerprint(values)
        row.variable_names = json.dumps(sorted(variables))
        row.has_file = file is not None
        row.rotated_at = _naive(now)

    # ---- reading -------------------------------------------------------------
    def list_sets(self) -> list[SetView]:
        """Every set, by name."""
        with self._session() as s:
            rows = s.scalars(select(CredentialSet).options(selectinload(CredentialSet.grants))
                             .order_by(CredentialSet.name))
            return [_view(r) for r in rows]

    def get(self, name: str) -> SetView:
        """One set; ``SetNotFound`` if missing."""
        with self._session() as s:
            return _view(self._row(s, name))

    def delivered(self, groups: set[str], trial: bool) -> list[Delivered]:
        """The values of every set granted to one of ``groups`` (trial users: only
        ``allow_trial`` sets), by set name. Raises ``SealedUnreadable`` for a set the key
        cannot open."""
        if not groups:
            return []
        query = (select(CredentialSet).join(CredentialGrant).where(CredentialGrant.group.in_(sorted(groups)))
                 .distinct().order_by(CredentialSet.name))
        if trial:
            query = query.where(CredentialSet.allow_trial.is_(True))
        with self._session() as s:
            rows = list(s.scalars(query))
            opened = [(r.name, self.sealer.open(r.sealed)) for r in rows]
        return [Delivered(name, dict(v["variables"]), v["file"]) for name, v in opened]

    # ---- changing --------------------------------------------------------------
    def create(self, name: str, description: str, variables: dict[str, str], file: Any,
               allow_trial: bool, groups: list[str], now: datetime) -> SetView:
        """A new set with its grants; ``SetExists`` if the name is taken."""
        row = CredentialSet(name=name, description=description, allow_trial=allow_trial,
                            created_at=_naive(now))
        self._seal(row, variables, file, now)
        row.grants = [CredentialGrant(group=g, granted_at=_naive(now)) for g in sorted(set(groups))]
        try:
            with self._session() as s, s.begin():
                s.add(row)
        except IntegrityError:
            raise SetExists(name) from None
        return self.get(name)

    def rotate(self, name: str, variables: dict[str, str], file: Any, now: datetime) -> SetView:
        """Replace the values (all of them) of ``name``."""
        with self._session() as s, s.begin():
            self._seal(self._row(s, name), variables, file, now)
        return self.get(name)

    def update(self, name: str, description: str | None, allow_trial: bool | None) -> SetView:
        """Change the description and/or the trial flag."""
        with self._session() as s, s.begin():
            row = self._row(s, name)
            if description is not None:
                row.description = description
            if allow_trial is not None:
                row.allow_trial = allow_trial
        return self.get(name)

    def delete(self, name: str) -> None:
        """Remove ``name``, its values and its grants."""
        with self._session() as s, s.begin():
            s.delete(self._row(s, name))

    def grant(self, name: str, group: str, now: datetime) -> bool:
        """Grant ``name`` to ``group``; False if it was granted already."""
        with self._session() as s, s.begin():
            row = self._row(s, name)
            if any(g.group == group for g in row.grants):
                return False
            row.grants.append(CredentialGrant(group=group, granted_at=_naive(now)))
            return True

    def revoke(self, name: str, group: str) -> bool:
        """Take ``name`` from ``group``; False if it was not granted."""
        with self._session() as s, s.begin():
            row = self._row(s, name)
            kept = [g for g in row.grants if g.group != group]
            changed = len(kept) != len(row.grants)
            row.grants = kept
            return changed
