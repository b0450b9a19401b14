"""The Orpheus contents manager works through jupyter_server's public methods only (issue 16, item 2).

It used to override the private ``_get_os_path``, ``_dir_model`` and ``_copy_dir``
of ``FileContentsManager``; the link check now runs at the start of every public
method that reads, writes, lists or copies a path, so every route (checkpoints
included) refuses a link that leaves the Jupyter root with the same 403.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from orpheus.contents import OrpheusContentsManager

PRIVATE = ("_get_os_path", "_dir_model", "_copy_dir", "_file_model", "_notebook_model", "_base_model",
           "_save_directory", "_save_file", "_save_notebook")


@pytest.fixture
def jp_server_config() -> dict[str, object]:
    """The orpheus extension with the Orpheus contents manager, as the hub runs it."""
    return {"ServerApp": {"jpserver_extensions": {"orpheus": True},
                          "contents_manager_class": "orpheus.contents.OrpheusContentsManager"}}


def test_no_private_jupyter_server_method_is_overridden() -> None:
    mine = {name for klass in OrpheusContentsManager.__mro__
            if klass.__module__.startswith("orpheus") for name in vars(klass)}
    assert not mine & set(PRIVATE), sorted(mine & set(PRIVATE))


async def _call(jp_fetch: Any, method: str, *path: str, body: Any = None) -> tuple[int, Any]:
    kw: dict[str, Any] = {"method": method, "raise_error": False}
    if method in ("POST", "PUT", "PATCH"):
        kw["body"] = json.dumps(body or {})
    if method == "DELETE":
        kw["allow_nonstandard_methods"] = True
    r = await jp_fetch(*path, **kw)
    return r.code, json.loads(r.body) if r.body and r.body.startswith(b"{") else r.body


@pytest.fixture
def outside(jp_root_dir: Path, tmp_path: Path) -> Path:
    """A notebook outside the root, linked into it as ``link.ipynb`` and through ``out/``."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    nb = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (folder / "secret.ipynb").write_text(json.dumps(nb))
    os.symlink(folder / "secret.ipynb", jp_root_dir / "link.ipynb")
    os.symlink(folder, jp_root_dir / "out")
    return folder


@pytest.mark.parametrize("path", ["link.ipynb", "out/secret.ipynb"])
async def test_checkpoints_of_an_escaping_link_are_refused(jp_fetch: Any, outside: Path,
                                                           path: str) -> None:
    parts = path.split("/")
    before = sorted(p.name for p in outside.rglob("*"))
    for method, extra in (("GET", ()), ("POST", ()), ("POST", ("checkpoint",)),
                          ("DELETE", ("checkpoint",))):
        code, body = await _call(jp_fetch, method, "api", "contents", *parts, "checkpoints", *extra)
        assert code == 403, (method, extra, code, body)
        assert "leads outside your Jupyter root" in body["message"]
        assert str(outside) not in body["message"]
    assert sorted(p.name for p in outside.rglob("*")) == before


async def test_nbconvert_of_an_escaping_link_is_refused(jp_fetch: Any, outside: Path) -> None:
    code, body = await _call(jp_fetch, "GET", "nbconvert", "html", "link.ipynb")
    assert code == 403, body
    assert b"secret" not in (body if isinstance(body, bytes) else json.dumps(body).encode())


async def test_new_untitled_in_an_escaping_folder_is_refused(jp_fetch: Any, outside: Path) -> None:
    code, body = await _call(jp_fetch, "POST", "api", "contents", "out", body={"type": "file"})
    assert code == 403, body
    assert sorted(p.name for p in outside.iterdir()) == ["secret.ipynb"]


async def test_copying_a_folder_names_the_copy_like_jupyter_server(jp_fetch: Any,
                                                                    jp_root_dir: Path) -> None:
    (jp_root_dir / "proj").mkdir()
    (jp_root_dir / "proj" / "a.txt").write_text("a")
    (jp_root_dir / "dest").mkdir()
    names = []
    for folder in ("", "", "dest"):
        parts = ("api", "contents", folder) if folder else ("api", "contents")
        code, body = await _call(jp_fetch, "POST", *parts, body={"copy_from": "proj"})
        assert code == 201, body
        assert body["type"] == "directory"
        names.append(body["path"])
    assert names == ["proj-Copy1", "proj-Copy2", "dest/proj"]
    assert (jp_root_dir / "dest" / "proj" / "a.txt").read_text() == "a"


async def test_copying_into_an_escaping_folder_is_refused(jp_fetch: Any, jp_root_dir: Path,
                                                          outside: Path) -> None:
    (jp_root_dir / "proj").mkdir()
    code, body = await _call(jp_fetch, "POST", "api", "contents", "out", body={"copy_from": "proj"})
    assert code == 403, body
    assert sorted(p.name for p in outside.iterdir()) == ["secret.ipynb"]


@pytest.mark.parametrize("model", [
    {"type": "file", "format": "text", "content": "hello"},
    {"type": "notebook", "content": {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}},
    {"type": "directory"},
])
async def test_saving_into_a_missing_folder_is_a_404_naming_it(jp_fetch: Any, jp_root_dir: Path,
                                                              model: dict[str, Any]) -> None:
    name = "x.ipynb" if model["type"] == "notebook" else "x.txt"
    code, body = await _call(jp_fetch, "PUT", "api", "contents", "no", "such", name, body=model)
    assert code == 404, body
    assert body["message"] == "the folder 'no/such' does not exist; nothing was saved"
    assert str(jp_root_dir) not in json.dumps(body)
    assert not (jp_root_dir / "no").exists()
