"""Alembic environment: runs on the connection handed over by ``CredentialStore.migrate``.

The credential tables have their own version table, so their revisions never mix with
the accounts' (both live in the Orpheus database).
"""

from alembic import context

from orpheus_hub.credentials.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table="orpheus_credentials_alembic_version",
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
