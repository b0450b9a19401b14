"""Render jobs: one at a time per user server, queued, each in its own child process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import struct
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tornado import web
from traitlets import Float, Int, Unicode
from traitlets.config import LoggingConfigurable

from .. import folders
from .mp4info import probe


@dataclass
class RenderJob:
    """A render request and everything it has reported so far."""

    video_dir: Path
    scene: str
    quality: str
    output: Path
    state: str = "queued"
    events: list[dict[str, Any]] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self, event: dict[str, Any]) -> None:
        """Record an event and wake every listener."""
        self.events.append(event)
        self.changed.set()
        self.changed = asyncio.Event()

    @property
    def finished(self) -> bool:
        """Whether the job has succeeded or failed."""
        return self.state in ("done", "failed")

    async def follow(self) -> AsyncIterator[dict[str, Any]]:
        """Every event, past ones first, until the job finishes."""
        seen = 0
        while True:
            waiter = self.changed
            while seen < len(self.events):
                seen += 1
                yield self.events[seen - 1]
            if self.finished:
                return
            await waiter.wait()


class RenderQueue(LoggingConfigurable):
    """Runs render jobs one after another; a full queue answers 429."""

    max_waiting = Int(
        3, help="Render jobs that may wait behind the running one; more answer 429."
    ).tag(config=True)
    timeout = Float(600.0, help="Seconds a render may run before it is stopped.").tag(config=True)
    max_seconds = Float(120.0, help="Longest video, in seconds, a scene may produce.").tag(
        config=True
    )
    python = Unicode(sys.executable, help="Python interpreter that runs the renderer.").tag(
        config=True
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._waiting: list[RenderJob] = []
        self._wakeup = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None

    def submit(self, job: RenderJob) -> RenderJob:
        """Queue ``job`` (429 when the queue is full)."""
        if len(self._waiting) > self.max_waiting:  # the running job plus max_waiting behind it
            raise web.HTTPError(
                429,
                f"{self.max_waiting} renders are already waiting; try again when one finishes",
            )
        self._waiting.append(job)
        job.add({"event": "queued", "position": len(self._waiting)})
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work())
        self._wakeup.set()
        return job

    async def _work(self) -> None:
        while self._waiting:
            job = self._waiting[0]
            try:
                await self._run(job)
            except Exception:
                self.log.exception("Render of %s failed unexpectedly", job.scene)
                job.state = "failed"
                job.add({"event": "error", "message": "the render failed; see the server log"})
            finally:
                self._waiting.pop(0)
                job.add({"event": "complete", "state": job.state})

    async def _run(self, job: RenderJob) -> None:
        job.state = "running"
        job.add({"event": "status", "message": f"starting render of {job.scene}"})
        log_path = job.output.with_suffix(".log")
        cmd = [
            self.python,
            "-m",
            "orpheus.video.runner",
            f"scenes/{job.scene}.py",
            str(job.output.relative_to(job.video_dir)),
            "--quality",
            job.quality,
            "--max-seconds",
            str(self.max_seconds),
        ]
        proc = await asyncio.create_subprocess_exec(
            *cmd,
            cwd=job.video_dir,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
        try:
            stderr = await asyncio.wait_for(self._relay(proc, job, log_path), self.timeout)
        except asyncio.TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
            return self._fail(
                job, f"the render took longer than {self.timeout:g} s and was stopped"
            )
        if proc.returncode != 0:
            message = stderr.strip().splitlines()[-1] if stderr.strip() else "the renderer failed"
            return self._fail(job, message.replace(str(job.video_dir), folders.VIDEO))
        job.state = "done"
        job.add({"event": "result", **describe(job.output)})

    async def _relay(self, proc: asyncio.subprocess.Process, job: RenderJob, log_path: Path) -> str:
        """Pass progress lines on as events, keep everything in the log; return stderr."""
        if proc.stdout is None or proc.stderr is None:  # pragma: no cover - PIPEs requested
            raise RuntimeError("renderer pipes missing")
        err_task = asyncio.create_task(proc.stderr.read())
        # O_NOFOLLOW: a link planted under the log's name is refused, never written through.
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "w") as log:
            async for raw in proc.stdout:
                line = raw.decode(errors="replace")
                log.write(line)
                with contextlib.suppress(ValueError):
                    event = json.loads(line)
                    if event.get("event") in ("progress", "status"):
                        job.add(event)
            stderr = (await err_task).decode(errors="replace")
            log.write(stderr)
        await proc.wait()
        return stderr

    def _fail(self, job: RenderJob, message: str) -> None:
        job.state = "failed"
        job.output.unlink(missing_ok=True)
        job.add({"event": "error", "message": message})


def describe(path: Path) -> dict[str, Any]:
    """The listing entry of one rendered file."""
    stat = path.stat()
    try:
        info = probe(path)
    except (OSError, struct.error, IndexError):  # a truncated or foreign file: no details
        info = {"duration": None, "width": None, "height": None}
    return {
        "file": path.name,
        "size": stat.st_size,
        "duration": info["duration"],
        "width": info["width"],
        "height": info["height"],
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stat.st_mtime)),
    }
