"""Deleting projects to the trash, restoring them, and purging trash entries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tornado import web

from . import records, trash

if TYPE_CHECKING:
    from .manager import ProjectManager


def delete(pm: ProjectManager, name: str, purge: bool) -> dict[str, Any]:
    """Move a project to the trash (purging expired entries), or delete it for good."""
    slug, folder = pm.locate(name)
    if folder.is_symlink():
        raise web.HTTPError(403, f"project {slug!r} is a link, not a folder; remove the link in the file browser")
    if not folder.is_dir():
        raise web.HTTPError(404, f"project {slug!r} does not exist")
    if purge and not pm.allow_purge:
        raise web.HTTPError(403, "purging projects is disabled on this server; delete without purge")
    with pm._lock, records.filesystem_errors(f"project {slug!r}"):
        if purge:
            trash.purge(folder)
            pm.log.info("Purged project %s", slug)
            return {"name": slug, "purged": True, "trash_path": None}
        target = trash.move_to_trash(folder, pm.trash_root, slug)
        for stale in trash.expired(pm.trash_root, pm.trash_keep_days):
            trash.purge(stale)
            pm.log.info("Purged %s from the trash (older than %s days)", stale.name, pm.trash_keep_days)
    pm.log.info("Moved project %s to the trash", slug)
    return {"name": slug, "purged": False, "trash_path": pm.relative(target)}


def restore(pm: ProjectManager, entry: str, name: str | None) -> dict[str, Any]:
    """Move a trash entry back among the projects, as ``name`` or its old name."""
    source = trash.entry_path(pm.trash_root, entry)
    slug, folder = pm.locate(name or str(trash.ENTRY.match(entry)["name"]))  # type: ignore[index]
    with pm._lock, records.filesystem_errors(f"project {slug!r}"):
        if folder.exists() or folder.is_symlink():
            raise web.HTTPError(409, f"a project named {slug!r} exists; restore under another name")
        pm.root.mkdir(parents=True, exist_ok=True)
        source.rename(folder)
        record = records.read_record(slug, folder, pm.log)
        record.update(name=slug, updated_at=records.now_iso())
        records.write_record(folder, record)
    pm.log.info("Restored project %s from the trash", slug)
    return pm._model(slug, folder)


def purge_entry(pm: ProjectManager, entry: str) -> None:
    """Delete one trash entry for good (403 when purging is disabled)."""
    source = trash.entry_path(pm.trash_root, entry)
    if not pm.allow_purge:
        raise web.HTTPError(403, "purging projects is disabled on this server")
    with pm._lock, records.filesystem_errors(f"trash entry {entry!r}"):
        trash.purge(source)
    pm.log.info("Purged trash entry %s", entry)
