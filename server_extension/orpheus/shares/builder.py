"""Building share snapshots from the user's files (blocking: run in a thread).

Targets are paths relative to the Jupyter root, checked to stay inside it (no
``..``, no absolute paths, no symlink that leads out). What goes in, per kind
(the layout the share service checks, see ``orpheus_hub.share.snapshots``):

- session ``projects/<p>/sessions/<id>``: the folder's regular files under
  ``files/`` (without ``.claude/``, ``.orpheus/``, ``.git/``, checkpoints and
  symlinks), the record ``projects/<p>/.orpheus/sessions/<id>.json`` reduced
  to public fields as ``session.json``, and ``<id>.cast`` as ``recording.cast``;
- notebook ``<path>.ipynb``: the notebook as saved (outputs included);
- dashboard ``projects/<p>/dashboards/<id>.json``: the spec, plus the Data
  Studio static HTML export when that module is installed;
- file ``<path>``: that one file.
"""

from __future__ import annotations

import io
import json
import logging
import os
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from tornado import web

from .. import folders
from ..fsutil import is_within
from ..refusal import Refusal
from ..sessions.records import SessionPaths
from .redact import Matcher, redact_cast, redact_text

KINDS = ("session", "notebook", "dashboard", "file")
SKIP_DIRS = {".claude", folders.INTERNAL, ".git", ".ipynb_checkpoints", "__pycache__"}
# What a viewer may see of a session record (never its environment, prompt or workdir).
PUBLIC_RECORD_FIELDS = ("id", "title", "project", "mode", "status", "created", "created_at", "started",
                        "last_activity", "ended", "ended_at", "updated_at", "commands_executed")


class ShareBuildError(Refusal):
    """A target that cannot be shared: HTTP ``status`` and a message safe to show."""


@dataclass(frozen=True)
class Snapshot:
    """A built snapshot: what to send to the share service."""

    kind: str
    title: str
    target: str
    data: bytes


def resolve_target(root: Path, target: Any, must_exist: bool = True) -> tuple[Path, PurePosixPath]:
    """The absolute path of ``target`` inside ``root`` (and its clean relative form)."""
    if not isinstance(target, str) or not target.strip():
        raise ShareBuildError(400, "target is required: a path relative to the Jupyter root")
    rel = PurePosixPath(target.strip())
    if rel.is_absolute() or "\\" in target or "\x00" in target:
        raise ShareBuildError(400, "target must be a path relative to the Jupyter root")
    if ".." in rel.parts:
        raise ShareBuildError(400, "target may not contain '..'")
    rel = PurePosixPath(*[p for p in rel.parts if p != "."])
    path = root.joinpath(*rel.parts)
    if not is_within(root, path):
        raise ShareBuildError(400, "target is outside the Jupyter root")
    if must_exist and not path.exists():
        raise ShareBuildError(404, f"target {rel.as_posix()!r} does not exist")
    return path, rel


# This server's own credentials: a terminal recording or a file may show them (e.g. after
# `env`), and a public snapshot must never carry them.
SECRET_ENV = ("JUPYTERHUB_API_TOKEN", "JPY_API_TOKEN", "ANTHROPIC_AUTH_TOKEN",
              "ANTHROPIC_API_KEY", "OPENAI_API_KEY")


def server_secrets() -> list[str]:
    """The credential values in this server's environment (long enough to be real)."""
    values = {os.environ.get(name, "") for name in SECRET_ENV}
    return sorted((v for v in values if len(v) >= 16), key=len, reverse=True)


def scrub(name: str, data: bytes, matcher: Matcher) -> bytes:
    """``data`` without credentials: recordings and text with escape codes are decoded first,
    so a token printed a character at a time or split by colour codes is found too."""
    if name.endswith(".cast"):
        return redact_cast(data, matcher)
    if b"\x1b" in data:
        try:
            return redact_text(data.decode("utf-8"), matcher).encode("utf-8")
        except UnicodeDecodeError:
            pass
    return matcher.plain(data)


class _Tar:
    """An in-memory gzip tar with a running size check; credentials are redacted."""

    def __init__(self, max_bytes: int) -> None:
        self.buf = io.BytesIO()
        self.tar = tarfile.open(fileobj=self.buf, mode="w:gz")
        self.max_bytes, self.total = max_bytes, 0
        self.matcher = Matcher(server_secrets())

    def _count(self, size: int) -> None:
        self.total += size
        if self.total > self.max_bytes:
            raise ShareBuildError(413, f"this is larger than the share limit of "
                                  f"{self.max_bytes / 1_000_000:.1f} MB")

    def add_bytes(self, name: str, data: bytes) -> None:
        self._count(len(data))
        self._add(name, data, time.time())

    def _add(self, name: str, data: bytes, mtime: float) -> None:
        data = scrub(name, data, self.matcher)
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = len(data), int(mtime), 0o644
        self.tar.addfile(info, io.BytesIO(data))

    def add_file(self, name: str, path: Path) -> None:
        # O_NOFOLLOW: a file swapped for a symlink after the walk is refused, not followed.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as f:
            stat = os.fstat(f.fileno())
            self._count(stat.st_size)  # before reading: the size cap bounds the memory used
            self._add(name, f.read(), stat.st_mtime)

    def done(self) -> bytes:
        self.tar.close()
        return self.buf.getvalue()


def _regular_file(path: Path, what: str) -> None:
    if path.is_symlink() or not path.is_file():
        raise ShareBuildError(400, f"{what} must be a regular file (not a folder or a link)")


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        raise ShareBuildError(400, f"{what} is not valid JSON") from None
    if not isinstance(value, dict):
        raise ShareBuildError(400, f"{what} must be a JSON object")
    return value


