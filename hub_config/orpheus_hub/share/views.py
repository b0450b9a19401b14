"""The public share views under ``/s/{token}``: PUBLIC BY DESIGN, no login, read-only.

Anyone holding a live token sees the snapshot; nothing here changes state or
reads anything but that snapshot. An unknown or revoked token is a 404 (the
same lookup either way), an expired one a 410. Headers: see ``security``.
"""

from __future__ import annotations

import asyncio
import json
import posixpath
import re
from pathlib import Path
from typing import Any

from tornado import web

from . import previews, render, security
from .accountstate import DELETED, DISABLED_STATES, AccountStateUnavailable
from .base import ShareHandler
from .snapshots import SnapshotError, check_name, manifest
from .store import SESSION_KINDS, Share, iso

SHARE_KEY = r"([A-Za-z0-9_-]{16,128})"  # URL shape of a share link key
_CHUNK = 1 << 16


class PublicHandler(ShareHandler):
    """PUBLIC: resolves a share token to its snapshot folder; HTML error pages."""

    share: Share
    folder: Path
    nonce: str

    async def resolve(self, token: str) -> Path:
        """The live snapshot folder of ``token``, or 404/410."""
        app = self.share_app
        share = await asyncio.to_thread(app.shares.by_token, token)
        if share is None:
            raise web.HTTPError(404, "this share link does not exist or was revoked")
        if share.is_expired(app.clock.now()):
            raise web.HTTPError(410, f"this share link expired at {iso(share.expires_at)}")
        await self.check_owner(share.owner)
        folder = app.snapshots.path(share.id, share.version)
        if not folder.is_dir():
            raise web.HTTPError(404, "this share link does not exist or was revoked")
        self.share, self.folder = share, folder
        return folder

    async def check_owner(self, owner: str) -> None:
        """410 while the owner's account is revoked or deleted (back when approved again)."""
        app = self.share_app
        try:
            account = await app.accounts.get(owner, stale_ok=True)
        except AccountStateUnavailable:
            raise web.HTTPError(503, "this link cannot be checked right now; try again shortly") from None
        if account.state == DELETED:
            await app.revoke_owner(owner)
        if account.state in DISABLED_STATES:
            raise web.HTTPError(410, "This link is disabled: the account that shared it is no longer active.")

    def page(self, template: str, **context: Any) -> None:
        """Render one of our templates under the page CSP with a fresh nonce."""
        nonce = security.new_nonce()
        security.apply_common(self, security.page_csp(nonce))
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        html = self.share_app.templates.get_template(template).render(
            nonce=nonce, static=self.share_app.prefix + "static/", **context)
        self.finish(html)

    def answer_error(self, status_code: int, reason: str, message: str) -> None:
        """A small HTML page with the reason and message (never a traceback or a path)."""
        self.clear_header("Content-Disposition")
        self.page("error.html", status=status_code, reason=reason, message=message)

    def _handle_request_exception(self, e: BaseException) -> None:
        if isinstance(e, FileNotFoundError) and not self._finished:
            # The snapshot was replaced (refresh) or deleted (revoke) while this request read it.
            gone = web.HTTPError(404, "this share changed while loading; reload the page")
            self.send_error(404, exc_info=(web.HTTPError, gone, None))
            return
        super()._handle_request_exception(e)

    def file_in(self, root: Path, rel: str) -> Path:
        """A regular file under ``root`` named by the URL, or 404."""
        try:
            safe = check_name(rel)
        except SnapshotError:
            raise web.HTTPError(404, "no such file in this share") from None
        path = root.joinpath(*safe.parts)
        if not path.is_file() or path.is_symlink():
            raise web.HTTPError(404, "no such file in this share")
        return path

    async def send_file(self, path: Path, content_type: str, ranged: bool = False) -> None:
        """Stream a file (or the asked byte range of it) in chunks read off the event loop."""
        size = path.stat().st_size
        start, end = byte_range(self.request.headers.get("Range") if ranged else None, size)
        if ranged:
            self.set_header("Accept-Ranges", "bytes")
        if (start, end) != (0, size):
            self.set_status(206)
            self.set_header("Content-Range", f"bytes {start}-{end - 1}/{size}")
        self.set_header("Content-Type", content_type)
        self.set_header("Content-Length", str(end - start))
        with path.open("rb") as f:
            f.seek(start)
            left = end - start
            while left > 0 and (chunk := await asyncio.to_thread(f.read, min(_CHUNK, left))):
                left -= len(chunk)
                self.write(chunk)
                await self.flush()
        self.finish()

    async def preview(self, rel: str, ctx: dict[str, Any]) -> None:
        """The preview page of one file of the snapshot."""
        path = self.file_in(self.folder / "files", rel)
        app = self.share_app
        kind = previews.classify(rel)
        body: dict[str, Any] = {"type": kind, "path": rel, "size": path.stat().st_size}
        try:
            if kind in ("table", "markdown") and body["size"] > app.preview_max_bytes:
                raise previews.PreviewError("too large to preview; download it to view")
            if kind == "table":
                arg = str(self.get_query_argument("page", "1"))
                page = int(arg) if arg.isdigit() and len(arg) < 9 else 1
                body["table"] = await asyncio.to_thread(previews.table_page, path, page, app.table_page_rows)
            elif kind in ("text", "markdown"):
                text, body["truncated"] = await asyncio.to_thread(previews.read_text, path, app.preview_max_bytes)
                if kind == "markdown":
                    body["html"] = await asyncio.to_thread(
                        previews.markdown_html, text, ctx["base"] + "raw/", posixpath.dirname(rel))
                else:
                    body["html"], body["css"] = await asyncio.to_thread(previews.highlight, rel, text)
        except previews.PreviewError as e:
            body["type"], body["error"] = "none", str(e)
        self.page("preview.html", file=body, **ctx)

    def base_context(self) -> dict[str, Any]:
        """Title, kind, dates and the link base every page shows."""
        share = self.share
        return {"title": share.title, "kind": share.kind, "created": iso(share.created_at),
                "updated": iso(share.updated_at), "expires": iso(share.expires_at),
                "base": f"{self.share_app.prefix}s/{self.path_args[0]}/"}


