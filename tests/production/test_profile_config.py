"""The production profile refuses to start without a database server for each store."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness.hub import make_hub

pytestmark = [pytest.mark.slow]


def test_production_without_database_urls_refuses_to_start(tmp_path: Path) -> None:
    hub = make_hub(tmp_path, env={"ORPHEUS_PROFILE": "production", "ORPHEUS_DOCKER_GATEWAY": "127.0.0.1",
                                  "ORPHEUS_DB_URL": f"sqlite:///{tmp_path}/o.sqlite",
                                  "ORPHEUS_HUB_DB_URL": "", "ORPHEUS_SHARE_DB_URL": "",
                                  "ORPHEUS_LLM_DB_URL": ""})
    with pytest.raises(RuntimeError) as failed:
        hub.start(timeout=60)
    message = str(failed.value)
    assert "ORPHEUS_PROFILE=production needs a database server" in message
    assert "ORPHEUS_HUB_DB_URL (JupyterHub's own database)" in message
    assert "ORPHEUS_SHARE_DB_URL" in message
    assert "ORPHEUS_LLM_DB_URL" in message
    assert "SQLite is for the embedded default only: ORPHEUS_DB_URL" in message
