"""Alembic environment: runs on the connection handed over by ``dbmigrate.upgrade``."""

from orpheus_hub.alembic_env import run_migrations
from orpheus_hub.share.store import Base

run_migrations(Base.metadata)
