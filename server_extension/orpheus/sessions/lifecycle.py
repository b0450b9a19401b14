"""Running terminals: start, finish, persist counters, and reap idle or old sessions."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from terminado.management import MaxTerminalsReached
from tornado import web

from . import model_access, terminal
from .config import SessionConfig
from .live import LiveSession
from .recorder import AsciicastRecorder
from .records import RecordStore, SessionPaths, iso


class SessionLifecycle(SessionConfig):
    """The part of the session manager that owns running terminals.

    ``clock`` (seconds since the epoch) is an attribute so tests can inject one.
    """

    clock: Callable[[], float] = staticmethod(time.time)

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app = app
        self.live: dict[str, LiveSession] = {}
        self._paths: dict[str, SessionPaths] = {}
        self._reaper: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Future[Any]] = set()
        # Gateway token ids of running terminals (revoked when their session ends).
        self._token_ids: dict[str, str] = {}
        # Final records of sessions whose end is being written.
        self.ending: dict[str, dict[str, Any]] = {}
        # Recorders of ended sessions whose last writes may still be in flight.
        self.closing: dict[str, AsciicastRecorder] = {}

    # ---- places -------------------------------------------------------------
    @property
    def jupyter_root(self) -> Path:
        """The Jupyter server's root folder."""
        root: str = self.app.serverapp.root_dir
        return Path(root).expanduser().resolve()

    @property
    def projects_root(self) -> Path:
        """``<root>/<projects_dir>``, as the project manager has it."""
        root: Path = self.app.projects.root
        return root

    @property
    def store(self) -> RecordStore:
        """The record store."""
        return RecordStore(self.projects_root)

    @property
    def terminal_manager(self) -> Any:
        """jupyter_server_terminals' TerminalManager; 503 when terminals are disabled."""
        tm = self.app.serverapp.web_app.settings.get("terminal_manager")
        if tm is None:
            raise web.HTTPError(503, "terminals are disabled on this server")
        return tm

    def current(self, session_id: str) -> LiveSession | None:
        """The live session if its own terminal is still running (not a stray of its name)."""
        live = self.live.get(session_id)
        if live is None or self.terminal_manager.terminals.get(live.terminal_name) is not live.terminal:
            return None
        return live

    def fold(self, record: dict[str, Any], live: LiveSession | None) -> dict[str, Any]:
        """The record with a running terminal's counters folded in."""
        folded = dict(record)
        if live is not None:
            counters = live.counters()
            folded.update(counters, last_activity=iso(counters["last_activity"]))
            if counters["size"] is None:
                folded["size"] = record.get("size")
        return folded

    # ---- start / finish -------------------------------------------------------
    async def start_terminal(
        self, paths: SessionPaths, record: dict[str, Any], resume: bool
    ) -> dict[str, Any]:
        """Start the session's terminal; the record says ``error`` if it cannot start."""
        paths.check()  # the recorder appends to the recording: never through a link out
        terminal.check_workdir(paths, self.projects_root)
        now = self.clock()
        record = {**record, "status": "created", "started": iso(now), "last_activity": iso(now),
                  "ended": None, "error": None}
        access = await model_access.prepare(self, paths.session_id, str(record.get("mode")))
        try:
            await self._clear_stray(paths.session_id)
            live = terminal.start(self.terminal_manager, self, paths, record, resume, self.clock, access)
        except (OSError, MaxTerminalsReached, web.HTTPError) as e:
            if access.token_id:
                await model_access.revoke(self, paths.session_id, access.token_id)
            if isinstance(e, web.HTTPError):
                raise
            self.log.warning("Session %s: terminal did not start: %s", paths.session_id, e)
            why = str(e) if isinstance(e, MaxTerminalsReached) else "see the server log"
            mode = record.get("mode", "session")
            record.update(status="error", error=f"the {mode} command could not start ({why})")
            await asyncio.to_thread(self.store.write, paths, record)
            return record
        if access.token_id:
            self._token_ids[paths.session_id] = access.token_id
        live.base_commands = int(record.get("commands_executed") or 0)
        live.record = record
        live.recorder.on_died = lambda: self._on_died(live)
        self.live[paths.session_id] = live
        self._paths[paths.session_id] = paths
        await asyncio.to_thread(self.store.write, paths, record)
        self._ensure_reaper()
        self.log.info("Session %s: terminal %s started", paths.session_id, live.terminal_name)
        return record

    async def _clear_stray(self, session_id: str) -> None:
        """End a terminal holding the session's name that is not the session's own (a plain
        shell a restored tab made), and wait until terminado has let the name go."""
        tm, name = self.terminal_manager, terminal.terminal_name(session_id)
        if name not in tm.terminals or self.current(session_id) is not None:
            return
        self.log.warning("Session %s: ending the stray terminal %s that holds its name", session_id, name)
        await tm.terminate(name, force=True)
        for _ in range(int(self.stray_wait / 0.05) + 1):
            if name not in tm.terminals:
                return
            await asyncio.sleep(0.05)
        raise web.HTTPError(409, "another terminal holds this session's name and did not end; "
                                 "close it in the Running panel, then resume")

    async def _revoke_token(self, session_id: str) -> None:
        """Revoke the ended session's gateway token, if it had one."""
        token_id = self._token_ids.pop(session_id, None)
        if token_id:
            await model_access.revoke(self, session_id, token_id)

    def _on_died(self, ended: LiveSession) -> None:
        """The terminal's output ended (terminado's on_pty_died; the recorder has closed)."""
        self._closing(ended)
        live = self.live.pop(ended.session_id, None)
        if live is None:
            return
        for work in (self._persist_end(live, "exited"), self._revoke_token(live.session_id)):
            future = asyncio.ensure_future(work)
            self._pending.add(future)
            future.add_done_callback(self._pending.discard)

    async def finish(self, session_id: str, reason: str) -> None:
        """Forget a live session whose terminal ended and persist its state (idempotent)."""
        live = self.live.pop(session_id, None)
        if live is not None:
            self._closing(live)
            await self._persist_end(live, reason)
            await self._revoke_token(session_id)

    async def stop_terminal(self, session_id: str, reason: str) -> None:
        """Terminate a running terminal and persist the session as terminated.

        The recorder closes itself when terminado reads the end of the terminal's
        output (``on_pty_died``), so the recording keeps every byte the clients got.
        """
        live = self.live.pop(session_id, None)
        if live is None:
            return
        tm = self.terminal_manager
        if tm.terminals.get(live.terminal_name) is live.terminal:
            await tm.terminate(live.terminal_name, force=True)
        else:
            self._closing(live)
        await self._persist_end(live, reason)
        await self._revoke_token(session_id)

    def _closing(self, live: LiveSession) -> None:
        """Keep an ended session's recorder until its writes have landed."""
        session_id, recorder = live.session_id, live.recorder
        self.closing[session_id] = recorder
        done = recorder.close()
        if done is None:
            self.closing.pop(session_id, None)
        else:
            done.add_done_callback(lambda _: self.closing.pop(session_id, None))

    async def recording_written(self, session_id: str) -> None:
        """Wait until everything recorded so far for the session is on disk."""
        live = self.live.get(session_id)
        recorder = live.recorder if live is not None else self.closing.get(session_id)
        pending = recorder.flush() if recorder is not None else None
        if pending is not None:
            await asyncio.wrap_future(pending)

    async def _persist_end(self, live: LiveSession, reason: str) -> None:
        record = self.fold(live.record, live)
        record.update(status="terminated", ended=reason)
        # Readers see the final record at once, even before the write below lands.
        self.ending[live.session_id] = record
        try:
            await asyncio.to_thread(self.store.write, self._paths[live.session_id], record)
        finally:
            self.ending.pop(live.session_id, None)
        self.log.info("Session %s ended (%s)", live.session_id, reason)

    # ---- reaping ----------------------------------------------------------------
    def reap_reason(self, live: LiveSession, now: float) -> str | None:
        """Why a running session should end now, if it should."""
        if self.idle_timeout and now - live.last_activity > self.idle_timeout:
            return "idle"
        if self.max_age and now - live.started > self.max_age:
            return "max_age"
        return None

    async def reap_once(self) -> list[str]:
        """Terminate idle and old sessions, persist the others' counters; returns the reaped ids."""
        now = self.clock()
        reaped = []
        for session_id, live in list(self.live.items()):
            if live.terminal_name not in self.terminal_manager.terminals:
                await self.finish(session_id, "exited")
                continue
            reason = self.reap_reason(live, now)
            if reason:
                await self.stop_terminal(session_id, reason)
                reaped.append(session_id)
            elif live.dirty:
                live.dirty = False
                record = self.fold(live.record, live)
                await asyncio.to_thread(self.store.write, self._paths[session_id], record)
        return reaped

    async def _reap_forever(self) -> None:
        while True:
            await asyncio.sleep(self.reap_interval)
            try:
                await self.reap_once()
            except Exception:
                self.log.exception("Session reaper failed; it will try again")

    def _ensure_reaper(self) -> None:
        if self._reaper is None or self._reaper.done():
            self._reaper = asyncio.ensure_future(self._reap_forever())

    async def stop(self) -> None:
        """Stop the reaper and persist every running session's counters."""
        if self._reaper is not None:
            self._reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reaper
            self._reaper = None
        for session_id, live in list(self.live.items()):
            live.recorder.close()
            try:
                self.store.write(self._paths[session_id], self.fold(live.record, live))
            except web.HTTPError as e:  # a folder turned into a link out: not written there
                self.log.warning("Session %s: final record not written: %s", session_id,
                                 e.log_message)
        for session_id in list(self._token_ids):  # the server stops: so do its terminals
            await self._revoke_token(session_id)
