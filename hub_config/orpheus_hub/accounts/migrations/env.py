"""Alembic environment: runs on the connection handed over by ``AccountStore.migrate``."""

from alembic import context

from orpheus_hub.accounts.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table="orpheus_alembic_version",
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
