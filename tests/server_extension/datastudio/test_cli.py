"""``orpheus analyze`` on a project folder and on loose files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from orpheus.cli import main

from . import datasets


def test_analyze_project_folder(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    datasets.orders_and_customers(tmp_path / "shop" / "data")
    assert main(["analyze", str(tmp_path / "shop")]) == 0
    out = capsys.readouterr().out
    assert "2 files, 2 tables, 600 rows" in out
    assert "customers.csv.customer_id joins orders.tsv.customer_id" in out
    meta = json.loads((tmp_path / "shop" / ".analysis" / "metadata.json").read_text())
    assert meta["summary"]["total_rows"] == 600


def test_analyze_files_separate_json_console_script(tmp_path: Path) -> None:
    datasets.parquet(tmp_path)
    exe = Path(sys.executable).with_name("orpheus")
    r = subprocess.run([str(exe), "analyze", str(tmp_path / "metrics.parquet"), "--out",
                        str(tmp_path / "out"), "--mode", "separate", "--json"],
                       capture_output=True, text=True, check=True, timeout=120)
    meta = json.loads(r.stdout)
    assert meta["mode"] == "separate"
    assert meta["files"][0]["rows"] == 300
    assert (tmp_path / "out" / "files" / "metrics.parquet.json").is_file()


def test_analyze_missing_path_is_an_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["analyze", str(tmp_path / "nope.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
