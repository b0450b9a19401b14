"""Code the model proposes: pulled out of the answer and offered as one new cell, never run.

JupyterLab creates a cell from the first ``set_next_input`` payload of a reply only
(it ignores the others), so every Python block of one answer goes into one cell,
blocks separated by ``# %%`` lines. The cell starts with :data:`MARKER`: the Claude
kernel recognises such a cell when it is run and explains where to run it instead
of sending it to the model, and the conversation leaves it out.
"""

from __future__ import annotations

import re
from typing import Any

MARKER = "# Proposed by Claude"
HEADER = f"{MARKER}: run this cell in a Python kernel (the Claude kernel does not run code)."
SEPARATOR = "\n\n# %%\n"
PYTHON_LANGUAGES = {"python", "py", "python3", "ipython", "ipython3"}

# A fenced block: an opening fence (``` or ~~~, 3 or more) with an info string, up to the
# same fence alone on a line (or the end of the answer, for an answer cut short).
_FENCE = re.compile(
    r"^(?P<indent>[ ]{0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)\n"
    r"(?P<body>.*?)(?:^(?P=indent)?(?P=fence)[ \t]*$|\Z)",
    re.MULTILINE | re.DOTALL,
)


def code_blocks(answer: str) -> list[tuple[str, str]]:
    """``(language, code)`` of every fenced block of ``answer``, in order."""
    blocks = []
    for m in _FENCE.finditer(answer):
        info = m.group("info").strip().split()
        language = info[0].lower() if info else ""
        body = m.group("body").rstrip("\n")
        if body.strip():
            blocks.append((language, body))
    return blocks


def proposed_cell(answer: str) -> str | None:
    """The new cell's text for the Python blocks of ``answer``, or ``None`` when it has none."""
    code = [body for language, body in code_blocks(answer) if language in PYTHON_LANGUAGES]
    if not code:
        return None
    return HEADER + "\n" + SEPARATOR.join(code) + "\n"


def is_proposal(cell_source: str) -> bool:
    """Whether a cell is code Claude proposed (so not a message to Claude)."""
    return cell_source.lstrip().startswith(MARKER)


def next_input_payload(text: str) -> dict[str, Any]:
    """The ``set_next_input`` payload: JupyterLab inserts a new code cell below the one that ran."""
    return {"source": "set_next_input", "text": text, "replace": False}
