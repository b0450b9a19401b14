"""Data Studio servers also load Voila's server extension (dashboards render through it)."""

from __future__ import annotations

import pytest


@pytest.fixture
def jp_server_config() -> dict[str, object]:
    """The orpheus and voila extensions, as a user server under the hub runs them."""
    return {"ServerApp": {"jpserver_extensions": {"orpheus": True, "voila": True}}}
