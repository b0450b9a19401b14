"""Content checks by magic bytes: a file's first bytes must fit its extension."""

from __future__ import annotations

from pathlib import PurePosixPath

# extension -> accepted leading byte signatures
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".pdf": (b"%PDF-",),
    ".zip": (b"PK\x03\x04", b"PK\x05\x06"),
    ".xlsx": (b"PK\x03\x04",),
    ".docx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".parquet": (b"PAR1",),
    ".gz": (b"\x1f\x8b",),
    ".mp4": (),  # checked below: 'ftyp' at offset 4
    ".mp3": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
    ".wav": (b"RIFF",),
}

# Extensions whose content must be text (UTF-8 or another text encoding, no NULs).
TEXT_EXTENSIONS = frozenset(
    {
        ".csv", ".tsv", ".txt", ".md", ".json", ".jsonl", ".ndjson", ".py", ".ipynb", ".yaml",
        ".yml", ".toml", ".ini", ".cfg", ".html", ".htm", ".css", ".js", ".ts", ".xml", ".svg",
        ".sql", ".r", ".sh", ".tex", ".rst", ".log",
    }
)

# Leading bytes of executables and archives that must never pass as text.
_BINARY_MARKERS = (b"\x7fELF", b"MZ", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"PK\x03\x04")


def content_problem(name: str, head: bytes) -> str | None:
    """Why ``head`` (the first KiB or more of a file) does not fit ``name``; None if it does."""
    ext = PurePosixPath(name).suffix.lower()
    if ext == ".mp4":
        return None if head[4:8] == b"ftyp" else "is not an MP4 file (no 'ftyp' box)"
    if ext in _SIGNATURES:
        if any(head.startswith(sig) for sig in _SIGNATURES[ext]):
            return None
        return f"does not look like a {ext} file (its first bytes do not match)"
    if ext in TEXT_EXTENSIONS:
        if head.startswith(_BINARY_MARKERS):
            return f"is a binary or executable file, not {ext} text"
        if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return f"contains binary data, not {ext} text"
        return None
    if head.startswith(_BINARY_MARKERS[:4]):
        return "is an executable"
    return None
