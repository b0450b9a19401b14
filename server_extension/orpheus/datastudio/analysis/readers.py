"""Open data files as streams of Arrow record batches: one stream per table (sheet).

CSV/TSV and Parquet stream block by block (a 1M-row file never sits in memory
whole); Excel and JSON are small by nature and read at once. Every failure is a
:class:`ReadError` whose message is safe to show (no paths, no tracebacks).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv

from ...filetypes import content_problem
from .csvranges import csv_ranges

FORMATS = {
    ".csv": "csv", ".tsv": "csv", ".tab": "csv", ".xlsx": "excel", ".xlsm": "excel",
    ".xls": "excel", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".parquet": "parquet", ".pq": "parquet",
}
HEAD_BYTES = 256 * 1024
TIMESTAMP_PARSERS = [pa_csv.ISO8601, "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%m/%d/%Y %H:%M",
                     "%d.%m.%Y", "%Y-%m-%d %H:%M"]
_NON_LATIN = ("cp1251", "koi8", "cp866", "mac_cyrillic", "iso8859_5", "cp1253", "iso8859_7",
              "cp1255", "iso8859_8", "cp1256", "iso8859_6", "shift_jis", "cp932", "euc_jp",
              "gb2312", "gbk", "gb18030", "big5", "cp950", "euc_kr", "cp949", "tis_620", "cp874")
_DECIMAL_COMMA = re.compile(r"(^|;)-?\d+,\d+(;|$)", re.M)
_CONVERSION = re.compile(r"In CSV column #(\d+): CSV conversion error to (\w+)")


class ReadError(Exception):
    """A file that cannot be analysed; ``str(error)`` is the user-facing reason."""


class SchemaRetry(Exception):
    """A later CSV block did not fit the types inferred from the first: start again."""


@dataclass
class TableSource:
    """One table of a file: where it came from and how to stream its batches."""

    file: str
    table: str | None
    format: str
    size: int
    batches: Callable[[], Iterator[pa.RecordBatch]]
    notes: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    estimated_rows: int | None = None

    @property
    def id(self) -> str:
        """Stable identifier: ``file`` or ``file#sheet``."""
        return self.file if self.table is None else f"{self.file}#{self.table}"


def is_supported(path: Path) -> bool:
    """Whether the analysis knows how to read ``path`` (by extension)."""
    return path.suffix.lower() in FORMATS and not path.name.startswith(".")


def open_sources(path: Path, label: str, max_columns: int, block_size: int) -> list[TableSource]:
    """The tables in ``path`` (shown to users as ``label``); :class:`ReadError` if unusable."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ReadError(f"{path.suffix or 'files without an extension'} is not a supported format")
    size = path.stat().st_size
    if size == 0:
        raise ReadError("the file is empty")
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
    problem = content_problem(path.name, head)
    if problem:
        raise ReadError(f"the file {problem}")
    if fmt in ("excel", "json", "jsonl"):
        # Read whole through pandas (readers_small.py); imported only when needed.
        from .readers_small import excel_sources, json_sources

        opener = excel_sources if fmt == "excel" else json_sources
        sources = opener(path, label, head, size, max_columns, block_size)
    else:
        streamed = _csv_sources if fmt == "csv" else _parquet_sources
        sources = streamed(path, label, head, size, max_columns, block_size)
    if not sources:
        raise ReadError("the file holds no tables with data")
    return sources


def check_width(count: int, max_columns: int) -> None:
    """Refuse tables wider than the configured limit."""
    if count > max_columns:
        raise ReadError(
            f"the table has {count} columns; the limit is {max_columns} "
            "(DataStudioManager.max_columns)"
        )


# ---- CSV ---------------------------------------------------------------------
def detect_encoding(head: bytes) -> str:
    """``utf-8`` (with or without BOM), ``utf-16`` by BOM, else the best guess."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    # Trust the detector for non-Latin scripts; among Latin code pages short samples
    # make it waver (cp775, cp1250, ...), and Western files are overwhelmingly cp1252.
    if best is not None and best.encoding.startswith(_NON_LATIN):
        return str(best.encoding)
    try:
        head.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"


def _has_utf8_sequences(head: bytes) -> bool:
    """Whether valid multi-byte UTF-8 characters sit among bytes that are not UTF-8."""
    decoded = head.decode("utf-8", errors="replace")
    return any(ord(ch) > 127 and ch != "\ufffd" for ch in decoded)


def detect_delimiter(text: str, suffix: str) -> str:
    """Tab for ``.tsv``; otherwise what :class:`csv.Sniffer` finds among , ; tab |."""
    if suffix in (".tsv", ".tab"):
        return "\t"
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _csv_sources(
    path: Path, label: str, head: bytes, size: int, max_columns: int, block_size: int
) -> list[TableSource]:
    encoding = detect_encoding(head)
    if not encoding.startswith("utf") and _has_utf8_sequences(head):
        raise ReadError(f"the file mixes text encodings (UTF-8 and {encoding}); "
                        "save it in one encoding (UTF-8)")
    text = head.decode(encoding, errors="replace")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ReadError("the file holds only blank lines")
    delimiter = detect_delimiter(text, path.suffix.lower())
    header = next(csv.reader([lines[0]], delimiter=delimiter))
    check_width(len(header), max_columns)
    if len(lines) < 2 and size <= len(head):
        raise ReadError("the file has a header row but no data rows")
    multiline = any("\n" in cell or "\r" in cell
                    for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row)
    reader = _CsvReader(path, encoding, delimiter, block_size, multiline)
    # Byte ranges cut at line ends only when a line end is a row end and "\n" is one byte.
    reader.ranges = not multiline and encoding in ("utf-8", "utf-8-sig") and b"\n" in head
    if delimiter == ";" and _DECIMAL_COMMA.search(text):
        reader.decimal_point = ","  # European CSV: "1,5" is one and a half
    notes = [] if encoding in ("utf-8", "utf-8-sig") else [f"read as {encoding}"]
    estimate = int(size * max(len(lines) - 1, 1) / max(len(head), 1))
    return [TableSource(label, None, "csv", size, reader.batches, notes, encoding, delimiter,
                        estimate)]


