"""``OrpheusContentsManager``: jupyter_server's large-file manager with two extra checks.

Every file operation a user makes goes through the contents API (and ``/files/``),
so the checks live here, once:

- every save (``type: file`` in text or base64, ``type: notebook``) and every
  rename is checked by magic bytes (:func:`orpheus.filetypes.content_problem`)
  against the name the file will have: a ``.png`` that is not a PNG, a notebook
  saved as ``x.png``, a text file renamed to ``.png`` or an executable named
  ``.csv`` is a 415 and the previous file is left as it was. Chunked uploads are
  checked on their first chunk.
- a symlink whose target leaves the Jupyter root is refused for get, save,
  rename, delete and copy (403), left out of directory listings, and not served
  by ``/files/``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import contextvars
import errno
import functools
import json
import os
import shutil
from collections.abc import Iterator
from typing import Any

from anyio.to_thread import run_sync
from jupyter_server.base.handlers import AuthenticatedFileHandler
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado import web
from traitlets import Integer, default

from .filetypes import content_problem
from .fsutil import is_within

# Set while a directory listing is built, so an escaping link is skipped, not an error.
_LISTING: contextvars.ContextVar[bool] = contextvars.ContextVar("orpheus_listing", default=False)


def leaves_root(root: str, os_path: str) -> bool:
    """Whether ``os_path`` (symlinks followed, existing or not) resolves outside ``root``
    (:func:`orpheus.fsutil.is_within`, the extension's one containment check)."""
    return not is_within(root, os_path)


def _escaping_link(api_path: str) -> web.HTTPError:
    return web.HTTPError(403, f"{api_path!r} is a link that leads outside your Jupyter root")


class OrpheusFileHandler(AuthenticatedFileHandler):  # type: ignore[misc]
    """``/files/``: the standard handler, minus links that leave the root."""

    def validate_absolute_path(self, root: str, absolute_path: str) -> str:
        """Refuse files whose real location is outside the root (403)."""
        abs_path: str = super().validate_absolute_path(root, absolute_path)
        if leaves_root(root, abs_path):
            raise web.HTTPError(403, "this file is a link that leads outside your Jupyter root")
        return abs_path


class OrpheusContentsManager(AsyncLargeFileManager):  # type: ignore[misc]
    """The Orpheus contents manager (``ServerApp.contents_manager_class``)."""

    magic_check_bytes = Integer(
        8192,
        help="How many leading bytes of an uploaded file are checked against its extension.",
    ).tag(config=True)

    @default("files_handler_class")
    def _files_handler_class_default(self) -> type[AuthenticatedFileHandler]:
        return OrpheusFileHandler

    # ---- no internal paths in error messages ---------------------------------------
    @contextlib.contextmanager
    def _no_internal_paths(self) -> Iterator[None]:
        """Re-raise stock errors that name the server's filesystem with API paths instead."""
        try:
            yield
        except web.HTTPError as e:
            template = e.log_message or ""
            message = template % e.args if e.args else template
            root = os.path.abspath(self.root_dir)
            if root not in message:
                raise
            clean = message.replace(root + os.sep, "").replace(root, "")
            raise web.HTTPError(e.status_code, clean.replace("%", "%%"), reason=e.reason) from None

    async def delete_file(self, path: str) -> None:
        """The standard delete; its messages carry API paths only."""
        with self._no_internal_paths():
            await super().delete_file(path)  # type: ignore[no-untyped-call]

    async def rename_file(self, old_path: str, new_path: str) -> None:
        """The standard rename, after checking the file's bytes fit its new name."""
        os_old = self._get_os_path(old_path.strip("/"))
        head = await run_sync(self._file_head, os_old)
        if head:
            self._check_content(new_path.strip("/").rsplit("/", 1)[-1], head, "nothing was renamed")
        with self._no_internal_paths():
            await super().rename_file(old_path, new_path)  # type: ignore[no-untyped-call]

    # ---- symlinks --------------------------------------------------------
    def _get_os_path(self, path: str) -> str:
        """The standard mapping, plus: a path that resolves outside the root is a 403."""
        os_path: str = super()._get_os_path(path)  # type: ignore[no-untyped-call]
        if leaves_root(self.root_dir, os_path):
            if _LISTING.get():
                # The stock listing loop skips entries that raise EACCES without noise.
                raise PermissionError(errno.EACCES, "link leaves the root")
            raise _escaping_link(path.strip("/"))
        return os_path

    async def _dir_model(self, path: str, content: bool = True) -> dict[str, Any]:
        token = _LISTING.set(False)
        try:
            self._get_os_path(path)  # the folder itself must not escape: a real 403
        finally:
            _LISTING.reset(token)
        token = _LISTING.set(True)
        try:
            model: dict[str, Any] = await super()._dir_model(path, content=content)  # type: ignore[no-untyped-call]
        finally:
            _LISTING.reset(token)
        return model

    async def get(self, path: str, content: bool = True, type: str | None = None,
                  format: str | None = None, require_hash: bool = False) -> dict[str, Any]:
        """The standard ``get``; a child inside a listing is checked with listing rules."""
        listing = _LISTING.get()
        token = _LISTING.set(False)
        try:
            if listing:
                self._check_listed_child(path)
            model: dict[str, Any] = await super().get(  # type: ignore[no-untyped-call]
                path, content=content, type=type, format=format, require_hash=require_hash
            )
        finally:
            _LISTING.reset(token)
        return model

    def _check_listed_child(self, path: str) -> None:
        token = _LISTING.set(True)
        try:
            self._get_os_path(path)
        finally:
            _LISTING.reset(token)

    async def _copy_dir(self, from_path: str, to_path_original: str, to_name: str,
                        to_path: str) -> dict[str, Any]:
        """Copy a folder keeping links as links, so a copy never pulls in outside files."""
        os_from = self._get_os_path(from_path.strip("/"))
        os_to = os.path.join(self._get_os_path(to_path_original.strip("/")), to_name)
        try:
            await run_sync(functools.partial(shutil.copytree, os_from, os_to, symlinks=True))
        except OSError as e:
            self.log.warning("Copying %s failed: %s", from_path, e)
            raise web.HTTPError(400, f"could not copy {from_path!r} to {to_path!r}") from None
        model: dict[str, Any] = await self.get(to_path, content=False)
        return model

    # ---- uploads, saves and renames: magic bytes -------------------------------
    async def save(self, model: dict[str, Any], path: str = "") -> dict[str, Any]:
        """Check the saved bytes against the file's name before anything is written."""
        head = self._saved_head(model, path.strip("/"))
        if head:
            self._check_content(path.strip("/").rsplit("/", 1)[-1], head, "nothing was saved")
        with self._no_internal_paths():
            saved: dict[str, Any] = await super().save(model, path)  # type: ignore[no-untyped-call]
        return saved

    def _saved_head(self, model: dict[str, Any], path: str) -> bytes:
        """The first bytes a save of ``model`` would write (empty: nothing to check)."""
        content = model.get("content")
        if model.get("type") == "notebook" and content is not None:
            # The stock save writes the notebook as JSON text; its first bytes are these.
            return json.dumps(content)[: int(self.magic_check_bytes)].encode("utf-8", "replace")
        if model.get("type") != "file" or not isinstance(content, str):
            return b""
        chunk = model.get("chunk")
        if chunk not in (None, 1):
            # A later chunk appends; only check it if it is in fact the file's start.
            os_path = self._get_os_path(path)
            if os.path.exists(os_path) and os.path.getsize(os_path) > 0:
                return b""
        return self._head(content, model.get("format"))

    def _file_head(self, os_path: str) -> bytes:
        """The first ``magic_check_bytes`` of a regular file (empty for folders and others)."""
        if not os.path.isfile(os_path):
            return b""
        with open(os_path, "rb") as f:
            return f.read(int(self.magic_check_bytes))

    @staticmethod
    def _check_content(name: str, head: bytes, outcome: str) -> None:
        """415 when ``head`` does not fit ``name`` (an empty file has nothing to check)."""
        problem = content_problem(name, head)
        if problem:
            raise web.HTTPError(415, f"{name} {problem}; {outcome}")

    def _head(self, content: str, fmt: object) -> bytes:
        """The first ``magic_check_bytes`` of the content, decoded like the save will."""
        n = int(self.magic_check_bytes)
        if fmt == "base64":
            # 4 base64 characters carry 3 bytes; decode only the head.
            prefix = "".join(content[: (n // 3 + 1) * 4 + 64].split())
            prefix = prefix[: len(prefix) - len(prefix) % 4]
            try:
                return base64.b64decode(prefix.encode("ascii"), validate=True)[:n]
            except (binascii.Error, ValueError, UnicodeEncodeError):
                raise web.HTTPError(400, "file content is not valid base64") from None
        return content[:n].encode("utf-8", errors="replace")
