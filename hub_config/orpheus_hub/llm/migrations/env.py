"""Alembic environment: runs on the connection handed over by ``dbmigrate.upgrade``."""

from alembic import context

from orpheus_hub.llm.usage import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=context.config.attributes["version_table"],
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
