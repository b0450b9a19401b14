"""CSV read as byte ranges cut at line ends, each parsed by pyarrow's multithreaded ``read_csv``.

Used for UTF-8 files whose head shows no quoted line breaks: there a line end
is a row end, which is also all the streaming reader assumes without
``newlines_in_values``.
"""

from __future__ import annotations

import codecs
import io
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
    with reader.path.open("rb", buffering=0) as f:
        if reader.encoding == "utf-8-sig":
            f.read(len(codecs.BOM_UTF8))
        ranges = line_ranges(f, reader.block_size, 2 * reader.block_size)
        first = next(ranges, None)
        if first is None:
            return
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
        for data in ranges:
            batches = pa_csv.read_csv(pa.py_buffer(data), options, parse, convert).to_batches()
            del data  # parsed into Arrow's own memory: the buffer is free for the next range
            for batch in batches:
                yield batch.rename_columns(reader.names)


def line_ranges(f: io.RawIOBase, first: int, size: int) -> Iterator[memoryview]:
    """The file as consecutive ranges, each ending just after a line end (the last one may not).

    The first range holds at most ``first`` bytes, the later ones at most ``size``
    (more only when one line is longer). All are views of one buffer that is
    filled again for the next range (no copy, no fresh memory per range), so a
    range must be used up before the next one is asked for.
    """
    buf = bytearray(max(first, size))
    held, want = 0, first
    while True:
        held += _fill(f, memoryview(buf)[held:want])
        if held < want:  # end of file
            if held:
                yield memoryview(buf)[:held]
            return
        cut = buf.rfind(b"\n", 0, held) + 1
        if not cut:  # no line end yet: read on, a MiB at a time (growing the buffer)
            want = held + (1 << 20)
            buf.extend(bytes(max(0, want - len(buf))))
            continue
        yield memoryview(buf)[:cut]
        buf[: held - cut] = buf[cut:held]  # the start of the next line leads the next range
        held, want = held - cut, size


def _fill(f: io.RawIOBase, target: memoryview) -> int:
    """Read into ``target`` until it is full or the file ends; how many bytes came."""
    got = 0
    while got < len(target):
        n = f.readinto(target[got:])
        if not n:
            break
        got += n
    target.release()
    return got
