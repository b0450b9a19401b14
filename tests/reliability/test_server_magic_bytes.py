"""Magic-byte check on every way a file gets its name and content (issue 13, item 11).

Renaming a text file to ``.png`` and saving a notebook model as ``x.png`` went
around the upload check. Every save type and every rename is checked now; a
refusal is a 415 naming the file, and the previous file is left as it was.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


@pytest.fixture
def jp_server_config() -> dict[str, object]:
    """The orpheus extension with the Orpheus contents manager, as the hub runs it."""
    return {"ServerApp": {"jpserver_extensions": {"orpheus": True},
                          "contents_manager_class": "orpheus.contents.OrpheusContentsManager"}}


async def _call(jp_fetch: Any, method: str, path: str, body: Any) -> tuple[int, dict[str, Any]]:
    r = await jp_fetch("api", "contents", *path.split("/"), method=method, body=json.dumps(body),
                       raise_error=False)
    return r.code, json.loads(r.body) if r.body else {}


def _notebook() -> dict[str, Any]:
    return {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


async def test_rename_text_to_png_is_refused(jp_fetch: Any, jp_root_dir: Path) -> None:
    (jp_root_dir / "notes.txt").write_text("just words\n")
    code, body = await _call(jp_fetch, "PATCH", "notes.txt", {"path": "notes.png"})
    assert code == 415, body
    assert "notes.png does not look like a .png file" in body["message"]
    assert (jp_root_dir / "notes.txt").read_text() == "just words\n"
    assert not (jp_root_dir / "notes.png").exists()


async def test_rename_onto_other_binary_kinds_is_refused(jp_fetch: Any, jp_root_dir: Path) -> None:
    (jp_root_dir / "sub").mkdir()
    (jp_root_dir / "picture.png").write_bytes(PNG)
    (jp_root_dir / "script.sh").write_text("#!/bin/sh\necho hi\n")
    for old, new, words in (("script.sh", "sub/archive.zip", "does not look like a .zip file"),
                            ("picture.png", "sub/table.csv", "contains binary data, not .csv text")):
        code, body = await _call(jp_fetch, "PATCH", old, {"path": new})
        assert code == 415, body
        assert words in body["message"]
        assert (jp_root_dir / old).is_file()
        assert not (jp_root_dir / new).exists()


async def test_renames_that_fit_still_work(jp_fetch: Any, jp_root_dir: Path) -> None:
    (jp_root_dir / "picture.bin").write_bytes(PNG)
    (jp_root_dir / "folder").mkdir()
    (jp_root_dir / "empty.txt").write_bytes(b"")
    for old, new in (("picture.bin", "picture.png"), ("folder", "folder.png"),
                     ("empty.txt", "empty.png")):
        code, body = await _call(jp_fetch, "PATCH", old, {"path": new})
        assert code == 200, body
        assert (jp_root_dir / new).exists()


async def test_notebook_model_saved_as_png_is_refused(jp_fetch: Any, jp_root_dir: Path) -> None:
    (jp_root_dir / "x.png").write_bytes(PNG)
    code, body = await _call(jp_fetch, "PUT", "x.png",
                             {"type": "notebook", "format": "json", "content": _notebook()})
    assert code == 415, body
    assert "x.png does not look like a .png file" in body["message"]
    assert (jp_root_dir / "x.png").read_bytes() == PNG  # the previous file is intact
    code, body = await _call(jp_fetch, "PUT", "fresh.png",
                             {"type": "notebook", "format": "json", "content": _notebook()})
    assert code == 415, body
    assert not (jp_root_dir / "fresh.png").exists()


async def test_every_file_save_format_is_checked_and_keeps_the_old_file(
        jp_fetch: Any, jp_root_dir: Path) -> None:
    (jp_root_dir / "x.png").write_bytes(PNG)
    for model in ({"type": "file", "format": "text", "content": "plain text"},
                  {"type": "file", "format": "base64",
                   "content": base64.b64encode(b"\x7fELF\x02\x01").decode()},
                  {"type": "file", "format": "base64", "chunk": 1,
                   "content": base64.b64encode(b"plain text").decode()}):
        code, body = await _call(jp_fetch, "PUT", "x.png", model)
        assert code == 415, (model, body)
        assert (jp_root_dir / "x.png").read_bytes() == PNG


async def test_a_notebook_saved_as_ipynb_still_works(jp_fetch: Any, jp_root_dir: Path) -> None:
    code, body = await _call(jp_fetch, "PUT", "work.ipynb",
                             {"type": "notebook", "format": "json", "content": _notebook()})
    assert code == 201, body
    assert json.loads((jp_root_dir / "work.ipynb").read_text())["nbformat"] == 4
