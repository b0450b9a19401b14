"""POST /projects/{name}/data/import: workspace files into the project's data/ folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

P = ("orpheus", "api", "projects")


async def _project(api, root: Path) -> Path:  # type: ignore[no-untyped-def]
    code, body, _ = await api("POST", *P, body={"name": "imports"})
    assert code == 201
    return root / "projects" / "imports"


async def test_import_copies_and_renames_on_collision(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    project = await _project(api, jp_root_dir)
    (jp_root_dir / "raw").mkdir()
    (jp_root_dir / "raw" / "sales.csv").write_text("a,b\n1,2\n")
    (jp_root_dir / "notes.txt").write_text("hello")
    code, body, _ = await api("POST", *P, "imports", "data", "import", body={"paths": ["raw/sales.csv", "notes.txt"]})
    assert code == 201, body
    assert [(i["name"], i["renamed"]) for i in body["imported"]] == [("sales.csv", False), ("notes.txt", False)]
    assert (project / "data" / "sales.csv").read_text() == "a,b\n1,2\n"
    assert (jp_root_dir / "raw" / "sales.csv").exists()  # a copy, not a move

    (jp_root_dir / "raw" / "sales.csv").write_text("a,b\n3,4\n")
    code, body, _ = await api("POST", *P, "imports", "data", "import", body={"paths": ["raw/sales.csv"]})
    assert code == 201
    assert body["imported"][0]["path"] == "projects/imports/data/sales-2.csv"
    assert (project / "data" / "sales.csv").read_text() == "a,b\n1,2\n"
    assert (project / "data" / "sales-2.csv").read_text() == "a,b\n3,4\n"

    code, body, _ = await api("POST", *P, "imports", "data", "import",
                              body={"paths": ["raw/sales.csv"], "on_conflict": "error"})
    assert code == 409
    assert "data/sales.csv already exists" in body["message"]
    code, body, _ = await api("POST", *P, "imports", "data", "import",
                              body={"paths": ["raw/sales.csv"], "on_conflict": "overwrite"})
    assert code == 201
    assert body["imported"][0]["replaced"] is True
    assert (project / "data" / "sales.csv").read_text() == "a,b\n3,4\n"

    code, listed, _ = await api("GET", *P, "imports")
    assert listed["contents"]["data"]["count"] == 3


@pytest.mark.parametrize(
    ("paths", "status", "reason"),
    [
        (["../outside.csv"], 400, "outside your Jupyter root"),
        (["/etc/passwd"], 400, "outside your Jupyter root"),
        (["etc-link/hostname"], 400, "link that leads outside"),
        (["raw"], 400, "is a folder"),
        (["missing.csv"], 404, "does not exist"),
        (["fake.png"], 415, "does not look like a .png"),
        ([], 400, "non-empty list"),
        ("raw/a.csv", 400, "non-empty list"),
        ([3], 400, "non-empty string"),
        (["a\x00b"], 400, "NUL"),
    ],
)
async def test_import_refusals(api, jp_root_dir: Path, tmp_path: Path, paths: object, status: int, reason: str) -> None:  # type: ignore[no-untyped-def]
    project = await _project(api, jp_root_dir)
    (tmp_path / "outside.csv").write_text("secret")
    os.symlink("/etc", jp_root_dir / "etc-link")
    (jp_root_dir / "raw").mkdir()
    (jp_root_dir / "raw" / "a.csv").write_text("a\n1\n")
    (jp_root_dir / "fake.png").write_text("not a png")
    # A good path alongside the bad one: all or nothing.
    body = {"paths": [*paths, "raw/a.csv"] if isinstance(paths, list) and paths else paths}
    code, err, _ = await api("POST", *P, "imports", "data", "import", body=body)
    assert code == status, err
    assert reason in err["message"]
    assert str(tmp_path) not in err["message"]
    assert not (project / "data").exists() or list((project / "data").iterdir()) == []


async def test_import_into_missing_project_is_404(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    (jp_root_dir / "a.csv").write_text("a\n")
    code, err, _ = await api("POST", *P, "nope", "data", "import", body={"paths": ["a.csv"]})
    assert code == 404
    assert "project 'nope'" in err["message"]


async def test_links_inside_the_root_import_their_content(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    project = await _project(api, jp_root_dir)
    (jp_root_dir / "real.csv").write_text("a\n1\n")
    os.symlink(jp_root_dir / "real.csv", jp_root_dir / "alias.csv")
    code, body, _ = await api("POST", *P, "imports", "data", "import", body={"paths": ["alias.csv"]})
    assert code == 201, body
    copied = project / "data" / "alias.csv"
    assert not copied.is_symlink()
    assert copied.read_text() == "a\n1\n"


async def test_too_large_is_413(api, jp_serverapp, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    project = await _project(api, jp_root_dir)
    [ext] = jp_serverapp.extension_manager.extension_apps["orpheus"]
    ext.data_importer.max_file_bytes = 10
    (jp_root_dir / "big.csv").write_text("a\n" * 100)
    code, body, _ = await api("POST", *P, "imports", "data", "import", body={"paths": ["big.csv"]})
    assert code == 413
    assert "the import limit is 10" in body["message"]
    assert not (project / "data").exists()
