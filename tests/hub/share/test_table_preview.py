"""The share service's table preview reads CSV/TSV with ``csv`` and Excel with openpyxl."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from orpheus_hub.share.previews import PreviewError, table_page


def test_csv_rows_paged_padded_and_malformed_rows_skipped(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "name,value,note\nalpha,1,x\n\nbeta,2\ngamma,3,y,EXTRA\n" + "".join(f"r{i},{i},\n" for i in range(5))
    )
    first = table_page(path, 1, 3)
    assert first["columns"] == ["name", "value", "note"]
    assert first["rows"] == [["alpha", "1", "x"], ["beta", "2", ""], ["r0", "0", ""]]
    assert (first["total"], first["pages"]) == (7, 3)  # the 4-cell row is skipped
    assert table_page(path, 99, 3)["rows"] == [["r4", "4", ""]]  # clamped to the last page


def test_tsv_and_bad_bytes(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_bytes("a\tb\n1\t\xff\n".encode("latin-1"))
    page = table_page(path, 1, 10)
    assert page["columns"] == ["a", "b"]
    assert page["rows"][0][0] == "1"


def test_xlsx_first_sheet(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["city", "people"])
    sheet.append(["Lyon", 522250])
    sheet.append(["Nice", None])
    path = tmp_path / "t.xlsx"
    book.save(path)
    page = table_page(path, 1, 10)
    assert page["columns"] == ["city", "people"]
    assert page["rows"] == [["Lyon", "522250"], ["Nice", ""]]


def test_an_empty_or_broken_file_is_a_preview_error(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text("\n\n")
    (tmp_path / "b.xlsx").write_bytes(b"PK\x03\x04 not really")
    for name in ("e.csv", "b.xlsx"):
        with pytest.raises(PreviewError, match="could not read this table"):
            table_page(tmp_path / name, 1, 10)
