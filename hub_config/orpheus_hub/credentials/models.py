"""Tables of the credential sets, in the Orpheus database (never the hub's).

Only names, descriptions, grants, fingerprints and times are stored in the clear; the
values (variables and file) are one sealed blob per set (``crypto.Sealer``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of the credential tables."""


class CredentialSet(Base):
    """One operator-defined set; ``sealed`` holds its values, encrypted."""

    __tablename__ = "orpheus_credential_sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    description: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    #: JSON list of the variable names (names are not secret; values are in ``sealed``)
    variable_names: Mapped[str] = mapped_column(Text, nullable=False)
    has_file: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    allow_trial: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    sealed: Mapped[str] = mapped_column(Text, nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    rotated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    grants: Mapped[list[CredentialGrant]] = relationship(
        back_populates="credential_set", cascade="all, delete-orphan", order_by="CredentialGrant.group"
    )


class CredentialGrant(Base):
    """A hub group whose members receive a set."""

    __tablename__ = "orpheus_credential_grants"
    __table_args__ = (UniqueConstraint("set_id", "group", name="uq_orpheus_credential_grant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(
        ForeignKey("orpheus_credential_sets.id", ondelete="CASCADE"), nullable=False, index=True
    )
    group: Mapped[str] = mapped_column(String(255), nullable=False)
    granted_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    credential_set: Mapped[CredentialSet] = relationship(back_populates="grants")
