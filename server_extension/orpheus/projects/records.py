"""The ``.project.json`` record: reading (forgiving), writing (atomic), and its fields' checks."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tornado import web

from ..fsutil import atomic_write_json, is_within
from .listing import iso

RECORD = ".project.json"
MAX_DESCRIPTION = 2000
MAX_APP_NAME = 64


def now_iso() -> str:
    """The current time as an ISO 8601 UTC string."""
    return datetime.now(timezone.utc).isoformat()


def read_record(slug: str, folder: Path, log: logging.Logger | logging.LoggerAdapter[Any]) -> dict[str, Any]:
    """The record, or one made up from the folder when missing, unreadable or a link
    leading out of the project (never followed)."""
    try:
        if (folder / RECORD).is_symlink() and not is_within(folder, folder / RECORD):
            raise OSError(f"{RECORD} is a link that leads outside the project")
        raw = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raw = {}
    except (OSError, ValueError) as e:
        log.warning("Unreadable %s in project %s: %s", RECORD, slug, e)
        raw = {}
    if not isinstance(raw, dict):
        raw = {}
    made = iso(folder.stat().st_mtime)
    apps = raw.get("apps")
    title = raw.get("title")
    return {
        "name": slug,
        "title": title.strip() if isinstance(title, str) and title.strip() else slug,
        "description": str(raw.get("description") or ""),
        "created_at": str(raw.get("created_at") or made),
        "updated_at": str(raw.get("updated_at") or made),
        "apps": [str(a) for a in apps] if isinstance(apps, list) else [],
    }


def write_record(folder: Path, record: dict[str, Any]) -> None:
    """Write the record atomically (temp file, fsync, rename)."""
    atomic_write_json(folder / RECORD, record)


def check_description(description: object) -> str:
    """A description: a string of at most MAX_DESCRIPTION characters without NUL."""
    if not isinstance(description, str):
        raise web.HTTPError(400, "description must be a string")
    if len(description) > MAX_DESCRIPTION:
        raise web.HTTPError(400, f"description is longer than {MAX_DESCRIPTION} characters")
    if "\x00" in description:
        raise web.HTTPError(400, "description contains a NUL character")
    return description


def check_app(app: object) -> str:
    """An app name as recorded in ``apps``."""
    if not isinstance(app, str) or not app.strip() or len(app) > MAX_APP_NAME:
        raise web.HTTPError(400, f"app must be a non-empty string of at most {MAX_APP_NAME} characters")
    return app.strip()


@contextlib.contextmanager
def filesystem_errors(what: str) -> Iterator[None]:
    """Turn OS errors while changing ``what`` into messages without paths."""
    try:
        yield
    except PermissionError:
        raise web.HTTPError(403, f"permission denied while changing {what}") from None
    except OSError as e:
        if isinstance(e, (FileExistsError, NotADirectoryError)):
            raise web.HTTPError(409, f"a file is in the way of {what}") from None
        raise web.HTTPError(500, f"could not change {what}: {e.strerror}") from None
