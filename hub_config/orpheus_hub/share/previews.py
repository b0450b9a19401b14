"""Turning stored snapshot files into safe previews (all blocking: call in a thread).

- text: syntax highlighting by pygments (escaped by the formatter);
- Markdown: mistune, then bleach with an allow-list (no script, no handlers, no style);
- CSV/TSV/Excel: the csv module and openpyxl, one page of rows, cells escaped by the template;
- images: served raw under a sandbox CSP, shown by ``<img>``;
- notebooks: nbconvert HTML rendered once at intake, served only in a sandbox.
"""

from __future__ import annotations

import csv
import html
import json
import math
import posixpath
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
MEDIA_TYPES = {
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".ogg": "audio/ogg",
    ".m4a": "audio/mp4",
}
INLINE_TYPES = {**IMAGE_TYPES, **MEDIA_TYPES}
TABLE_TYPES = {".csv", ".tsv", ".xlsx", ".xls"}
MARKDOWN_TYPES = {".md", ".markdown"}
_MD_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
    "span",
    "sup",
    "sub",
}
_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")')
_MD_ATTRS = {"a": ["href", "title"], "img": ["src", "alt", "title"], "th": ["align"], "td": ["align"]}


class PreviewError(ValueError):
    """A file that cannot be previewed (the message is safe to show)."""


def classify(name: str) -> str:
    """``image``, ``video``, ``audio``, ``table``, ``markdown`` or ``text`` (binary: when read)."""
    suffix = Path(name).suffix.lower()
    if suffix in IMAGE_TYPES:
        return "image"
    if suffix in MEDIA_TYPES:
        return MEDIA_TYPES[suffix].split("/")[0]
    if suffix in TABLE_TYPES:
        return "table"
    if suffix in MARKDOWN_TYPES:
        return "markdown"
    return "text"


def read_text(path: Path, max_bytes: int) -> tuple[str, bool]:
    """The file as UTF-8 text (truncated to ``max_bytes``), or PreviewError if binary."""
    with path.open("rb") as f:
        data = f.read(max_bytes + 1)
    truncated = len(data) > max_bytes
    data = data[:max_bytes]
    if b"\x00" in data[:8192]:
        raise PreviewError("binary file; download it to view")
    try:
        return data.decode("utf-8"), truncated
    except UnicodeDecodeError as e:
        if truncated and e.start > len(data) - 4:
            return data[: e.start].decode("utf-8"), truncated
        raise PreviewError("not UTF-8 text; download it to view") from None


def highlight(name: str, text: str) -> tuple[str, str]:
    """Pygments HTML for ``text`` and the stylesheet of its classes."""
    from pygments import highlight as _highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import TextLexer, guess_lexer_for_filename
    from pygments.util import ClassNotFound

    try:
        lexer = guess_lexer_for_filename(name, text[:4096])
    except ClassNotFound:
        lexer = TextLexer()
    formatter = HtmlFormatter(cssclass="highlight", linenos="table")
    return _highlight(text, lexer, formatter), formatter.get_style_defs(".highlight")


def markdown_html(text: str, image_base: str = "", folder: str = "") -> str:
    """Markdown rendered to HTML and sanitized (links get ``rel="nofollow noopener"``).

    With ``image_base``, relative images (``![](plot.png)`` next to the Markdown
    file in ``folder``) point at the share's inline image URL, so they show.
    """
    import bleach
    import mistune

    raw = mistune.html(text)
    assert isinstance(raw, str)  # noqa: S101 - mistune.html always renders to str
    cleaned = bleach.clean(raw, tags=_MD_TAGS, attributes=_MD_ATTRS, protocols={"http", "https", "mailto"}, strip=True)
    linker = bleach.linkifier.Linker(callbacks=[_nofollow], skip_tags={"pre", "code"})
    linked = str(linker.linkify(cleaned))
    if not image_base:
        return linked
    return _IMG_SRC.sub(lambda m: _local_image(m, image_base, folder), linked)


