"""Shared fixtures. Server-extension tests use pytest-jupyter; hub tests use tests/harness."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness.hub import Hub, running_hub

pytest_plugins = ["pytest_jupyter.jupyter_server", "tests.reliability.tally"]


@pytest.fixture
def jp_server_config() -> dict[str, object]:
    """Every pytest-jupyter server loads the orpheus extension."""
    return {"ServerApp": {"jpserver_extensions": {"orpheus": True}}}


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """One real hub shared by the hub tests that don't need their own configuration."""
    yield from running_hub(Path(tmp_path_factory.mktemp("hub")))
