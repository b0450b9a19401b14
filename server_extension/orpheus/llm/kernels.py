"""Kernels for chat with data: one per project, started by the server's own kernel manager
(so they show in JupyterLab's running list and die with the server), with the project's
``data/`` files preloaded. Model-written code only ever runs there, never in this process."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from jupyter_core.utils import ensure_async
from tornado import web
from traitlets import Any as AnyTrait
from traitlets import Float, Integer, Unicode
from traitlets.config import LoggingConfigurable

from .. import folders

V4: Any = nbformat.v4  # untyped module (strict mypy)

#: Runs first in every chat kernel and first in every exported notebook (``DATA`` is the
#: project's ``orpheus.folders.DATA`` folder; the kernel's working folder is the project).
PRELOAD = '''\
import json
from pathlib import Path

import pandas as pd
import plotly.express as px
import plotly.io as pio

pio.renderers.default = "plotly_mimetype"
DATA = Path(__DATA__)
READERS = {".csv": pd.read_csv, ".tsv": lambda p: pd.read_csv(p, sep="\\t"),
           ".parquet": pd.read_parquet, ".xlsx": pd.read_excel, ".json": pd.read_json}
dfs = {}
for _path in sorted(DATA.iterdir()) if DATA.is_dir() else []:
    if _path.suffix.lower() in READERS:
        try:
            dfs[_path.name] = READERS[_path.suffix.lower()](_path)
        except Exception as _e:
            print(f"could not load {_path.name}: {_e}")
df = next(iter(dfs.values())) if len(dfs) == 1 else None
print(json.dumps({name: {"rows": len(frame), "columns": {str(c): str(t) for c, t in
                  list(frame.dtypes.items())[:60]}} for name, frame in dfs.items()}))
'''.replace("__DATA__", json.dumps(folders.DATA))


@dataclass
class ProjectKernel:
    """A running chat kernel and what the preload found."""

    kernel_id: str
    data: dict[str, Any]


class ChatKernels(LoggingConfigurable):
    """Starts, reuses and runs code in the per-project chat kernels."""

    kernel_name = Unicode("python3", help="Kernel spec the chat-with-data kernels use.").tag(config=True)
    execute_timeout = Float(120.0, help="Seconds one run_python step may take.").tag(config=True)
    max_steps = Integer(8, help="run_python steps the model may take to answer one chat message.").tag(config=True)
    kernel_manager = AnyTrait(help="The server's kernel manager (set by the extension).")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._kernels: dict[str, ProjectKernel] = {}
        self._clients: dict[str, Any] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def lock(self, folder: Path) -> asyncio.Lock:
        """One chat step at a time per project kernel."""
        return self._locks.setdefault(str(folder), asyncio.Lock())

    async def ensure(self, folder: Path, api_path: str) -> ProjectKernel:
        """The project's kernel, started (cwd = the project, data preloaded) if needed."""
        known = self._kernels.get(str(folder))
        if known and known.kernel_id in self.kernel_manager:
            return known
        kernel_id = await ensure_async(self.kernel_manager.start_kernel(
            kernel_name=self.kernel_name, path=api_path))
        self.log.info("Started chat kernel %s for project %s", kernel_id, folder.name)
        outputs = await self.execute(kernel_id, PRELOAD)
        data: dict[str, Any] = {}
        lines = [line for out in outputs if out.get("output_type") == "stream"
                 for line in out["text"].splitlines() if line.startswith("{")]
        if lines:  # the preload's summary is its last JSON line ("could not load" notes come first)
            data = json.loads(lines[-1])
        self._kernels[str(folder)] = kernel = ProjectKernel(kernel_id, data)
        return kernel

    async def client(self, kernel_id: str) -> Any:
        """A started client of the kernel (kept for later steps)."""
        client = self._clients.get(kernel_id)
        if client is None:
            client = self.kernel_manager.get_kernel(kernel_id).client()
            client.start_channels()
            await client.wait_for_ready(timeout=60)
            self._clients[kernel_id] = client
        return client

    async def execute(self, kernel_id: str, code: str) -> list[dict[str, Any]]:
        """Run ``code``; returns its outputs as notebook (nbformat v4) outputs."""
        client = await self.client(kernel_id)
        outputs: list[dict[str, Any]] = []

        def hook(msg: dict[str, Any]) -> None:
            if msg["msg_type"] in ("stream", "display_data", "execute_result", "error"):
                outputs.append(dict(V4.output_from_msg(msg)))

        try:
            await client.execute_interactive(code, output_hook=hook, timeout=self.execute_timeout,
                                             allow_stdin=False, store_history=False)
        except TimeoutError:
            await ensure_async(self.kernel_manager.interrupt_kernel(kernel_id))
            outputs.append({"output_type": "error", "ename": "TimeoutError", "traceback": [],
                            "evalue": f"the step took longer than {self.execute_timeout:.0f} s"})
        return outputs

    async def shutdown(self, folder: Path) -> None:
        """Stop a project's chat kernel (if running)."""
        known = self._kernels.pop(str(folder), None)
        if known is None:
            return
        client = self._clients.pop(known.kernel_id, None)
        if client is not None:
            client.stop_channels()
        if known.kernel_id in self.kernel_manager:
            await ensure_async(self.kernel_manager.shutdown_kernel(known.kernel_id))

    def require_manager(self) -> None:
        """503 when the server has no kernel manager (never the case under jupyter_server)."""
        if self.kernel_manager is None:
            raise web.HTTPError(503, "This server cannot start kernels, so chat with data is unavailable.")