def _local_image(match: re.Match[str], image_base: str, folder: str) -> str:
    src = html.unescape(match.group(2))
    if not src or ":" in src or src.startswith(("/", "#", "?")):
        return match.group(0)
    path = posixpath.normpath(posixpath.join(folder, src.split("#")[0].split("?")[0]))
    if path.startswith(".."):
        return match.group(0)
    return match.group(1) + html.escape(image_base + quote(path)) + match.group(3)


def _nofollow(attrs: dict[Any, str], new: bool = False) -> dict[Any, str]:
    attrs[(None, "rel")] = "nofollow noopener noreferrer"
    return attrs


def table_page(path: Path, page: int, rows: int) -> dict[str, Any]:
    """One page of a CSV/TSV/Excel file: columns, rows (strings), page count.

    Read with the standard ``csv`` module and openpyxl (the share service carries no
    pandas): the first row names the columns, a row with more cells than that is
    skipped as malformed, a shorter one is padded, blank lines are ignored.
    """
    try:
        header, body = _read_table(path)
    except Exception as e:  # csv and openpyxl raise many types for malformed files
        raise PreviewError(f"could not read this table ({type(e).__name__}); download it to view") from None
    width = len(header)
    body = [row + [""] * (width - len(row)) for row in body if len(row) <= width]
    pages = max(1, math.ceil(len(body) / rows))
    page = min(max(page, 1), pages)
    return {
        "columns": header,
        "rows": body[(page - 1) * rows : page * rows],
        "page": page,
        "pages": pages,
        "total": len(body),
    }


def _read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows as strings (empty cells as ``""``)."""
    if path.suffix.lower() in (".xlsx", ".xls"):
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            found = [
                ["" if v is None else str(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)
            ]
        finally:
            book.close()
    else:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        with path.open(newline="", encoding="utf-8", errors="replace") as f:
            found = [row for row in csv.reader(f, delimiter=delimiter)]
    found = [row for row in found if any(cell.strip() for cell in row)]
    if not found:
        raise ValueError("no rows")
    return found[0], found[1:]


def render_notebook(path: Path) -> str:
    """nbconvert's HTML of a notebook, outputs as saved (no kernel, nothing executed)."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(path), as_version=4)  # type: ignore[no-untyped-call]
    exporter = HTMLExporter(template_name="lab")  # type: ignore[no-untyped-call]
    body, _ = exporter.from_notebook_node(nb)
    return str(body)


def derive(staged: Path, kind: str) -> None:
    """Build what a view needs once, at intake (the notebook's HTML)."""
    from .snapshots import SnapshotError

    if kind != "notebook":
        return
    try:
        html = render_notebook(staged / "notebook.ipynb")
    except Exception as e:  # nbformat/nbconvert raise many types for bad notebooks
        raise SnapshotError(400, f"notebook.ipynb could not be rendered ({type(e).__name__})") from None
    (staged / "render.html").write_text(html, encoding="utf-8")


def dashboard_figures(folder: Path) -> tuple[str, list[dict[str, Any]]]:
    """The dashboard's title and its charts: ``[{"title", "figure"|"markdown"}]``."""
    spec = json.loads((folder / "dashboard.json").read_text(encoding="utf-8"))
    figures_file = folder / "figures.json"
    source = json.loads(figures_file.read_text(encoding="utf-8")) if figures_file.exists() else spec
    items: list[dict[str, Any]] = []
    for widget in source.get("widgets", source.get("figures", [])) or []:
        if not isinstance(widget, dict):
            continue
        title = str(widget.get("title", ""))
        if isinstance(widget.get("figure"), dict):
            items.append({"title": title, "figure": widget["figure"]})
        elif isinstance(text := widget.get("markdown", widget.get("text")), str):
            items.append({"title": title, "markdown": markdown_html(text)})
    return str(spec.get("title", "")), items
