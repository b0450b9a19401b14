"""The engine and Alembic at start for every Orpheus database (SQLite or PostgreSQL):
the accounts (hub), the share service's and the LLM gateway's.

Each feature keeps its revisions in its own ``migrations`` folder and its own
version table, so all may live in one database. A share or LLM database created
before migrations existed (tables made by ``create_all``, no version table) is
stamped at the first revision, then upgraded.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Engine


def make_engine(db_url: str) -> Engine:
    """An engine for ``db_url``; a SQLite file's folder is created, threads may share it and
    a writer waits up to 30 s for another."""
    if db_url.startswith("sqlite:///"):
        Path(db_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    args = {"check_same_thread": False, "timeout": 30} if db_url.startswith("sqlite") else {}
    return create_engine(db_url, connect_args=args, pool_pre_ping=True)


def upgrade(engine: Engine, migrations: Path, version_table: str, baseline: str | None = None,
            baseline_table: str = "") -> None:
    """Bring the schema to the newest revision under ``migrations``.

    ``baseline`` is the first revision; it is stamped (not run) when
    ``baseline_table`` already exists but ``version_table`` does not.
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations))
    cfg.attributes["version_table"] = version_table
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        tables = set(inspect(connection).get_table_names())
        if baseline is not None and baseline_table in tables and version_table not in tables:
            command.stamp(cfg, baseline)
        command.upgrade(cfg, "head")
