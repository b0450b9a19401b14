"""Alembic environment: runs on the connection handed over by ``AccountStore.migrate``."""

from orpheus_hub.accounts.models import Base
from orpheus_hub.alembic_env import run_migrations

run_migrations(Base.metadata, version_table="orpheus_alembic_version")
