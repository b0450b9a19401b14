"""The provisioner of the ``orpheus-claude`` kernelspec: model access without hub credentials.

It runs inside the user server (jupyter_client calls it for every start and
restart of a Claude kernel). The kernel process gets:

- no hub credential: ``JUPYTERHUB_API_TOKEN``, ``JPY_API_TOKEN``, every
  ``JUPYTERHUB_*``/``JPY_*`` variable naming a token, secret, key or password, the
  operator's provider keys and ``drop_env`` are removed from its environment;
- a **gateway-only token** (``ORPHEUS_CLAUDE_TOKEN``), minted for this kernel by the
  hub's llm service (``POST <gateway>/api/tokens``) with the server's own hub token,
  the way session terminals get theirs. The gateway accepts it on its model routes
  only (no hub API, no server API, no minting) and lets it expire after
  ``token_hours``; a restart of the kernel mints a new one.

When no gateway is configured or minting fails, the kernel starts anyway with
``ORPHEUS_CLAUDE_PROBLEM`` set, and every cell answers with that message.
"""

from __future__ import annotations

import os
import re
from typing import Any

from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from traitlets import Float, Integer, List, Unicode, default

from ..llm.gateway_api import GatewayTokenError, mint_token, revoke_token
from ..sessions.config import OPERATOR_SECRETS
from . import ENV_GATEWAY, ENV_MAX_TOKENS, ENV_MODEL, ENV_PROBLEM, ENV_SYSTEM, ENV_TIMEOUT, ENV_TOKEN

# Hub credentials in the server's environment (JUPYTERHUB_API_TOKEN, JPY_API_TOKEN, ...).
HUB_CREDENTIAL = re.compile(r"(JUPYTERHUB|JPY)_\w*(TOKEN|SECRET|KEY|PASSWORD)\w*")
ANTHROPIC_VARIABLES = ("ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL")

NO_GATEWAY = (
    "No model is configured for this server: the Claude kernel needs the hub's llm service "
    "(ORPHEUS_LLM_URL) and this server's hub token. Ask your operator to enable the LLM gateway."
)

DEFAULT_SYSTEM = (
    "You are Claude, answering in a Jupyter notebook whose cells are the user's messages. "
    "Answer in Markdown. When code would help, give complete Python in fenced ```python blocks: "
    "the notebook offers it to the user as a new cell, which they run themselves in a Python kernel; "
    "you cannot run code and never see its output unless the user pastes it."
)


class ClaudeKernelProvisioner(LocalProvisioner):  # type: ignore[misc]
    """Launches the Claude kernel locally with a gateway-only token and no hub credential."""

    gateway_url = Unicode(
        help="Root URL of the hub's llm service for Claude kernels (default: $ORPHEUS_LLM_URL; empty: no model).",
    ).tag(config=True)
    model = Unicode("claude-sonnet-4-5", help="Model the Claude kernel asks for.").tag(config=True)
    max_tokens = Integer(4096, min=1, help="Largest answer, in tokens, one cell asks for.").tag(config=True)
    model_timeout = Float(300.0, min=1.0, help="Seconds one answer may take before the cell gives up.").tag(
        config=True
    )
    token_hours = Float(
        12.0, min=0.0,
        help="Lifetime, in hours, of the gateway-only token a Claude kernel gets at each (re)start "
        "(capped by the gateway's LLMGateway.token_max_hours; 0: the gateway's longest).",
    ).tag(config=True)
    token_timeout = Float(10.0, min=0.1, help="Seconds the server waits for the llm service to mint a token.").tag(
        config=True
    )
    system_prompt = Unicode(DEFAULT_SYSTEM, help="System prompt of every Claude kernel conversation.").tag(
        config=True
    )
    drop_env = List(
        Unicode(), default_value=[],
        help="Further environment variables removed from Claude kernels (hub tokens and the "
        "operator's provider keys are always removed).",
    ).tag(config=True)

    _minted: tuple[str, str] | None = None  # (token id, hub token) of the live gateway token

    @default("gateway_url")
    def _default_gateway(self) -> str:
        return os.environ.get("ORPHEUS_LLM_URL", "")

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        """The launch arguments of the base provisioner, with the kernel's environment rewritten."""
        launch: dict[str, Any] = await super().pre_launch(**kwargs)
        env: dict[str, str] = launch["env"]
        hub_token = env.get("JUPYTERHUB_API_TOKEN") or os.environ.get("JUPYTERHUB_API_TOKEN", "")
        for name in self.dropped(env):
            env.pop(name, None)
        env.update(self.settings())
        token, problem = await self.gateway_token(hub_token)
        if token:
            env[ENV_TOKEN] = token
        else:
            env[ENV_PROBLEM] = problem
        return launch

    def dropped(self, env: dict[str, str]) -> set[str]:
        """Names removed from the kernel's environment."""
        names = {n for n in env if HUB_CREDENTIAL.fullmatch(n) or n.startswith("ORPHEUS_CLAUDE_")}
        return names | set(OPERATOR_SECRETS) | set(ANTHROPIC_VARIABLES) | set(self.drop_env)

    def settings(self) -> dict[str, str]:
        """What the kernel needs besides its token."""
        return {
            ENV_GATEWAY: self.gateway_url,
            ENV_MODEL: self.model,
            ENV_MAX_TOKENS: str(self.max_tokens),
            ENV_TIMEOUT: str(self.model_timeout),
            ENV_SYSTEM: self.system_prompt,
        }

    async def gateway_token(self, hub_token: str) -> tuple[str, str]:
        """``(token, "")``, or ``("", why there is none)``; the hub token is only sent to the gateway."""
        if not (self.gateway_url and hub_token):
            return "", NO_GATEWAY
        try:
            minted = await mint_token(self.gateway_url, hub_token, self.token_hours * 3600,
                                      f"claude kernel {self.kernel_id}", self.token_timeout)
        except GatewayTokenError as e:
            self.log.warning("Claude kernel %s: no model token: %s", self.kernel_id, e)
            return "", f"The Claude kernel could not get a model token: {e}. Restart the kernel to try again."
        self._minted = (minted.id, hub_token)
        return minted.token, ""

    async def cleanup(self, restart: bool = False) -> None:
        """The base clean-up, then the kernel's gateway token is revoked (a restart mints a
        new one), so a stopped kernel's token stops working at once."""
        await super().cleanup(restart=restart)
        minted, self._minted = self._minted, None
        if minted is None:
            return
        try:
            await revoke_token(self.gateway_url, minted[1], minted[0], self.token_timeout)
        except GatewayTokenError as e:
            self.log.warning("Claude kernel %s: token not revoked (it expires by itself): %s",
                             self.kernel_id, e)
