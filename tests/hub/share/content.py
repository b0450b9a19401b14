"""Files the share tests put in a user's Jupyter root, and hand-made (bad) snapshot archives."""

from __future__ import annotations

import base64
import io
import json
import tarfile
from pathlib import Path

import pandas as pd

REPLAY_TEXT = "Hello from the Orpheus replay"
SCRIPT_MARKER = "NOTEBOOK-OUTPUT-MARKER"
# A 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
# Runs if the notebook's HTML is ever executed with scripts: it tries to act as the hub origin.
EVIL_SCRIPT = (
    "<div id='marker'>" + SCRIPT_MARKER + "</div><script>"
    "document.cookie = 'pwned=1; path=/';"
    "try { localStorage.setItem('pwned', '1'); } catch (e) {}"
    "document.title = 'script ran in origin ' + self.origin;"
    "</script>"
)


def cast_text() -> str:
    """A small asciicast v2 recording."""
    header = {"version": 2, "width": 80, "height": 24, "timestamp": 1700000000, "title": "demo"}
    events = [[0.1, "o", "$ echo hi\r\n"], [0.3, "o", REPLAY_TEXT + "\r\n"], [0.5, "o", "$ "]]
    return "\n".join(json.dumps(x) for x in [header, *events]) + "\n"


def notebook(with_script: bool = True) -> dict[str, object]:
    """A saved notebook whose output holds HTML (and, by default, a script)."""
    outputs = [{"output_type": "display_data", "metadata": {},
                "data": {"text/html": EVIL_SCRIPT if with_script else f"<b>{SCRIPT_MARKER}</b>",
                         "text/plain": "<html>"}}]
    return {"nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                         "language_info": {"name": "python"}},
            "cells": [
                {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": "# Shared notebook title"},
                {"cell_type": "code", "id": "c1", "metadata": {}, "execution_count": 1,
                 "source": "display(HTML(evil))", "outputs": outputs}]}


def dashboard() -> dict[str, object]:
    """A dashboard spec with a stored plotly figure and a text widget."""
    figure = {"data": [{"type": "bar", "x": ["north", "south"], "y": [3, 5], "name": "sales"}],
              "layout": {"title": {"text": "Sales by region"}}}
    return {"id": "d1", "title": "Regional dashboard",
            "widgets": [{"id": "w1", "type": "chart", "title": "Sales chart", "figure": figure},
                        {"id": "w2", "type": "markdown", "title": "Notes",
                         "markdown": "**Bold note** <script>alert(1)</script>"}]}


def make_project(root: Path) -> None:
    """projects/demo with a session (files, record, recording), a notebook, a dashboard, data."""
    project = root / "projects" / "demo"
    session = project / "sessions" / "s1"
    (session / "sub").mkdir(parents=True, exist_ok=True)
    (session / ".claude").mkdir(exist_ok=True)
    (session / "hello.py").write_text("def greet():\n    return 'version one'\n")
    (session / "notes.md").write_text("# Notes\n\nSome *text* <script>alert('x')</script>"
                                      " <img src=x onerror=alert(1)>\n\n![a pixel](pixel.png)\n")
    (session / "table.csv").write_text("city,count\n" + "".join(f"c{i},{i}\n" for i in range(120)))
    (session / "pixel.png").write_bytes(PNG)
    (session / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 4)
    pd.DataFrame({"region": ["north", "south"], "sales": [3, 5]}).to_excel(session / "sheet.xlsx", index=False)
    (session / "sub" / "deep.txt").write_text("deep file\n")
    (session / ".claude" / "settings.local.json").write_text('{"secret": "do-not-share"}')
    internals = project / ".orpheus" / "sessions"
    internals.mkdir(parents=True, exist_ok=True)
    (internals / "s1.json").write_text(json.dumps({
        "id": "s1", "title": "Demo session", "project": "demo", "created_at": "2026-01-01T00:00:00Z",
        "env": {"ANTHROPIC_AUTH_TOKEN": "secret-token-never-shared"}}))
    (internals / "s1.cast").write_text(cast_text())
    (project / "nb.ipynb").write_text(json.dumps(notebook()))
    (project / "dashboards").mkdir(exist_ok=True)
    (project / "dashboards" / "d1.json").write_text(json.dumps(dashboard()))
    (project / "data").mkdir(exist_ok=True)
    (project / "data" / "report.csv").write_text("name,value\nalpha,1\nbeta,2\n")


def tar_bytes(entries: list[tarfile.TarInfo | tuple[str, bytes]], mode: str = "w") -> bytes:
    """A tar made of (name, data) files and raw TarInfo entries (links, devices, ...)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tar:  # type: ignore[call-overload]
        for entry in entries:
            if isinstance(entry, tarfile.TarInfo):
                tar.addfile(entry)
            else:
                name, data = entry
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def special(name: str, kind: bytes, linkname: str = "") -> tarfile.TarInfo:
    """A link/device/FIFO entry."""
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    return info


def bomb(size: int) -> bytes:
    """A gzip tar whose single file is ``size`` zero bytes (compresses ~1000x)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("files/zeros.bin")
        info.size = size
        tar.addfile(info, _Zeros(size))
    return buf.getvalue()


class _Zeros(io.RawIOBase):
    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        self.left -= n
        return b"\0" * n
