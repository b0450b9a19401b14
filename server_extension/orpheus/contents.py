"""``OrpheusContentsManager``: jupyter_server's large-file manager with two extra checks.

Every file operation a user makes goes through the contents API (and ``/files/``),
so the checks live here, once, at the start of jupyter_server's *public* methods
(``get``, ``save``, ``rename_file``, ``delete_file``, ``copy``, the existence and
hidden checks and the four checkpoint methods); no private method is overridden:

- every save (``type: file`` in text or base64, ``type: notebook``) and every
  rename is checked by magic bytes (:mod:`orpheus.contents_magic`) against the
  name the file will have: a ``.png`` that is not a PNG, a notebook saved as
  ``x.png``, a text file renamed to ``.png`` or an executable named ``.csv`` is a
  415 and the previous file is left as it was. Chunked uploads are checked on
  their first chunk.
- a path that resolves outside the Jupyter root (a symlink, or a link among its
  folders) is refused with a 403 (:func:`orpheus.fsutil.contain`, the extension's
  one containment check) by every method above, left out of directory listings,
  not served by ``/files/``, and a copied folder keeps its links as links.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import functools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from anyio.to_thread import run_sync
from jupyter_server.base.handlers import AuthenticatedFileHandler
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from jupyter_server.services.contents.manager import copy_pat
from jupyter_server.utils import ApiPath, to_os_path
from tornado import web
from traitlets import Integer, default

from .contents_magic import check_content, file_head, saved_head
from .fsutil import contain, is_within
from .handlers.errors import http_error_text

ROOT = "your Jupyter root"

# Set while jupyter_server builds a model: a listing's entries come back through ``get``,
# and an entry that leaves the root is skipped (the stock loop skips EACCES), not an error.
_LISTING: contextvars.ContextVar[bool] = contextvars.ContextVar("orpheus_listing", default=False)


class OrpheusFileHandler(AuthenticatedFileHandler):  # type: ignore[misc]
    """``/files/``: the standard handler, minus links that leave the root."""

    def validate_absolute_path(self, root: str, absolute_path: str) -> str:
        """Refuse files whose real location is outside the root (403)."""
        abs_path: str = super().validate_absolute_path(root, absolute_path)
        return str(contain(Path(root), Path(abs_path), "this file", ROOT))


class OrpheusContentsManager(AsyncLargeFileManager):  # type: ignore[misc]
    """The Orpheus contents manager (``ServerApp.contents_manager_class``)."""

    magic_check_bytes = Integer(
        8192,
        help="How many leading bytes of an uploaded file are checked against its extension.",
    ).tag(config=True)

    @default("files_handler_class")
    def _files_handler_class_default(self) -> type[AuthenticatedFileHandler]:
        return OrpheusFileHandler

    # ---- the containment check -------------------------------------------------------
    def os_path(self, path: str) -> str:
        """The filesystem path of an API path (jupyter_server's public ``to_os_path``)."""
        return to_os_path(ApiPath(path.strip("/")), os.path.abspath(self.root_dir))

    def check_inside(self, path: str) -> str:
        """The filesystem path of ``path``; 403 when it resolves outside the root."""
        api_path = path.strip("/")
        try:
            return str(contain(Path(self.root_dir), Path(self.os_path(api_path)), repr(api_path), ROOT))
        except ValueError:  # e.g. an embedded NUL byte
            raise web.HTTPError(404, f"{api_path!r} is not a valid path") from None

    @contextlib.contextmanager
    def _no_internal_paths(self) -> Iterator[None]:
        """Re-raise stock errors that name the server's filesystem with API paths instead."""
        try:
            yield
        except web.HTTPError as e:
            message = http_error_text(e) or ""
            root = os.path.abspath(self.root_dir)
            if root not in message:
                raise
            clean = message.replace(root + os.sep, "").replace(root, "")
            raise web.HTTPError(e.status_code, clean, reason=e.reason) from None

    # ---- reading -------------------------------------------------------------------------
    async def get(self, path: str, content: bool = True, type: str | None = None,
                  format: str | None = None, require_hash: bool = False) -> dict[str, Any]:
        """The standard ``get`` of a path inside the root; a listing leaves escaping links out."""
        if not _LISTING.get():
            self.check_inside(path)
        elif not is_within(self.root_dir, self.os_path(path)):
            raise PermissionError(errno.EACCES, "link leaves the root")
        token = _LISTING.set(True)
        try:
            model: dict[str, Any] = await super().get(  # type: ignore[no-untyped-call]
                path, content=content, type=type, format=format, require_hash=require_hash
            )
        finally:
            _LISTING.reset(token)
        return model

    async def file_exists(self, path: str) -> bool:
        """The standard check, for a path inside the root."""
        self.check_inside(path)
        return bool(await super().file_exists(path))

    async def dir_exists(self, path: str) -> bool:
        """The standard check, for a path inside the root."""
        self.check_inside(path)
        return bool(await super().dir_exists(path))  # type: ignore[no-untyped-call]

    async def is_hidden(self, path: str) -> bool:
        """The standard check, for a path inside the root."""
        self.check_inside(path)
        return bool(await super().is_hidden(path))  # type: ignore[no-untyped-call]

    # ---- writing -------------------------------------------------------------------------
    async def save(self, model: dict[str, Any], path: str = "") -> dict[str, Any]:
        """Check the saved bytes against the file's name before anything is written."""
        os_path = self.check_inside(path)
        folder = path.strip("/").rpartition("/")[0]
        if folder and not os.path.isdir(os.path.dirname(os_path)):
            raise web.HTTPError(404, f"the folder {folder!r} does not exist; nothing was saved")
        head = saved_head(model, os_path, int(self.magic_check_bytes))
        if head:
            check_content(path.strip("/").rsplit("/", 1)[-1], head, "nothing was saved")
        with self._no_internal_paths():
            saved: dict[str, Any] = await super().save(model, path)  # type: ignore[no-untyped-call]
        return saved

    async def delete_file(self, path: str) -> None:
        """The standard delete; its messages carry API paths only."""
        self.check_inside(path)
        with self._no_internal_paths():
            await super().delete_file(path)  # type: ignore[no-untyped-call]

    async def rename_file(self, old_path: str, new_path: str) -> None:
        """The standard rename, after checking the file's bytes fit its new name."""
        os_old = self.check_inside(old_path)
        self.check_inside(new_path)
        head = await run_sync(file_head, os_old, int(self.magic_check_bytes))
        if head:
            check_content(new_path.strip("/").rsplit("/", 1)[-1], head, "nothing was renamed")
        with self._no_internal_paths():
            await super().rename_file(old_path, new_path)  # type: ignore[no-untyped-call]

    async def copy(self, from_path: str, to_path: str | None = None) -> dict[str, Any]:
        """The standard copy of a file; a folder is copied keeping its links as links."""
        self.check_inside(from_path)
        if to_path is not None:
            self.check_inside(to_path)
        if await self.dir_exists(from_path):
            return await self._copy_folder(from_path.strip("/"), to_path)
        with self._no_internal_paths():
            model: dict[str, Any] = await super().copy(from_path, to_path)  # type: ignore[no-untyped-call]
        return model

    async def _copy_folder(self, path: str, to_path: str | None) -> dict[str, Any]:
        """Copy folder ``path`` into ``to_path`` (default: beside it), named as jupyter_server
        names copies (``-Copy1``...), so a copy never pulls in files from outside the root."""
        await self.check_folder_size(path)
        from_dir, _, from_name = path.rpartition("/")
        folder = from_dir if to_path is None else to_path.strip("/")
        if not await self.dir_exists(folder):
            raise web.HTTPError(404, f"no such folder: {folder!r}")
        name: str = await self.increment_filename(  # type: ignore[no-untyped-call]
            copy_pat.sub(".", from_name), folder, insert="-Copy")
        new_path = f"{folder}/{name}".strip("/")
        copy = functools.partial(shutil.copytree, self.os_path(path), self.os_path(new_path), symlinks=True)
        try:
            await run_sync(copy)
        except OSError as e:
            self.log.warning("Copying %s failed: %s", path, e)
            raise web.HTTPError(400, f"could not copy {path!r} to {new_path!r}") from None
        return await self.get(new_path, content=False)

    # ---- checkpoints ----------------------------------------------------------------------
    async def create_checkpoint(self, path: str) -> dict[str, Any]:
        """The standard checkpoint of a file inside the root."""
        self.check_inside(path)
        model: dict[str, Any] = await super().create_checkpoint(path)  # type: ignore[no-untyped-call]
        return model

    async def restore_checkpoint(self, checkpoint_id: str, path: str) -> None:
        """The standard restore, onto a file inside the root."""
        self.check_inside(path)
        await super().restore_checkpoint(checkpoint_id, path)  # type: ignore[no-untyped-call]

    async def list_checkpoints(self, path: str) -> list[dict[str, Any]]:
        """The standard list, for a file inside the root."""
        self.check_inside(path)
        models: list[dict[str, Any]] = await super().list_checkpoints(path)  # type: ignore[no-untyped-call]
        return models

    async def delete_checkpoint(self, checkpoint_id: str, path: str) -> None:
        """The standard delete, for a file inside the root."""
        self.check_inside(path)
        await super().delete_checkpoint(checkpoint_id, path)  # type: ignore[no-untyped-call]
