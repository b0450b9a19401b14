"""Files uploaded with ``POST /sessions``: caps, names and content checked before any write."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tornado import web
from traitlets import Integer
from traitlets.config import LoggingConfigurable

from ..filetypes import content_problem
from ..fsutil import atomic_write_bytes, is_within

MAX_NAME_BYTES = 255
HEAD_BYTES = 8192


@dataclass(frozen=True)
class Upload:
    """One accepted file: its safe name and content."""

    name: str
    body: bytes


def check_file_name(raw: str) -> str:
    """A plain file name (no folders, no leading dot, no control characters) or a 400."""
    name = unicodedata.normalize("NFC", raw or "").strip()
    if not name:
        raise web.HTTPError(400, "an uploaded file has no name")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise web.HTTPError(400, "an uploaded file name contains control characters")
    if "/" in name or "\\" in name:
        raise web.HTTPError(400, "uploaded file names must not contain folders")
    if name.startswith("."):
        raise web.HTTPError(400, "uploaded file names must not start with a dot")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise web.HTTPError(400, f"an uploaded file name is longer than {MAX_NAME_BYTES} bytes")
    return name


class UploadPolicy(LoggingConfigurable):  # type: ignore[misc]
    """Limits on the files sent with a new session."""

    max_files = Integer(20, help="Most files accepted with one new session.").tag(config=True)
    max_file_bytes = Integer(
        100 * 1024 * 1024, help="Largest single uploaded file, in bytes."
    ).tag(config=True)
    max_total_bytes = Integer(
        250 * 1024 * 1024, help="Largest total size of the files sent with one session, in bytes."
    ).tag(config=True)

    def check(self, files: list[Any]) -> list[Upload]:
        """Validate tornado's parsed multipart files; every problem is a 4xx before any write."""
        if len(files) > self.max_files:
            raise web.HTTPError(413, f"at most {self.max_files} files can be uploaded at once")
        total = sum(len(f.body) for f in files)
        if total > self.max_total_bytes:
            raise web.HTTPError(
                413, f"the files total {total} bytes; the limit is {self.max_total_bytes}"
            )
        accepted: list[Upload] = []
        seen: set[str] = set()
        for f in files:
            name = check_file_name(f.filename)
            if name.lower() in seen:
                raise web.HTTPError(400, f"{name!r} is uploaded twice")
            seen.add(name.lower())
            if len(f.body) > self.max_file_bytes:
                raise web.HTTPError(
                    413, f"{name!r} is {len(f.body)} bytes; the limit is {self.max_file_bytes}"
                )
            problem = content_problem(name, f.body[:HEAD_BYTES])
            if problem:
                raise web.HTTPError(415, f"{name!r} {problem}")
            accepted.append(Upload(name, f.body))
        return accepted


def store(folder: Path, uploads: list[Upload]) -> list[str]:
    """Write accepted uploads into ``folder`` (atomically, never outside it)."""
    written = []
    for upload in uploads:
        target = folder / upload.name
        if not is_within(folder, target):
            raise web.HTTPError(400, f"{upload.name!r} would leave the session folder")
        atomic_write_bytes(target, upload.body)
        written.append(upload.name)
    return written
