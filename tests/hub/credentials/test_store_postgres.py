"""The credential store on a real PostgreSQL server (the production profile's database):
migrations run, sets round-trip, and the tables hold no value in the clear."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from orpheus_hub.credentials.crypto import Sealer, parse_keys
from orpheus_hub.credentials.store import CredentialStore

from .helpers import KEY, SECRET
from .pg import available, postgres_server

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not available(), reason="needs Debian's PostgreSQL and root")]
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)


def test_credential_sets_in_postgresql_are_sealed() -> None:
    with postgres_server() as server:
        server.psql("postgres", "CREATE DATABASE orpheus")
        store = CredentialStore(server.superuser_url("orpheus"), Sealer(parse_keys(KEY)))
        store.migrate()
        store.migrate()  # a second start finds the schema current
        store.create("trials-db", "the trials database", {"PGPASSWORD": SECRET}, {"password": SECRET},
                     False, ["research"], NOW)
        tables = set(server.psql("orpheus", "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").split())
        assert {"orpheus_credential_sets", "orpheus_credential_grants",
                "orpheus_credentials_alembic_version"} <= tables
        dump = server.psql("orpheus", "SELECT row_to_json(s)::text FROM orpheus_credential_sets s")
        assert "trials-db" in dump
        assert "PGPASSWORD" in dump
        assert SECRET not in dump
        assert server.psql("orpheus", "SELECT \"group\" FROM orpheus_credential_grants") == "research"
        delivered = store.delivered({"research"}, trial=False)
        assert delivered[0].variables == {"PGPASSWORD": SECRET}
        store.delete("trials-db")
        assert server.psql("orpheus", "SELECT count(*) FROM orpheus_credential_grants") == "0"
