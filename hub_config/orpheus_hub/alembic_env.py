"""The one body of every Orpheus ``migrations/env.py`` (accounts, share, LLM gateway).

Each ``env.py`` only names its tables' metadata; the migration always runs on the
connection its store handed over in ``Config.attributes["connection"]`` (so it takes
part in the store's transaction), in batch mode (SQLite can then alter tables), and
records its revision in its own version table, so several features' revisions can
share one database without mixing.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData


def run_migrations(metadata: MetaData, version_table: str | None = None) -> None:
    """Run the pending revisions for ``metadata``.

    ``version_table`` defaults to ``Config.attributes["version_table"]`` (set by
    :func:`orpheus_hub.share.dbmigrate.upgrade`).
    """
    attributes = context.config.attributes
    context.configure(
        connection=attributes["connection"],
        target_metadata=metadata,
        version_table=version_table or attributes["version_table"],
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()
