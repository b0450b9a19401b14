"""A fake Anthropic API mounted where the hub's gateway would be (``/services/llm/anthropic``).

The extension's client is pointed at it with a token of its own, as
``ORPHEUS_LLM_URL`` and ``JUPYTERHUB_API_TOKEN`` would under the hub; the real
gateway in between is covered by ``tests/hub/llm``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.anthropic import FakeAnthropic
from tests.server_extension.datastudio import datasets, specs

SERVER_TOKEN = "server-token-of-the-user"


@pytest.fixture
def fake_llm() -> Iterator[FakeAnthropic]:
    with FakeAnthropic(api_key=SERVER_TOKEN, prefix="/services/llm/anthropic") as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture
def jp_server_config(fake_llm: FakeAnthropic) -> dict[str, object]:
    """The orpheus extension with its LLM client aimed at the fake."""
    return {
        "ServerApp": {"jpserver_extensions": {"orpheus": True}},
        "LLMClient": {"gateway_url": f"http://127.0.0.1:{fake_llm.port}/services/llm",
                      "api_token": SERVER_TOKEN, "model": "claude-test"},
    }


async def api(jp_fetch: Any, *path: str, method: str = "GET", body: Any = None,
              headers: dict[str, str] | None = None) -> Any:
    """Call ``/orpheus/api/projects/...`` and decode JSON (raw text for event streams)."""
    kwargs: dict[str, Any] = {"method": method, "headers": dict(headers or {})}  # jp_fetch adds auth in place
    if method in ("POST", "PUT"):
        kwargs["body"] = json.dumps({} if body is None else body)
    r = await jp_fetch("orpheus", "api", "projects", *path, **kwargs)
    if "event-stream" in r.headers.get("Content-Type", ""):
        return r.body.decode()
    return json.loads(r.body) if r.body else None


def events(stream: str) -> list[tuple[str, dict[str, Any]]]:
    """Parse a server-sent event stream."""
    out = []
    for block in stream.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines["event"], json.loads(lines["data"])))
    return out


async def analysed_project(jp_fetch: Any, root: Path, name: str = "trial") -> Path:
    """A project with the clinical-trial data, analysed, and one dashboard ``overview``."""
    await jp_fetch("orpheus", "api", "projects", method="POST", body=json.dumps({"name": name}))
    folder = root / "projects" / name
    datasets.clinical_trial(folder / "data")
    await api(jp_fetch, name, "analyze", method="POST", body={})
    spec = {**specs.trial_spec(), "id": "overview"}
    await api(jp_fetch, name, "dashboards", method="POST", body=spec)
    return folder
