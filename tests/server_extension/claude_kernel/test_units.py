"""The pure parts of the Claude kernel: code blocks, proposals, history rebuilding, error messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from orpheus.claude_kernel.history import Exchange, Memory, answer_of, exchanges, messages, notebook_path, read_cells
from orpheus.claude_kernel.model import ModelError, Settings, error_message
from orpheus.claude_kernel.proposals import MARKER, code_blocks, is_proposal, proposed_cell

from .helpers import notebook


def answer_output(text: str, role: str = "answer") -> dict[str, object]:
    return {"output_type": "display_data", "data": {"text/markdown": text, "text/plain": text},
            "metadata": {"orpheus_claude": {"role": role}}}


def test_code_blocks_languages_fences_and_cut_answers() -> None:
    answer = "a\n```python\nx = 1\n```\n~~~~ py title\ny = 2\n~~~~\n```\nplain\n```\n```python\nz = 3"
    assert code_blocks(answer) == [("python", "x = 1"), ("py", "y = 2"), ("", "plain"), ("python", "z = 3")]


def test_proposed_cell_joins_python_blocks_only() -> None:
    cell = proposed_cell("```sql\nselect 1\n```\n```python\na = 1\n```\n```python\nb = 2\n```")
    assert cell is not None
    assert is_proposal(cell)
    assert cell.splitlines()[1:] == ["a = 1", "", "# %%", "b = 2"]
    assert proposed_cell("no code here, only `inline` code") is None
    assert not is_proposal("Plot the ages")
    assert is_proposal(f"\n{MARKER}: ...")


def test_notebook_path_absolute_or_relative_to_the_kernel_folder(tmp_path: Path) -> None:
    path = notebook(tmp_path / "a.ipynb", [])
    assert notebook_path(str(path), Path("/")) == path
    assert notebook_path("work/a.ipynb", tmp_path) == path  # an API path: the kernel runs in its folder
    assert notebook_path("a.txt", tmp_path) is None
    assert notebook_path("", tmp_path) is None
    (tmp_path / "broken.ipynb").write_text("{not json")
    assert read_cells(tmp_path / "broken.ipynb") is None
    assert read_cells(None) is None


def test_history_skips_proposals_errors_unanswered_and_markdown_cells(tmp_path: Path) -> None:
    path = notebook(tmp_path / "n.ipynb", [
        ("q1", "first", [answer_output("one")]),
        ("p", f"{MARKER}: run me\nx = 1", []),
        ("q2", "failed", [answer_output("**Claude could not answer.** quota", "error")]),
        ("q3", "never run", []),
        ("q4", "second", [answer_output("two")]),
        ("now", "third", []),
        ("q5", "below", [answer_output("after")]),
    ])
    cells = read_cells(path)
    assert cells is not None
    cells.insert(1, {"cell_type": "markdown", "id": "m", "source": "a note"})
    got = exchanges(cells, "now", Memory())
    assert [(e.question, e.answer) for e in got] == [("first", "one"), ("second", "two")]
    assert answer_of(cells[0]) == "one"


def test_memory_is_fresher_than_the_file_and_unsaved_cells_are_appended(tmp_path: Path) -> None:
    cells = read_cells(notebook(tmp_path / "n.ipynb", [("a", "old text", [answer_output("old answer")])]))
    memory = Memory()
    memory.record(Exchange("new text", "new answer", "a"))
    memory.record(Exchange("unsaved", "its answer", "b"))
    memory.record(Exchange("new text again", "newer answer", "a"))  # a re-run keeps its place
    got = exchanges(cells, "c", memory)
    assert [(e.question, e.answer) for e in got] == [("new text again", "newer answer"), ("unsaved", "its answer")]
    assert [e.question for e in exchanges(None, None, memory)] == ["new text again", "unsaved"]


def test_messages_alternate_and_drop_the_oldest_past_the_limit() -> None:
    history = [Exchange("q" * 10, "a" * 10), Exchange("r" * 10, "b" * 10)]
    assert messages(history, "now")[-1] == {"role": "user", "content": "now"}
    assert [m["role"] for m in messages(history, "now")] == ["user", "assistant"] * 2 + ["user"]
    assert messages(history, "now", limit=30) == [{"role": "user", "content": "r" * 10},
                                                  {"role": "assistant", "content": "b" * 10},
                                                  {"role": "user", "content": "now"}]


def test_error_messages_for_the_user() -> None:
    assert "Restart the kernel" in error_message(401, {})
    assert error_message(429, {"error": {"message": "0 tokens left"}}) == (
        "Your model quota is used up for now: 0 tokens left.")
    assert "no key configured" in error_message(503, {"error": {"message": "no key configured for anthropic"}})
    assert error_message(500, None) == "The model call failed (500): the gateway gave no reason."
    with pytest.raises(ModelError, match="not started by an Orpheus server"):
        Settings.from_env({}).require()
    assert Settings.from_env({"ORPHEUS_CLAUDE_MAX_TOKENS": "many"}).max_tokens == 4096


def test_a_cell_answered_since_the_last_save_counts_even_if_the_file_has_it_empty(tmp_path: Path) -> None:
    # JupyterLab opened the notebook with an empty first cell; the user typed and ran it, then
    # ran a new cell, all before any save: the file has the first cell empty and no second cell.
    cells = read_cells(notebook(tmp_path / "n.ipynb", [("q1", "", [])]))
    memory = Memory()
    memory.record(Exchange("Which arm is larger?", "Arm B.", "q1"))
    got = exchanges(cells, "q2", memory)
    assert [(e.question, e.answer) for e in got] == [("Which arm is larger?", "Arm B.")]
