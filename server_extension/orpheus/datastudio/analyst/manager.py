"""``AnalystManager``: runs of the Claude data analyst, one at a time per project.

A run starts ``claude -p --output-format stream-json --verbose`` in the project folder, as
a Claude session terminal would (``orpheus.sessions``: command, environment, gateway-only
token, deny rules and sandbox), continuing the project's conversation (``--session-id`` the
first time, ``--resume`` after). Its lines are streamed as events; when it ends, the staged
dashboard specs are saved or refused and the notebook is executed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tornado import web
from traitlets import Float, Integer, List, TraitError, Unicode, validate
from traitlets.config import LoggingConfigurable

from ...sessions.claude_config import rule_problem
from . import outputs, prompt, record
from .events import Transcript
from .paths import STAGED, RunPaths
from .process import ClaudeProcess, environment

Emit = Callable[[str, dict[str, Any]], Awaitable[Any]]


@dataclass
class RunRequest:
    """One run as the handler asks for it."""

    project: str
    project_dir: Path
    conversation_id: str
    request: str
    metadata: dict[str, Any]
    token: str | None
    #: A project path as the Jupyter root names it, and its Voila URL.
    link: Callable[[Path], tuple[str, str]]


@dataclass
class Run:
    """A run in progress."""

    started: float
    process: ClaudeProcess | None = None
    cancelled: bool = False
    transcript: Transcript = field(default_factory=Transcript)


class AnalystManager(LoggingConfigurable):  # type: ignore[misc]
    """The Claude data analyst of Data Studio projects."""

    allowed_tools = List(
        Unicode(), default_value=["Bash", "Read", "Write", "Edit", "Glob", "Grep", "NotebookEdit"],
        help="Claude Code tools the analyst may use without asking (--allowedTools); the "
        "session deny rules (ClaudeSettings) still apply.",
    ).tag(config=True)
    deny_rules = List(
        Unicode(), default_value=["Edit(/dashboards/**)", "Edit(/.analysis/*.json)",
                                  "Edit(/.analysis/files/**)", "Edit(/.analysis/analyst/*.json)"],
        help="Rules for claude --disallowedTools on top of the session deny rules: the saved "
        "dashboards and the analysis stay the server's (a leading / is the project folder; "
        "Claude writes dashboards to .analysis/analyst/dashboards/ instead).",
    ).tag(config=True)
    max_turns = Integer(40, help="Model turns one run may take (claude --max-turns).").tag(config=True)
    model = Unicode("", help="Model the analyst asks for (claude --model; empty: the CLI's default).").tag(
        config=True)
    extra_args = List(Unicode(), help="Further arguments for claude.").tag(config=True)
    run_timeout = Float(1800.0, help="Seconds a run of claude may take before it is stopped.").tag(config=True)
    cell_timeout = Float(300.0, help="Seconds one cell of the run's notebook may take.").tag(config=True)
    python = Unicode(help="Python the analyst is told to check specs with (default: this server's).").tag(
        config=True)

    @validate("deny_rules")
    def _check_rules(self, proposal: Any) -> list[str]:
        for rule in proposal["value"]:
            problem = rule_problem(rule)
            if problem:
                raise TraitError(f"AnalystManager.deny_rules: {rule!r} {problem}")
        return list(proposal["value"])

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app = app
        self.runs: dict[str, Run] = {}

    def _python(self) -> str:
        import sys

        return self.python or sys.executable

    # ---- bookkeeping ---------------------------------------------------------
    def running(self, project_dir: Path) -> bool:
        """Whether a run of this project is in progress."""
        return str(project_dir) in self.runs

    def begin(self, project_dir: Path) -> Run:
        """Claim the project (409 while another run goes on)."""
        if self.running(project_dir):
            raise web.HTTPError(409, "Claude is already analysing this project; wait for that run "
                                     "to finish or cancel it (DELETE)")
        run = self.runs[str(project_dir)] = Run(time.monotonic())
        return run

    def cancel(self, project_dir: Path) -> bool:
        """Stop the project's run (False when none runs)."""
        run = self.runs.get(str(project_dir))
        if run is None:
            return False
        run.cancelled = True
        if run.process is not None:
            run.process.stop()
        return True

    async def stop(self) -> None:
        """Stop every run (the server is stopping)."""
        for key in list(self.runs):
            self.cancel(Path(key))

    # ---- a run -----------------------------------------------------------
    def argv(self, paths: RunPaths, conversation: tuple[str, str]) -> list[str]:
        """claude's argv; ``conversation`` is (``--session-id`` or ``--resume``, the id)."""
        args = [*self.app.sessions.claude_command, "-p", "--output-format", "stream-json", "--verbose",
                *conversation, "--permission-mode", "acceptEdits",
                "--allowedTools", ",".join(self.allowed_tools),
                *(["--disallowedTools", ",".join(self.deny_rules)] if self.deny_rules else []),
                "--append-system-prompt", prompt.instructions(paths, self._python())]
        if self.max_turns > 0:
            args += ["--max-turns", str(self.max_turns)]
        if self.model:
            args += ["--model", self.model]
        return [*args, *self.extra_args]

    async def run(self, req: RunRequest, run: Run, emit: Emit) -> dict[str, Any]:
        """The whole run; returns its summary (also stored as the project's last run)."""
        try:
            return await self._run(req, run, emit)
        finally:
            self.runs.pop(str(req.project_dir), None)

    async def _run(self, req: RunRequest, run: Run, emit: Emit) -> dict[str, Any]:
        paths = RunPaths.new(req.project_dir)
        started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        settings = self.app.sessions.claude
        await asyncio.to_thread(record.prepare, req.project_dir, req.project)
        await asyncio.to_thread(settings.prepare_folder, req.project_dir, req.project, [])
        resumed = int((await asyncio.to_thread(record.state, req.project_dir)).get("runs") or 0) > 0
        await emit("status", {"message": "starting Claude", "conversation_id": req.conversation_id,
                              "resumed": resumed, "notebook": paths.notebook_name})
        before = await asyncio.to_thread(record.data_snapshot, req.project_dir)
        code = await self._claude(req, run, paths, resumed, emit)
        summary: dict[str, Any] = {
            "status": "complete", "request": req.request, "started_at": started_at,
            "conversation_id": req.conversation_id, "resumed": resumed, "dashboards": [],
            "refused": [], "notebook": None, "answer": run.transcript.answer,
            "turns": run.transcript.turns, "exit_code": code,
        }
        if run.cancelled:
            summary["status"] = "cancelled"
        else:
            if code != 0 or run.transcript.is_error:
                summary["status"] = "failed"
                if not run.transcript.is_error:
                    await emit("error", {"message": self._failure(code, run)})
            await self._reanalyse(req, before, emit)
            await self._dashboards(req, summary, emit)
            await self._notebook(req, paths, summary, emit)
        summary["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        summary["duration_seconds"] = round(time.monotonic() - run.started, 3)
        await asyncio.to_thread(record.finish, req.project_dir, summary, req.conversation_id,
                                run.transcript.started)
        return summary

    def _failure(self, code: int, run: Run) -> str:
        tail = (run.process.stderr if run.process else "").strip().splitlines()[-3:]
        said = f": {' / '.join(tail)[:500]}" if tail else ""
        return f"claude ended with exit status {code}{said}"

    async def _claude(self, req: RunRequest, run: Run, paths: RunPaths, resumed: bool, emit: Emit) -> int:
        """Run claude; a conversation that cannot be resumed (or started) is tried the other way."""
        flags = ["--resume", "--session-id"] if resumed else ["--session-id", "--resume"]
        code = 0
        for flag in flags:
            user_turn = prompt.request_prompt(req.request, req.metadata, flag == "--resume")
            code = await self._once(req, run, paths, (flag, req.conversation_id), user_turn, emit)
            if code == 0 or run.transcript.started or run.cancelled:
                break
            self.log.info("Analyst of %s: claude %s failed before starting; trying the other way",
                          req.project, flag)
        return code

    async def _once(self, req: RunRequest, run: Run, paths: RunPaths, conversation: tuple[str, str],
                    user_turn: str, emit: Emit) -> int:
        env = environment(self.app.sessions, f"analyst-{req.conversation_id[:8]}", req.token)
        run.process = process = ClaudeProcess(self.argv(paths, conversation), env, req.project_dir,
                                              user_turn)
        try:
            await process.start()
        except OSError as e:
            self.log.warning("Analyst of %s: claude did not start: %s", req.project, e)
            await emit("error", {"message": "the claude command could not start; see the server log"})
            return 127
        if run.cancelled:
            process.stop()
        try:
            await asyncio.wait_for(self._follow(process, run, emit), self.run_timeout)
        except asyncio.TimeoutError:
            process.stop()
            await emit("error", {"message": f"Claude took longer than {self.run_timeout:.0f} s and "
                                            "was stopped"})
        code = await process.wait()
        if "Sandbox disabled" in process.stderr:  # e.g. bwrap present but socat missing
            self.log.warning("Analyst of %s: claude ran without its sandbox: %s", req.project,
                             process.stderr.strip().splitlines()[0][:300])
        return code

    async def _follow(self, process: ClaudeProcess, run: Run, emit: Emit) -> None:
        async for line in process.lines():
            for event, data in run.transcript.feed(line):
                await emit(event, data)

    async def _reanalyse(self, req: RunRequest, before: dict[str, Any], emit: Emit) -> None:
        """Analyse again when Claude added or changed data files (a dashboard may show them)."""
        if await asyncio.to_thread(record.data_snapshot, req.project_dir) == before:
            return
        await emit("status", {"message": "analysing the data files Claude added or changed"})
        mode = req.metadata.get("mode") if req.metadata.get("mode") in ("combined", "separate") else "combined"
        await self.app.datastudio.analyze(req.project_dir, mode, lambda event, data: None)

    async def _dashboards(self, req: RunRequest, summary: dict[str, Any], emit: Emit) -> None:
        studio = self.app.datastudio
        store = studio.store(req.project_dir)
        await emit("status", {"message": "checking the dashboards Claude wrote"})
        async with studio.lock(req.project_dir):
            results = await studio.run(outputs.save_staged, store, req.project_dir / STAGED)
        for item in results:
            if isinstance(item, outputs.Refused):
                summary["refused"].append(item.as_dict())
                await emit("error", {"kind": "dashboard", **item.as_dict()})
                continue
            notebook, url = req.link(req.project_dir / item.notebook)
            saved = {"id": item.spec["id"], "title": item.spec.get("title"), "file": item.file,
                     "version": item.spec.get("version"), "notebook": notebook, "render_url": url}
            summary["dashboards"].append(saved)
            await emit("result", {"kind": "dashboard", **saved})

    async def _notebook(self, req: RunRequest, paths: RunPaths, summary: dict[str, Any], emit: Emit) -> None:
        await emit("status", {"message": f"running {paths.notebook_name} top to bottom"})
        kernel = self.app.chat_kernels.kernel_name
        result = await outputs.execute_notebook(req.project_dir, paths.notebook_name, kernel,
                                                self.cell_timeout)
        result["path"] = req.link(req.project_dir / paths.notebook_name)[0]
        summary["notebook"] = result
        if result["executed"]:
            await emit("result", {"kind": "notebook", **result})
        else:
            await emit("error", {"kind": "notebook", "message": f"{result['path']}: {result['error']}",
                                 **{k: v for k, v in result.items() if k != "error"}})
