"""The ``claude`` process of a run: argv and environment as a Claude session terminal gets
them (``orpheus.sessions``), its JSON lines, and stopping it with everything it started."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from ...sessions import terminal

LINE_LIMIT = 32 << 20  # a tool result (a file Claude read) can make one long line
STDERR_KEEP = 4000


def environment(sessions: Any, run_id: str, token: str | None) -> dict[str, str]:
    """This server's environment changed as for a session terminal (``terminal.environment``):
    the gateway URL and the user's gateway-only token set, hub tokens and operator keys gone."""
    env = dict(os.environ)
    for key, value in terminal.environment(sessions, run_id, token).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


class ClaudeProcess:
    """One headless ``claude -p`` process; the prompt goes in on stdin."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, prompt: str) -> None:
        self.argv = argv
        self.env = env
        self.cwd = cwd
        self.prompt = prompt
        self.proc: asyncio.subprocess.Process | None = None
        self.stderr = ""
        self._stderr_task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start it in a process group of its own (so stopping it ends its tools too)."""
        self.proc = await asyncio.create_subprocess_exec(
            *self.argv, cwd=str(self.cwd), env=self.env, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            start_new_session=True, limit=LINE_LIMIT,
        )
        stdin = self.proc.stdin
        if stdin is not None:
            stdin.write(self.prompt.encode())
            with contextlib.suppress(ConnectionError):
                await stdin.drain()
            stdin.close()
        self._stderr_task = asyncio.ensure_future(self._read_stderr())

    def _started(self) -> asyncio.subprocess.Process:
        if self.proc is None:
            raise RuntimeError("the claude process has not been started")
        return self.proc

    async def _read_stderr(self) -> None:
        stderr = self._started().stderr
        while stderr is not None and (chunk := await stderr.read(4096)):
            self.stderr = (self.stderr + chunk.decode(errors="replace"))[-STDERR_KEEP:]

    async def lines(self) -> AsyncIterator[str]:
        """Its stdout, line by line, until it closes."""
        stdout = self._started().stdout
        while stdout is not None:
            try:
                raw = await stdout.readline()
            except ValueError:  # a line beyond LINE_LIMIT: skip what was read of it
                continue
            if not raw:
                return
            yield raw.decode(errors="replace").strip()

    async def wait(self) -> int:
        """Its exit status, once its stderr is read."""
        code = await self._started().wait()
        if self._stderr_task is not None:
            await self._stderr_task
        return code

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM to its process group, SIGKILL after ``grace`` seconds if still there."""
        if self.proc is None or self.proc.returncode is not None:
            return
        self._signal(signal.SIGTERM)
        asyncio.get_running_loop().call_later(grace, self._signal, signal.SIGKILL)

    def _signal(self, sig: int) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, sig)