def session_files(folder: Path) -> list[tuple[str, Path]]:
    """Regular files of a session folder to share, as (relative name, path), sorted."""
    found: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file():
                continue
            found.append((path.relative_to(folder).as_posix(), path))
    return found


def _session_folder(project_dir: Path, session_id: str, record: dict[str, Any]) -> Path:
    """The folder whose files a session shares: its own, or the project subfolder it works in.

    The record's ``workdir`` is checked exactly as the sessions API checks it
    (``SessionPaths.with_record``): only the known subfolder names, never ``.``
    or a path, so a hand-edited record cannot publish a whole project.
    """
    try:
        folder = SessionPaths(project_dir, session_id).with_record(record).workdir
    except web.HTTPError:
        raise ShareBuildError(400, "the session names a working folder the sessions API refuses") from None
    if folder.is_symlink() or not is_within(project_dir, folder):
        raise ShareBuildError(400, "the session's working folder is outside its project")
    if not folder.is_dir():
        raise ShareBuildError(404, "the session's folder does not exist")
    return folder


def build_session(root: Path, projects_dir: str, path: Path, rel: PurePosixPath, max_bytes: int) -> Snapshot:
    """Snapshot of ``projects/<p>/sessions/<id>``: files, public record, recording."""
    base = PurePosixPath(projects_dir.strip("/"))
    parts = rel.parts
    if len(parts) != len(base.parts) + 3 or PurePosixPath(*parts[: len(base.parts)]) != base \
            or parts[-2] != folders.SESSIONS:
        raise ShareBuildError(400, f"a session target is {base.as_posix()}/<project>/sessions/<id>")
    project, session_id = parts[-3], parts[-1]
    project_dir = path.parent.parent
    paths = SessionPaths(project_dir, session_id)
    record_path, cast = paths.record, paths.recording
    record = _read_json(record_path, "the session record") if record_path.is_file() else {}
    folder = _session_folder(project_dir, session_id, record)
    public = {k: record[k] for k in PUBLIC_RECORD_FIELDS if k in record}
    public.setdefault("id", session_id)
    public.setdefault("project", project)
    title = str(public.get("title") or session_id)
    tar = _Tar(max_bytes)
    tar.add_bytes("session.json", json.dumps(public).encode())
    if cast.is_file() and not cast.is_symlink() and is_within(root, cast):
        tar.add_file("recording.cast", cast)
    for name, file in session_files(folder):
        tar.add_file(f"files/{name}", file)
    return Snapshot("session", title, rel.as_posix(), tar.done())


def build_notebook(path: Path, rel: PurePosixPath, max_bytes: int) -> Snapshot:
    """Snapshot of one ``.ipynb`` as saved (outputs included, nothing executed)."""
    if path.suffix != ".ipynb":
        raise ShareBuildError(400, "a notebook target must be an .ipynb file")
    _regular_file(path, "the notebook")
    nb = _read_json(path, "the notebook")
    if not isinstance(nb.get("cells"), list):
        raise ShareBuildError(400, "the notebook has no cells list; is it a Jupyter notebook?")
    tar = _Tar(max_bytes)
    tar.add_file("notebook.ipynb", path)
    return Snapshot("notebook", path.stem, rel.as_posix(), tar.done())


def build_dashboard(path: Path, rel: PurePosixPath, max_bytes: int) -> Snapshot:
    """Snapshot of a dashboard spec (plus the Data Studio static export if available)."""
    if path.suffix != ".json" or len(rel.parts) < 3 or rel.parts[-2] != folders.DASHBOARDS:
        raise ShareBuildError(400, "a dashboard target is projects/<project>/dashboards/<id>.json")
    _regular_file(path, "the dashboard spec")
    spec = _read_json(path, "the dashboard spec")
    tar = _Tar(max_bytes)
    tar.add_file("dashboard.json", path)
    static_html = _static_export(path, spec)
    if static_html is not None:
        tar.add_bytes("static.html", static_html.encode("utf-8"))
    return Snapshot("dashboard", str(spec.get("title") or path.stem), rel.as_posix(), tar.done())


def _static_export(path: Path, spec: dict[str, Any]) -> str | None:
    """The Data Studio's static HTML export (interactive plotly, no kernel), when available.

    Without it (or when it cannot export this spec) the share service draws the
    figures stored in the spec itself.
    """
    try:
        from ..datastudio.dashboards import static
    except ImportError:
        return None
    export = getattr(static, "export_static_html", None)
    if export is None:
        return None
    try:
        html = export(spec, path)
    except Exception:
        logging.getLogger(__name__).warning("Static export of %s failed; sharing its stored figures",
                                            path.name, exc_info=True)
        return None
    return html if isinstance(html, str) else None


def build_file(path: Path, rel: PurePosixPath, max_bytes: int) -> Snapshot:
    """Snapshot of a single file."""
    _regular_file(path, "the file")
    tar = _Tar(max_bytes)
    tar.add_file(f"files/{path.name}", path)
    return Snapshot("file", path.name, rel.as_posix(), tar.done())


def build(root: Path, kind: Any, target: Any, projects_dir: str, max_bytes: int) -> Snapshot:
    """Build the snapshot of ``kind`` for ``target`` (a path relative to ``root``)."""
    if kind not in KINDS:
        raise ShareBuildError(400, f"kind must be one of {', '.join(KINDS)}")
    # A session that works in a project subfolder (e.g. video) has no sessions/<id> folder.
    path, rel = resolve_target(root, target, must_exist=kind != "session")
    if kind == "session":
        return build_session(root, projects_dir, path, rel, max_bytes)
    if kind == "notebook":
        return build_notebook(path, rel, max_bytes)
    if kind == "dashboard":
        return build_dashboard(path, rel, max_bytes)
    return build_file(path, rel, max_bytes)
