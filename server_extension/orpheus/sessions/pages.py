"""Fetched pages turned into Markdown files in the session folder (``web/<name>.md``)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from markdownify import MarkdownConverter
from tornado import web

from ..fsutil import atomic_write_text
from ..names import slugify
from .webfetch import HTML_TYPES, Page

WEB_DIR = "web"
DROPPED_TAGS = ["script", "style", "noscript", "template", "iframe", "svg"]


def to_markdown(page: Page) -> tuple[str, str]:
    """(title, Markdown) of a page; HTML goes through markdownify, text stays as it is."""
    fallback = urlsplit(page.url).netloc + urlsplit(page.url).path
    if page.content_type not in HTML_TYPES:
        return fallback, page.text
    soup = BeautifulSoup(page.text, "html.parser")
    for tag in soup(DROPPED_TAGS):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    if soup.title:
        soup.title.decompose()
    markdown = MarkdownConverter(heading_style="ATX").convert_soup(soup)
    lines = [line.rstrip() for line in markdown.splitlines()]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return title or fallback, text.strip() + "\n"


def save(workdir: Path, page: Page, title: str, markdown: str) -> Path:
    """Write the Markdown with a small front matter; never overwrites an earlier fetch."""
    folder = workdir / WEB_DIR
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise web.HTTPError(409, f"{WEB_DIR}/ in the session folder is not a plain folder")
    folder.mkdir(exist_ok=True)
    base = slugify(title, 60) or slugify(urlsplit(page.url).netloc, 60) or "page"
    target, n = folder / f"{base}.md", 1
    while target.exists():
        n += 1
        target = folder / f"{base}-{n}.md"
    fetched = datetime.now(timezone.utc).isoformat()
    safe_title = title.replace('"', "'").replace("\n", " ")
    header = f'---\nsource: "{page.url}"\ntitle: "{safe_title}"\nfetched_at: "{fetched}"\n---\n\n'
    atomic_write_text(target, header + markdown)
    return target
