"""One hub for the whole package, its gateway pointed at the fake upstreams.

The hub also runs a second gateway, ``llm-nokey``, with no upstream keys at all,
so "no provider configured" is tested on the same hub.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakes.anthropic import FakeAnthropic
from tests.fakes.openai import FakeOpenAI
from tests.harness.hub import Hub, running_hub
from tests.harness.ports import free_port

ANTHROPIC_KEY = "sk-ant-operator-" + "A1" * 12
OPENAI_KEY = "sk-proj-operator-" + "B2" * 12

# The second gateway accepts tokens meant for "llm" (users have that scope already).
NOKEY_SERVICE = """
import sys
c.JupyterHub.services.append({{
    "name": "llm-nokey",
    "url": "http://127.0.0.1:{port}",
    "command": [sys.executable, "-m", "orpheus_hub.llm"],
    "environment": {{"ORPHEUS_DATA_DIR": {data!r}, "ORPHEUS_LLM_CONFIG": {config!r}}},
}})
"""
NOKEY_CONFIG = """
c.HubAuth.access_scopes = {"access:services!service=llm"}
"""

GATEWAY_CONFIG = """
c.CallerAuth.account_cache_seconds = 0
c.CallerAuth.token_cache_seconds = 0
c.LLMGateway.request_timeout = 4
"""


@dataclass
class LLMStack:
    """The hub, the fakes behind its gateway, and URLs to reach the gateway."""

    hub: Hub
    anthropic: FakeAnthropic
    openai: FakeOpenAI
    gateway: str  # .../services/llm through the proxy
    nokey: str  # .../services/llm-nokey through the proxy

    def reset(self) -> None:
        """Forget what the fakes recorded and any scripted replies."""
        self.anthropic.clear()
        self.openai.clear()


@pytest.fixture(scope="package")
def llm_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LLMStack]:
    """Start the fakes and a hub whose ``llm`` service talks to them."""
    data = Path(tmp_path_factory.mktemp("llmhub"))
    gateway_config = data / "llm_config.py"
    gateway_config.write_text(GATEWAY_CONFIG)
    nokey_config = data / "llm_nokey_config.py"
    nokey_config.write_text(GATEWAY_CONFIG + NOKEY_CONFIG)
    with FakeAnthropic(api_key=ANTHROPIC_KEY) as fa, FakeOpenAI(api_key=OPENAI_KEY) as fo:
        env = {
            "ANTHROPIC_API_KEY": ANTHROPIC_KEY, "OPENAI_API_KEY": OPENAI_KEY,
            "ANTHROPIC_BASE_URL": fa.url, "OPENAI_BASE_URL": fo.url,
            "ORPHEUS_LLM_PORT": str(free_port()), "ORPHEUS_LLM_CONFIG": str(gateway_config),
        }
        extra = NOKEY_SERVICE.format(port=free_port(), data=str(data / "nokey"),
                                     config=str(nokey_config))
        for hub in running_hub(data, env=env, extra_config=extra):
            yield LLMStack(hub, fa, fo,  # type: ignore[arg-type]
                           gateway=f"{hub.url}/services/llm", nokey=f"{hub.url}/services/llm-nokey")


@pytest.fixture
def stack(llm_stack: LLMStack) -> LLMStack:
    """The module's stack with the fakes' records cleared."""
    llm_stack.reset()
    return llm_stack


__all__ = ["ANTHROPIC_KEY", "OPENAI_KEY", "LLMStack", "sys"]
