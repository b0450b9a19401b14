"""A stand-in gateway and a real Claude kernel started with jupyter_client.

:class:`FakeGateway` is the fake Anthropic API mounted where the hub's llm service
serves it (``/services/llm/anthropic``), plus the service's token endpoint
(``POST /services/llm/api/tokens``): it accepts only :data:`HUB_TOKEN` there and
answers :data:`GATEWAY_TOKEN`, the only credential its model routes accept. So a
model call that arrives proves the kernel used the gateway-only token.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from traitlets.config import Config

from tests.fakes.anthropic import AnthropicHandler, FakeAnthropic

REPO = Path(__file__).resolve().parents[3]
KERNEL = "orpheus-claude"
HUB_TOKEN = "hub-token-of-the-user-server"
GATEWAY_TOKEN = "orpheus-llm-" + "G" * 43
TOKEN_ID = "tok0000000000001"
PREFIX = "/services/llm"


class TokensHandler(AnthropicHandler):
    """``POST /services/llm/api/tokens``: the hub token in, a gateway-only token out."""

    def post(self) -> None:
        if self.request.headers.get("Authorization", "") != f"token {HUB_TOKEN}":
            self.write_json(403, {"message": "not a hub token of this user"})
            return
        self.write_json(201, {"id": TOKEN_ID, "token": GATEWAY_TOKEN, "expires_at": "2099-01-01T00:00:00Z"})


class TokenHandler(AnthropicHandler):
    """``DELETE /services/llm/api/tokens/{id}``: revocation with the hub token."""

    def delete(self, token_id: str) -> None:
        if self.request.headers.get("Authorization", "") != f"token {HUB_TOKEN}":
            self.write_json(403, {"message": "not a hub token of this user"})
            return
        self.write_json(204 if token_id == TOKEN_ID else 404, {})


class FakeGateway(FakeAnthropic):
    """The fake Anthropic API behind ``/services/llm/anthropic``, with the token endpoint."""

    def __init__(self) -> None:
        super().__init__(api_key=GATEWAY_TOKEN, prefix=PREFIX + "/anthropic")

    def routes(self) -> list[Any]:
        return [(PREFIX + "/api/tokens", TokensHandler, {"fake": self}),
                (PREFIX + "/api/tokens/([^/]+)", TokenHandler, {"fake": self}), *super().routes()]

    @property
    def gateway(self) -> str:
        """What ``ORPHEUS_LLM_URL`` is under the hub."""
        return f"http://127.0.0.1:{self.port}{PREFIX}"

    def mint_requests(self) -> list[Any]:
        """The recorded token requests."""
        return [r for r in self.requests if r.path == PREFIX + "/api/tokens"]

    def revoke_requests(self) -> list[Any]:
        """The recorded token revocations."""
        return [r for r in self.requests if r.method == "DELETE" and r.path.startswith(PREFIX + "/api/tokens/")]


@dataclass
class Execution:
    """What one ``execute_request`` produced."""

    reply: dict[str, Any]
    iopub: list[dict[str, Any]] = field(default_factory=list)

    def of_type(self, *kinds: str) -> list[dict[str, Any]]:
        """The iopub messages of these types, in order."""
        return [m for m in self.iopub if m["msg_type"] in kinds]

    def markdown(self) -> list[str]:
        """Markdown of every display and update, in order."""
        return [m["content"]["data"]["text/markdown"] for m in self.of_type("display_data", "update_display_data")]

    def outputs(self) -> list[dict[str, Any]]:
        """The cell outputs a front end keeps (updates applied to their display), as nbformat dicts."""
        outs: list[dict[str, Any]] = []
        where: dict[str, int] = {}
        for m in self.of_type("display_data", "update_display_data"):
            c = m["content"]
            out = {"output_type": "display_data", "data": c["data"], "metadata": c["metadata"]}
            display_id = c.get("transient", {}).get("display_id")
            if m["msg_type"] == "update_display_data":
                outs[where[display_id]] = out
                continue
            if display_id:
                where[display_id] = len(outs)
            outs.append(out)
        return outs


class Kernel:
    """A running Claude kernel and a blocking client."""

    def __init__(self, km: KernelManager) -> None:
        self.km = km
        self.client = km.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def execute(self, code: str, cell_id: str | None = None, timeout: float = 60) -> Execution:
        """Run ``code`` as the cell ``cell_id`` (sent as ``metadata.cellId``, as JupyterLab does)."""
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": True}
        msg = self.client.session.msg("execute_request", content, metadata={"cellId": cell_id} if cell_id else {})
        self.client.shell_channel.send(msg)
        msg_id = msg["header"]["msg_id"]
        reply = self.client.get_shell_msg(timeout=timeout)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.client.get_shell_msg(timeout=timeout)
        result = Execution(reply["content"])
        while True:
            m = self.client.get_iopub_msg(timeout=timeout)
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            result.iopub.append(m)
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                return result

    def environ(self) -> dict[str, str]:
        """The kernel process's environment, as the system sees it."""
        pid = self.km.provisioner.pid  # type: ignore[union-attr]
        raw = Path(f"/proc/{pid}/environ").read_bytes()
        return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


def kernel_manager(gateway: str, **provisioner: Any) -> KernelManager:
    """A manager for the source tree's ``orpheus-claude`` kernelspec, its provisioner aimed at ``gateway``."""
    config = Config({"ClaudeKernelProvisioner": {"gateway_url": gateway, "model": "claude-test", **provisioner}})
    ksm = KernelSpecManager(kernel_dirs=[str(REPO / "kernels")])
    return KernelManager(kernel_name=KERNEL, kernel_spec_manager=ksm, config=config)


@contextmanager
def claude_kernel(gateway: str, notebook: Path | None = None, cwd: Path | None = None,
                  hub_token: str = HUB_TOKEN, **provisioner: Any) -> Iterator[Kernel]:
    """Start the kernel as jupyter_server would (``JPY_SESSION_NAME``, the server's hub token in its env)."""
    km = kernel_manager(gateway, **provisioner)
    env = {**os.environ, "JUPYTERHUB_API_TOKEN": hub_token, "JPY_API_TOKEN": hub_token,
           "JUPYTERHUB_EXTRA_SECRET": "another-hub-credential"}
    if notebook is not None:
        env["JPY_SESSION_NAME"] = str(notebook)
    km.start_kernel(env=env, cwd=str(cwd or (notebook.parent if notebook else REPO)))
    kernel = Kernel(km)
    try:
        yield kernel
    finally:
        kernel.client.stop_channels()
        km.shutdown_kernel(now=True)


def notebook(path: Path, cells: list[tuple[str, str, list[dict[str, Any]]]]) -> Path:
    """Write a Claude notebook with ``(id, source, outputs)`` code cells."""
    nb = {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": KERNEL, "display_name": "Claude", "language": "markdown"}},
        "cells": [{"cell_type": "code", "id": cid, "source": source, "metadata": {},
                   "execution_count": None, "outputs": outputs} for cid, source, outputs in cells],
    }
    path.write_text(json.dumps(nb))
    return path


def new_id() -> str:
    """A fresh cell id."""
    return uuid.uuid4().hex[:12]
