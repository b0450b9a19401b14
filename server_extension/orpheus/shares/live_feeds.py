"""This server's live shares: create one for a running session, stop it, refresh it.

A live share is created like a snapshot share (a session snapshot, kind ``live``,
target = the session id, so the link shows the session so far even before the
stream connects and after it ends), then a :class:`~.publisher.LivePublisher` joins
the session's recorder and streams to the share service until the session ends
or the share is revoked.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from tornado import web

from . import builder
from .publisher import LivePublisher, with_kind

if TYPE_CHECKING:
    from ..sessions.manager import ClaudeSessionManager
    from ..sessions.recorder import AsciicastRecorder
    from .client import ShareClient

LIVE = "live"
CONNECT_WAIT = 5.0  # seconds a new live share waits for its feed before answering


class LiveFeeds:
    """The running publishers of this server, by share id."""

    def __init__(self, client: ShareClient) -> None:
        self.client = client
        self.publishers: dict[str, LivePublisher] = {}
        self.log = logging.getLogger("orpheus.shares.live")

    def feed_url(self, share_id: str) -> str:
        """``ws(s)://.../api/shares/<id>/live`` of the share service."""
        base = self.client.service_url.rstrip("/")
        scheme, _, rest = base.partition("://")
        return f"{'wss' if scheme == 'https' else 'ws'}://{rest}/api/shares/{share_id}/live"

    async def snapshot(self, sessions: ClaudeSessionManager, session_id: str, title: Any = None) -> builder.Snapshot:
        """The session's snapshot labelled ``live`` (files, public record, recording so far)."""
        paths = await sessions.paths_of(session_id)
        folder = type(paths)(paths.project_dir, session_id).workdir
        target = sessions.relative(folder)
        try:
            snap = await asyncio.to_thread(builder.build, sessions.jupyter_root, "session", target,
                                           sessions.projects_root.relative_to(sessions.jupyter_root).as_posix(),
                                           self.client.max_snapshot_bytes)
        except builder.ShareBuildError as e:
            raise web.HTTPError(e.status, e.message) from None
        if isinstance(title, str) and title.strip():
            snap = builder.Snapshot(snap.kind, title.strip(), snap.target, snap.data)
        return with_kind(snap, LIVE, session_id)

    async def share(self, sessions: ClaudeSessionManager, session_id: Any, title: Any,
                    expires_in: int | None) -> dict[str, Any]:
        """Create the live share of a running session and start streaming it."""
        if not isinstance(session_id, str):
            raise web.HTTPError(400, "a live share's target is the id of a running session")
        await sessions.paths_of(session_id)  # 400/404 for a bad or unknown id
        if sessions.current(session_id) is None:
            raise web.HTTPError(409, f"session {session_id} is not running; share a snapshot "
                                     "(kind 'session') of it instead")
        snap = await self.snapshot(sessions, session_id, title)
        model: dict[str, Any] = await self.client.create(snap, expires_in)
        live = sessions.current(session_id)
        if live is None:  # ended while the snapshot was uploaded: the link shows all of it
            await self.client.refresh(str(model["id"]), await self.snapshot(sessions, session_id))
            return model
        publisher = self.follow(sessions, session_id, str(model["id"]), live.recorder)
        try:  # the link works as soon as it is shown
            await asyncio.wait_for(publisher.connected.wait(), CONNECT_WAIT)
        except asyncio.TimeoutError:
            self.log.warning("Live share %s: the feed is not connected yet", model["id"])
        return model

    def follow(self, sessions: ClaudeSessionManager, session_id: str, share_id: str,
               recorder: AsciicastRecorder) -> LivePublisher:
        """Join the recorder and stream until the session ends or the share goes."""

        async def flushed() -> None:
            pending = recorder.flush()
            if pending is not None:
                await asyncio.wrap_future(pending)

        async def final() -> None:
            await flushed()
            snap = await self.snapshot(sessions, session_id)
            await self.client.refresh(share_id, snap)

        publisher = LivePublisher(share_id, self.feed_url(share_id), self.client.api_token,
                                  recorder.path, flushed, final, self.log)
        recorder.taps.append(publisher)
        self.publishers[share_id] = publisher
        publisher.start()
        if publisher.task is not None:
            publisher.task.add_done_callback(lambda _: self._done(share_id, publisher, recorder))
        return publisher

    def _done(self, share_id: str, publisher: LivePublisher, recorder: AsciicastRecorder) -> None:
        task = publisher.task
        if task is not None and not task.cancelled() and task.exception() is not None:
            self.log.error("Live share %s stopped on an error", share_id, exc_info=task.exception())
        if publisher in recorder.taps:
            recorder.taps.remove(publisher)
        if self.publishers.get(share_id) is publisher:
            del self.publishers[share_id]

    def stop(self, share_id: str) -> None:
        """Stop streaming a share (revoked)."""
        publisher = self.publishers.get(share_id)
        if publisher is not None:
            publisher.stop()
