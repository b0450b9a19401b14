"""Stored chat-with-data conversations (``<project>/.chat/<id>.json``) and their export
as a runnable notebook (``<project>/chat-<id>.ipynb``: the preload, then one code cell per
executed step with its outputs, the questions and answers as Markdown)."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import nbformat
from tornado import web

from .. import ids
from ..fsutil import atomic_write_json, atomic_write_text, contain, is_within
from .kernels import PRELOAD

# nbformat is untyped: go through Any-typed aliases (strict mypy)
nbf: Any = nbformat
v4: Any = nbformat.v4

CHAT_ID = ids.CHAT_ID


def now() -> str:
    """UTC now, ISO 8601."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class ChatStore:
    """The conversations of one project."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.dir = folder / ".chat"

    def path(self, chat_id: str) -> Path:
        """The file of a conversation; 400 for a malformed id."""
        if not isinstance(chat_id, str) or not CHAT_ID.match(chat_id):
            raise web.HTTPError(400, "conversation_id must be 12 hexadecimal characters")
        return contain(self.folder, self.dir / f"{chat_id}.json", f".chat/{chat_id}.json")

    def new(self, first_message: str) -> dict[str, Any]:
        """A fresh (unsaved) conversation."""
        return {"id": secrets.token_hex(6), "title": first_message[:80], "created_at": now(),
                "updated_at": now(), "model": "", "messages": [], "steps": []}

    def load(self, chat_id: str) -> dict[str, Any]:
        """A stored conversation; 404 when missing."""
        try:
            conv: dict[str, Any] = json.loads(self.path(chat_id).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise web.HTTPError(404, f"no conversation {chat_id!r} in this project") from None
        except (OSError, ValueError):
            raise web.HTTPError(409, f"conversation {chat_id!r} is unreadable (its file was "
                                     "edited or damaged)") from None
        return conv

    def save(self, conv: dict[str, Any]) -> None:
        """Write atomically."""
        conv["updated_at"] = now()
        atomic_write_json(self.path(conv["id"]), conv)

    def list(self) -> list[dict[str, Any]]:
        """Summaries, newest first."""
        out = []
        folder = contain(self.folder, self.dir, ".chat/")
        for path in folder.glob("*.json") if folder.is_dir() else []:
            if not is_within(self.folder, path):
                continue  # a link out of the project is not one of its conversations
            try:
                conv = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            out.append({k: conv.get(k) for k in ("id", "title", "created_at", "updated_at", "model")}
                       | {"steps": len(conv.get("steps", []))})
        return sorted(out, key=lambda c: c["updated_at"] or "", reverse=True)

    def delete(self, chat_id: str) -> None:
        """Remove a conversation (its exported notebook stays)."""
        path = self.path(chat_id)
        if not path.exists():
            raise web.HTTPError(404, f"no conversation {chat_id!r} in this project")
        path.unlink()

    def export(self, chat_id: str) -> Path:
        """Write the conversation as ``chat-<id>.ipynb`` in the project folder."""
        conv = self.load(chat_id)
        target = contain(self.folder, self.folder / f"chat-{chat_id}.ipynb", f"chat-{chat_id}.ipynb")
        atomic_write_text(target, nbf.writes(notebook(conv)))
        return target


def notebook(conv: dict[str, Any]) -> Any:
    """The notebook of a conversation; cells run top to bottom reproduce every step."""
    steps = {s["tool_use_id"]: s for s in conv.get("steps", [])}
    cells = [v4.new_markdown_cell(f"# {conv.get('title') or 'Chat with data'}\n\n"
                                           f"Exported from Orpheus chat `{conv['id']}`."),
             v4.new_code_cell(PRELOAD)]
    for message in conv.get("messages", []):
        content = message["content"]
        if message["role"] == "user" and isinstance(content, str):
            cells.append(v4.new_markdown_cell(f"**Question:** {content}"))
        if message["role"] != "assistant" or isinstance(content, str):
            continue
        for block in content:
            if block["type"] == "text" and block["text"].strip():
                cells.append(v4.new_markdown_cell(block["text"]))
            elif block["type"] == "tool_use" and block["id"] in steps:
                step = steps[block["id"]]
                cells.append(v4.new_code_cell(step["code"], outputs=[
                    nbf.from_dict(o) for o in step["outputs"]]))
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb
