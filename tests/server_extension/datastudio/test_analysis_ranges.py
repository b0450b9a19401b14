"""CSV byte ranges: every row read exactly once wherever the range ends fall, types kept from block one."""

from __future__ import annotations

from pathlib import Path

import pytest

from orpheus.datastudio.analysis.readers import open_sources
from orpheus.datastudio.analysis.tables import named_batches


@pytest.mark.parametrize("block", [16, 24, 32, 40, 64])
def test_every_row_once_at_any_range_end(tmp_path: Path, block: int) -> None:
    for rows in (1, 2, 7, 8, 9, 63, 64, 65, 250):
        path = tmp_path / f"r{rows}.csv"
        path.write_text("n_value\n" + "".join(f"{i:07d}\n" for i in range(rows)))
        source = open_sources(path, path.name, 10, block)[0]
        got = [v for batch in named_batches(source) for v in batch.column(0).to_pylist()]
        assert got == list(range(rows))


def test_bom_repeated_names_and_no_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    body = "".join(f"{i},{i * 2},x{i}\n" for i in range(500)).rstrip("\n")
    path.write_bytes(b"\xef\xbb\xbfa,a,b\n" + body.encode())
    source = open_sources(path, path.name, 10, 64)[0]
    batches = list(named_batches(source))
    assert batches[0].schema.names == ["a", "a.1", "b"]
    assert sum(b.num_rows for b in batches) == 500
    assert [b.column(1).to_pylist()[-1] for b in batches][-1] == 998
    assert {str(b.schema.field(0).type) for b in batches} == {"int64"}


@pytest.mark.parametrize("block", [32, 64, 100])
def test_lines_of_any_length_up_to_a_block(tmp_path: Path, block: int) -> None:
    lines = [f"{i:02d},{'x' * (i * 37 % (block - 8))}" for i in range(40)]
    path = tmp_path / "long.csv"
    path.write_text("n,text\n" + "\n".join(lines) + "\n")
    source = open_sources(path, path.name, 10, block)[0]
    batches = list(named_batches(source))
    assert [v for b in batches for v in b.column(0).to_pylist()] == list(range(40))
    texts = [v or "" for b in batches for v in b.column(1).to_pylist()]
    assert texts == [line.split(",")[1] for line in lines]
