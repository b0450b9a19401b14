"""The public views in-process (no hub): a snapshot that vanishes mid-request is a 404, not a 500."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from tornado.httpclient import AsyncHTTPClient
from tornado.httpserver import HTTPServer

from orpheus_hub.share import snapshots, views
from orpheus_hub.share.accountstate import AccountState
from orpheus_hub.share.app import ShareService
from tests.harness.ports import free_port


def no_hub(app: ShareService) -> None:
    """No hub runs here: every owner counts as approved."""
    async def approved(name: str, stale_ok: bool = False) -> AccountState:
        return AccountState(name, "approved", False)
    app.accounts.get = approved  # type: ignore[method-assign]


def _snapshot() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in (("session.json", b"{}"), ("files/a.txt", b"hello")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


async def test_a_snapshot_replaced_mid_request_is_a_404(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/services/share/")
    app = ShareService()
    app.initialize([f"--ShareService.data_dir={tmp_path}"])
    no_hub(app)
    staged = app.snapshots.staging()
    snapshots.extract(_snapshot(), staged, "session", app.limits())
    app.snapshots.commit(staged, "sid", 1)
    share, token = app.shares.create("ann", "session", "t", "", None, 5, app.clock.now(), "sid")
    server = HTTPServer(app.make_app())
    port = free_port()
    server.listen(port, "127.0.0.1")
    base = f"http://127.0.0.1:{port}/services/share/s/{token}"
    try:
        http = AsyncHTTPClient()
        ok = await http.fetch(base + "/download/a.txt", raise_error=False)
        assert ok.code == 200
        assert ok.body == b"hello"
        # A refresh or revoke removes the files between the lookup and the read.
        monkeypatch.setattr(views.PublicHandler, "file_in", lambda self, root, rel: root / "vanished.txt")
        gone = await http.fetch(base + "/download/a.txt", raise_error=False)
        assert gone.code == 404
        assert b"changed while loading" in gone.body
        assert gone.headers["X-Content-Type-Options"] == "nosniff"
        assert "Content-Disposition" not in gone.headers
    finally:
        server.stop()


async def test_without_the_bundled_player_the_recording_is_offered_as_a_download(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/services/share/")
    app = ShareService()
    app.initialize([f"--ShareService.data_dir={tmp_path}", f"--ShareService.player_dir={tmp_path / 'none'}"])
    no_hub(app)
    staged = app.snapshots.staging()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in (("session.json", b'{"title": "t"}'), ("recording.cast", b'{"version": 2}\n')):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    snapshots.extract(buf.getvalue(), staged, "session", app.limits())
    app.snapshots.commit(staged, "sid", 1)
    _, token = app.shares.create("ann", "session", "t", "", None, 5, app.clock.now(), "sid")
    server = HTTPServer(app.make_app())
    port = free_port()
    server.listen(port, "127.0.0.1")
    try:
        page = await AsyncHTTPClient().fetch(f"http://127.0.0.1:{port}/services/share/s/{token}")
        text = page.body.decode()
        assert "replay player is not installed" in text
        assert "asciinema-player.min.js" not in text
        assert "recording.cast" in text
    finally:
        server.stop()