class ShareViewHandler(PublicHandler):
    """PUBLIC ``GET /s/{token}``: the share's page, by kind."""

    async def get(self, token: str) -> None:
        """Session: files + replay; notebook/dashboard: a sandboxed frame; file: its preview."""
        folder = await self.resolve(token)
        kind, ctx = self.share.kind, self.base_context()
        if kind == "live" and self.share_app.live.live(self.share.id) is not None:
            record = await asyncio.to_thread(_json, folder / "session.json")
            self.page("live.html", record=record, **ctx)
        elif kind in SESSION_KINDS:
            record = await asyncio.to_thread(_json, folder / "session.json")
            files = await asyncio.to_thread(manifest, folder)
            for entry in files:
                entry["type"] = previews.classify(str(entry["path"]))
            player = (Path(self.share_app.static_dir) / "asciinema-player.min.js").is_file()
            self.page("session.html", record=record, files=files, player=player,
                      recording=(folder / "recording.cast").is_file(), **ctx)
        elif kind in ("notebook", "dashboard"):
            self.page("frame.html", **ctx)
        else:
            files = await asyncio.to_thread(manifest, folder)
            await self.preview(str(files[0]["path"]), ctx)


class FilePreviewHandler(PublicHandler):
    """PUBLIC ``GET /s/{token}/files/{path}``: preview one file of a session share."""

    async def get(self, token: str, rel: str) -> None:
        """Preview page (text, Markdown, image, table) with a download link."""
        await self.resolve(token)
        if self.share.kind not in (*SESSION_KINDS, "file"):
            raise web.HTTPError(404, "this share has no file list")
        await self.preview(rel, self.base_context())


class DownloadHandler(PublicHandler):
    """PUBLIC ``GET /s/{token}/download/{path}``: the bytes, always as an attachment."""

    async def get(self, token: str, rel: str) -> None:
        """Send a file of the snapshot as ``application/octet-stream`` attachment."""
        folder = await self.resolve(token)
        kind = self.share.kind
        if kind == "notebook" and rel == "notebook.ipynb":
            path = folder / "notebook.ipynb"
        elif kind == "dashboard" and rel == "dashboard.json":
            path = folder / "dashboard.json"
        else:
            path = self.file_in(folder / "files", rel)
        security.apply_common(self, security.raw_csp())
        security.attachment(self, Path(rel).name)
        await self.send_file(path, "application/octet-stream")


