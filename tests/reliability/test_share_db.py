"""Share and LLM databases: URLs from the environment, alembic at start, old files still open."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from orpheus.shares.redact import GATEWAY_TOKEN
from orpheus_hub.llm.app import LLMGateway
from orpheus_hub.llm.tokens import TokenStore
from orpheus_hub.llm.usage import Usage, UsageStore
from orpheus_hub.share.app import ShareService
from orpheus_hub.share.store import ShareStore

# The schemas exactly as create_all made them before migrations existed.
OLD_SHARES = """
CREATE TABLE shares (id VARCHAR(32) NOT NULL, token_hash VARCHAR(64) NOT NULL, owner VARCHAR(255) NOT NULL,
 kind VARCHAR(16) NOT NULL, title VARCHAR(300) NOT NULL, target VARCHAR(1024) NOT NULL,
 created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, expires_at DATETIME, revoked_at DATETIME,
 version INTEGER NOT NULL, size_bytes INTEGER NOT NULL, PRIMARY KEY (id));
CREATE UNIQUE INDEX ix_shares_token_hash ON shares (token_hash);
CREATE INDEX ix_shares_owner ON shares (owner);
INSERT INTO shares VALUES ('abc123', 'h', 'olduser', 'file', 'Old', 'x.txt', '2026-01-01 00:00:00',
 '2026-01-01 00:00:00', NULL, NULL, 1, 10);
"""
OLD_LLM = """
CREATE TABLE llm_usage (id INTEGER NOT NULL, user VARCHAR(255) NOT NULL, provider VARCHAR(32) NOT NULL,
 endpoint VARCHAR(64) NOT NULL, model VARCHAR(128) NOT NULL, input_tokens INTEGER NOT NULL,
 output_tokens INTEGER NOT NULL, latency_ms FLOAT NOT NULL, status INTEGER NOT NULL,
 streamed INTEGER NOT NULL, created_at DATETIME NOT NULL, PRIMARY KEY (id));
CREATE INDEX ix_llm_usage_user ON llm_usage (user);
CREATE INDEX ix_llm_usage_created_at ON llm_usage (created_at);
CREATE TABLE llm_quota_overrides (user VARCHAR(255) NOT NULL, tokens_per_day INTEGER,
 requests_per_minute INTEGER, updated_at DATETIME NOT NULL, PRIMARY KEY (user));
INSERT INTO llm_usage VALUES (1, 'olduser', 'anthropic', 'v1/messages', 'm', 100, 50, 1.0, 200, 0,
 '2026-01-01 00:00:00');
"""


def test_share_db_url_comes_from_the_environment_when_the_service_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere' / 'shares.db'}"
    monkeypatch.setenv("ORPHEUS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ORPHEUS_SHARE_DB_URL", url)
    assert ShareService().db_url == url
    monkeypatch.delenv("ORPHEUS_SHARE_DB_URL")
    assert ShareService().db_url == f"sqlite:///{tmp_path / 'data' / 'shares.sqlite'}"


def test_llm_db_url_comes_from_the_environment_when_the_service_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere' / 'llm.db'}"
    monkeypatch.setenv("ORPHEUS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ORPHEUS_LLM_DB_URL", url)
    assert LLMGateway().db_url == url
    monkeypatch.delenv("ORPHEUS_LLM_DB_URL")
    assert LLMGateway().db_url == f"sqlite:///{(tmp_path / 'data').resolve() / 'llm.sqlite'}"


def test_a_share_database_from_before_migrations_opens_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "shares.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_SHARES)
    store = ShareStore(f"sqlite:///{path}")
    assert [s.owner for s in store.list(None)] == ["olduser"]
    tables = inspect(store.engine).get_table_names()
    assert "orpheus_share_alembic_version" in tables
    ShareStore(f"sqlite:///{path}")  # a second start is a no-op upgrade


def test_an_llm_database_from_before_migrations_gains_the_token_table(tmp_path: Path) -> None:
    path = tmp_path / "llm.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_LLM)
    store = UsageStore(f"sqlite:///{path}")
    since = datetime(2025, 12, 31, tzinfo=timezone.utc)
    assert store.tokens_since("olduser", since) == 150
    assert {"llm_gateway_tokens", "orpheus_llm_alembic_version"} <= set(inspect(store.engine).get_table_names())
    tokens = TokenStore(store)
    now = datetime.now(timezone.utc)
    minted = tokens.mint("olduser", timedelta(hours=1), "test", now)
    assert tokens.owner(minted.token, now) == "olduser"
    assert GATEWAY_TOKEN.fullmatch(minted.token)  # the shape share snapshots redact
    assert tokens.owner(minted.token, now + timedelta(hours=2)) is None
    rows = create_engine(f"sqlite:///{path}").connect().exec_driver_sql(
        "SELECT token_hash FROM llm_gateway_tokens").fetchall()
    assert minted.token not in str(rows)  # stored hashed only


def test_fresh_databases_are_created_by_the_migrations(tmp_path: Path) -> None:
    share = ShareStore(f"sqlite:///{tmp_path / 'a' / 'shares.sqlite'}")
    usage = UsageStore(f"sqlite:///{tmp_path / 'b' / 'llm.sqlite'}")
    assert "shares" in inspect(share.engine).get_table_names()
    assert {"llm_usage", "llm_quota_overrides", "llm_gateway_tokens"} <= set(
        inspect(usage.engine).get_table_names())


@pytest.mark.slow
def test_both_stores_migrate_and_work_on_postgresql() -> None:
    from tests.production.postgres import PG_BIN, private_postgres

    if not (PG_BIN / "postgres").exists():
        pytest.skip("the PostgreSQL server is installed by `make test`")
    with private_postgres() as pg:
        shares = ShareStore(pg.url("shares"))
        ShareStore(pg.url("shares"))  # a second start is a no-op upgrade
        now = datetime.now(timezone.utc)
        share, token = shares.create("pgowner", "file", "t", "x.txt", None, 5, now, "pgshare1")
        assert shares.by_token(token) is not None
        assert shares.owners() == ["pgowner"]
        usage = UsageStore(pg.url("llm"))
        UsageStore(pg.url("llm"))
        usage.record(Usage("pguser", "anthropic", "v1/messages", "m", 7, 3, 1.0, 200, True), now)
        assert usage.tokens_since("pguser", now - timedelta(hours=1)) == 10
        tokens = TokenStore(usage)
        minted = tokens.mint("pguser", timedelta(hours=1), "pg", now)
        assert tokens.owner(minted.token, now) == "pguser"
        assert tokens.revoke_user("pguser", now) == 1
        assert tokens.owner(minted.token, now) is None
        assert {"shares", "orpheus_share_alembic_version"} <= pg.tables("shares")
        assert {"llm_usage", "llm_quota_overrides", "llm_gateway_tokens",
                "orpheus_llm_alembic_version"} <= pg.tables("llm")
