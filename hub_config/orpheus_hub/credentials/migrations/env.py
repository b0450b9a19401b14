"""Alembic environment: runs on the connection handed over by ``CredentialStore.migrate``.

The credential tables have their own version table, so their revisions never mix with
the accounts' (both live in the Orpheus database).
"""

from orpheus_hub.alembic_env import run_migrations
from orpheus_hub.credentials.models import Base

run_migrations(Base.metadata)