class RawImageHandler(PublicHandler):
    """PUBLIC ``GET /s/{token}/raw/{path}``: an image, video or audio file for the preview.

    Sandboxed and inert (an SVG opened directly runs nothing); byte ranges for seeking.
    """

    async def get(self, token: str, rel: str) -> None:
        """Only image and media types; anything else is a download, never inline."""
        folder = await self.resolve(token)
        content_type = previews.INLINE_TYPES.get(Path(rel).suffix.lower())
        if content_type is None:
            raise web.HTTPError(404, "only images, video and audio are shown inline; use the download link")
        path = self.file_in(folder / "files", rel)
        security.apply_common(self, security.raw_csp())
        await self.send_file(path, content_type, ranged=True)


class RecordingHandler(PublicHandler):
    """PUBLIC ``GET /s/{token}/recording.cast``: the asciicast the player replays."""

    async def get(self, token: str) -> None:
        """The recording as an attachment (the player fetches it; browsers save it)."""
        folder = await self.resolve(token)
        path = folder / "recording.cast"
        if self.share.kind not in SESSION_KINDS or not path.is_file():
            raise web.HTTPError(404, "this share has no terminal recording")
        security.apply_common(self, security.raw_csp())
        security.attachment(self, "recording.cast")
        await self.send_file(path, "application/x-asciicast")


class RenderHandler(PublicHandler):
    """PUBLIC ``GET /s/{token}/render``: user HTML in an opaque-origin sandbox."""

    async def get(self, token: str) -> None:
        """Notebook HTML or the dashboard's static export (its inline scripts allowed by hash,
        run only in the sandbox), else the dashboard's charts drawn from the stored figures."""
        folder = await self.resolve(token)
        nonce = security.new_nonce()
        static = self.share_app.prefix + "static/"
        self.set_header("Content-Type", "text/html; charset=utf-8")
        if self.share.kind == "notebook" or (folder / "static.html").is_file():
            name = "render.html" if self.share.kind == "notebook" else "static.html"
            html = await asyncio.to_thread((folder / name).read_text, encoding="utf-8", errors="replace")
            page, hashes = await asyncio.to_thread(render.sandboxed, html, static)
            origin = f"{self.request.protocol}://{self.request.host}"
            security.apply_common(self, security.sandbox_csp(" ".join([*hashes, origin + static])))
            self.finish(page)
            return
        if self.share.kind != "dashboard":
            raise web.HTTPError(404, "this share has no rendered view")
        title, items = await asyncio.to_thread(previews.dashboard_figures, folder)
        security.apply_common(self, security.sandbox_csp(f"'nonce-{nonce}'"))
        html = self.share_app.templates.get_template("dashboard.html").render(
            nonce=nonce, static=static, title=title or self.share.title,
            items=items, figures_json=render.script_json([i.get("figure") for i in items]))
        self.finish(html)


class StaticHandler(web.StaticFileHandler):
    """PUBLIC: our own CSS and the bundled player/plotly scripts (no user content)."""

    def set_default_headers(self) -> None:
        """nosniff and a CSP on static files too."""
        security.apply_common(self, security.api_csp())


def byte_range(header: str | None, size: int) -> tuple[int, int]:
    """``[start, end)`` of a single ``Range: bytes=a-b`` (the whole file without one), or 416."""
    if not header:
        return 0, size
    match = re.fullmatch(r"bytes=(\d{0,18})-(\d{0,18})", header.strip())
    if not match or match.groups() == ("", ""):
        raise web.HTTPError(416, "only one byte range (bytes=start-end) is supported")
    first, last = match.groups()
    if first == "":
        start, end = max(size - int(last), 0), size
    else:
        start, end = int(first), min(int(last) + 1 if last else size, size)
    if start >= end:
        raise web.HTTPError(416, f"range outside the file of {size} bytes")
    return start, end


def _json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


default_handlers = [
    (rf"s/{SHARE_KEY}/?", ShareViewHandler),
    (rf"s/{SHARE_KEY}/render", RenderHandler),
    (rf"s/{SHARE_KEY}/recording\.cast", RecordingHandler),
    (rf"s/{SHARE_KEY}/files/(.+)", FilePreviewHandler),
    (rf"s/{SHARE_KEY}/download/(.+)", DownloadHandler),
    (rf"s/{SHARE_KEY}/raw/(.+)", RawImageHandler),
]