class _CsvReader:
    """Streams a CSV with pyarrow; widens a column's type when a later block disagrees."""

    def __init__(self, path: Path, encoding: str, delimiter: str, block_size: int,
                 multiline: bool) -> None:
        self.path = path
        self.multiline = multiline  # quoted newlines: slower, single-threaded block splitting
        self.decimal_point = "."
        self.encoding = encoding
        self.delimiter = delimiter
        self.block_size = block_size
        self.overrides: dict[str, pa.DataType] = {}
        self.names: list[str] = []
        self.ranges = False

    def _options(self) -> tuple[Any, Any, Any]:
        read = pa_csv.ReadOptions(encoding=self.encoding, block_size=self.block_size)
        parse = pa_csv.ParseOptions(delimiter=self.delimiter, newlines_in_values=self.multiline)
        convert = pa_csv.ConvertOptions(
            timestamp_parsers=TIMESTAMP_PARSERS, column_types=self.overrides,
            true_values=["true", "True", "TRUE", "yes", "Yes", "YES"],
            false_values=["false", "False", "FALSE", "no", "No", "NO"],
            strings_can_be_null=True, decimal_point=self.decimal_point,
        )
        return read, parse, convert

    def batches(self) -> Iterator[pa.RecordBatch]:
        read, parse, convert = self._options()
        try:
            if self.ranges:
                yield from csv_ranges(self, parse, convert)
                return
            stream = pa_csv.open_csv(self.path, read, parse, convert)
            self.names = stream.schema.names
            self.check_text(stream.schema)
            yield from stream
        except pa.ArrowInvalid as e:
            self._handle(str(e))

    def check_text(self, schema: pa.Schema) -> None:
        """Refuse columns that came out as bytes: the file mixes text encodings."""
        for f in schema:
            if pa.types.is_binary(f.type) or pa.types.is_large_binary(f.type):
                raise ReadError(f"column {f.name!r} holds bytes that are not valid "
                                f"{self.encoding} text: the file mixes text encodings")

    def _handle(self, message: str) -> None:
        match = _CONVERSION.search(message)
        if match and self.names:
            column = self.names[int(match.group(1))]
            if "invalid UTF8" in message or match.group(2) == "string":
                raise ReadError(
                    f"column {column!r} holds bytes that are not valid {self.encoding}: "
                    "the file mixes text encodings; save it in one encoding (UTF-8)"
                ) from None
            if column in self.overrides or len(self.overrides) > 50:
                raise ReadError(f"column {column!r} could not be read: {message[:200]}")
            widened = pa.float64() if match.group(2) == "int64" else pa.string()
            self.overrides[column] = widened
            raise SchemaRetry(column)
        raise ReadError(f"not a readable delimited text file: {_first_line(message)}")


def _first_line(message: str) -> str:
    return message.splitlines()[0][:200] if message else "unknown error"


# ---- Parquet -----------------------------------------------------------------
def _parquet_sources(
    path: Path, label: str, head: bytes, size: int, max_columns: int, block_size: int
) -> list[TableSource]:
    import pyarrow.parquet as pq  # with pyarrow.fs (S3, HDFS): only for Parquet files

    try:
        meta = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as e:
        raise ReadError(f"not a readable Parquet file: {_first_line(str(e))}") from None
    check_width(len(meta.schema_arrow.names), max_columns)
    if meta.metadata.num_rows == 0:
        raise ReadError("the Parquet file has no rows")

    def batches() -> Iterator[pa.RecordBatch]:
        try:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=131072):
                yield flatten_batch(batch)
        except (pa.ArrowException, OSError) as e:
            raise ReadError(f"Parquet data could not be read: {_first_line(str(e))}") from None

    return [TableSource(label, None, "parquet", size, batches,
                        estimated_rows=meta.metadata.num_rows)]


def flatten_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Nested structs become ``a.b`` columns; lists and maps become JSON text."""
    table = pa.Table.from_batches([batch])
    while any(pa.types.is_struct(t) for t in table.schema.types):
        table = table.flatten()
    for i, (name, typ) in enumerate(zip(table.schema.names, table.schema.types, strict=True)):
        if pa.types.is_list(typ) or pa.types.is_large_list(typ) or pa.types.is_map(typ):
            values = [None if v is None else json.dumps(v, default=str)
                      for v in table.column(i).to_pylist()]
            table = table.set_column(i, name, pa.array(values, pa.string()))
    return table.combine_chunks().to_batches()[0] if table.num_rows else batch

