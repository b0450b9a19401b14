"""A Claude notebook run top to bottom with nbclient, then exported to HTML with nbconvert:
the answers are in the page, rendered from Markdown, and the second call carried the first turn."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from tests.fakes.base import Reply

from .helpers import HUB_TOKEN, KERNEL, FakeGateway, kernel_manager


def test_executed_notebook_exports_its_answers_to_html(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", HUB_TOKEN)  # the server's own token, as under the hub
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Claude", "language": "markdown"}
    nb.cells = [nbformat.v4.new_code_cell("Which arm is larger?"), nbformat.v4.new_code_cell("By how much?")]
    with FakeGateway() as gateway:
        gateway.enqueue(Reply(text="Arm **B** is larger, with 120 patients."),
                        Reply(text="By *twenty* patients: arm A has 100."))
        client = NotebookClient(nb, km=kernel_manager(gateway.gateway), timeout=60,
                                resources={"metadata": {"path": str(tmp_path)}})
        client.execute()
        second = gateway.message_requests()[1].json["messages"]
    assert second[1] == {"role": "assistant", "content": "Arm **B** is larger, with 120 patients."}
    html, _ = HTMLExporter().from_notebook_node(nb)
    assert "Arm <strong>B</strong> is larger, with 120 patients." in html
    assert "By <em>twenty</em> patients: arm A has 100." in html
    assert "Claude is thinking" not in html  # the placeholder was replaced by the answer
