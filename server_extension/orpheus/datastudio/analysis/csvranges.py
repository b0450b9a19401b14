"""CSV read as byte ranges cut at line ends, each parsed by pyarrow's multithreaded ``read_csv``.

Used for UTF-8 files whose head shows no quoted line breaks: there a line end
is a row end, which is also all the streaming reader assumes without
``newlines_in_values``.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.csv as pa_csv

if TYPE_CHECKING:
    from .readers import _CsvReader


def csv_ranges(reader: _CsvReader, parse: Any, convert: Any) -> Iterator[pa.RecordBatch]:
    """The CSV as byte ranges cut after a line end, each parsed by the multithreaded ``read_csv``.

    The first range is one block, so column types are inferred from the first
    block exactly as the streaming reader does; later ranges (two blocks each, one per core)
    are read with those types, so a value that does not fit raises the same
    conversion error (and the same widening retry). ``read_csv`` parses a byte
    for less CPU than the streaming reader, and only one range is held at once.
    """
    with reader.path.open("rb") as f:
        if reader.encoding == "utf-8-sig":
            f.read(len(codecs.BOM_UTF8))
        first, carry = _cut(f.read(reader.block_size), f)
        table = pa_csv.read_csv(pa.py_buffer(first), pa_csv.ReadOptions(block_size=reader.block_size),
                                parse, convert)
        reader.names = table.schema.names
        reader.check_text(table.schema)
        yield from table.to_batches()
        # Later ranges have no header: positional names (the header may repeat one), then renamed.
        slots = [f"c{i}" for i in range(len(reader.names))]
        options = pa_csv.ReadOptions(block_size=reader.block_size, column_names=slots)
        convert.column_types = dict(zip(slots, table.schema.types, strict=True))
        del table, first
        while (more := f.read(2 * reader.block_size)) or carry:
            data, carry = _cut(carry + more, f)
            for batch in pa_csv.read_csv(pa.py_buffer(data), options, parse, convert).to_batches():
                yield batch.rename_columns(reader.names)


def _cut(data: bytes, f: Any) -> tuple[bytes, bytes]:
    """``data`` up to and including its last line end (read on until one), and what follows."""
    while b"\n" not in data:
        more = f.read(1 << 20)
        if not more:
            return data, b""
        data += more
    cut = data.rfind(b"\n") + 1
    return data[:cut], data[cut:]
