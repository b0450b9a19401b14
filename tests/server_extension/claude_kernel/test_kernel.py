"""The Claude kernel, started with jupyter_client through its kernelspec and provisioner,
against the fake Anthropic API standing where the hub's gateway is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orpheus.claude_kernel.proposals import MARKER
from tests.fakes.base import Reply
from tests.harness.ports import free_port

from .helpers import GATEWAY_TOKEN, HUB_TOKEN, TOKEN_ID, FakeGateway, claude_kernel, new_id, notebook


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    with FakeGateway() as fake:
        yield fake  # type: ignore[misc]


def questions(fake: FakeGateway) -> list[list[dict[str, str]]]:
    """The ``messages`` of every model call the fake received."""
    return [r.json["messages"] for r in fake.message_requests()]


def test_second_cell_carries_the_first_turn_read_from_the_saved_notebook(
    gateway: FakeGateway, tmp_path: Path
) -> None:
    first, second = new_id(), new_id()
    path = notebook(tmp_path / "talk.ipynb", [(first, "Which arm is larger?", []), (second, "Why?", [])])
    gateway.enqueue(Reply(text="Arm **B** has 120 patients."), Reply(text="Because of the randomisation ratio."))
    with claude_kernel(gateway.gateway, path) as kernel:
        one = kernel.execute("Which arm is larger?", first)
        assert one.reply["status"] == "ok"
        # JupyterLab saves the notebook with the first answer before the second cell runs.
        notebook(path, [(first, "Which arm is larger?", one.outputs()), (second, "Why?", [])])
        kernel.km.restart_kernel(now=True)  # a fresh kernel: nothing in memory, only the file
        kernel.client.wait_for_ready(timeout=60)
        two = kernel.execute("Why?", second)
    assert two.reply["status"] == "ok"
    assert questions(gateway) == [
        [{"role": "user", "content": "Which arm is larger?"}],
        [{"role": "user", "content": "Which arm is larger?"},
         {"role": "assistant", "content": "Arm **B** has 120 patients."},
         {"role": "user", "content": "Why?"}],
    ]
    assert two.outputs()[-1]["data"]["text/markdown"] == "Because of the randomisation ratio."


def test_unsaved_cells_come_from_the_kernel_and_later_cells_are_left_out(
    gateway: FakeGateway, tmp_path: Path
) -> None:
    a, b, c = new_id(), new_id(), new_id()
    # On disk: cells a and c; b was added and run but the notebook was not saved since.
    path = notebook(tmp_path / "talk.ipynb", [(a, "old question", []), (c, "a later cell", [])])
    gateway.enqueue(Reply(text="first answer"), Reply(text="second answer"), Reply(text="third answer"))
    with claude_kernel(gateway.gateway, path) as kernel:
        kernel.execute("first question", a)
        kernel.execute("second question", b)
        kernel.execute("rerun of a", a)
    sent = questions(gateway)
    assert sent[1] == [{"role": "user", "content": "first question"},
                       {"role": "assistant", "content": "first answer"},
                       {"role": "user", "content": "second question"}]
    # Re-running the first cell: nothing is above it, so it starts the conversation again.
    assert sent[2] == [{"role": "user", "content": "rerun of a"}]


def test_without_a_notebook_the_kernel_history_is_the_conversation(gateway: FakeGateway) -> None:
    gateway.enqueue(Reply(text="Hello."), Reply(text="Still here."))
    with claude_kernel(gateway.gateway) as kernel:  # a console: no JPY_SESSION_NAME, no cell ids
        kernel.execute("hi")
        kernel.execute("are you there?")
    assert questions(gateway)[1] == [{"role": "user", "content": "hi"},
                                     {"role": "assistant", "content": "Hello."},
                                     {"role": "user", "content": "are you there?"}]


def test_the_answer_streams_into_one_markdown_display(gateway: FakeGateway) -> None:
    text = "The median age is 54 years and the spread is wide across all three arms of the trial."
    gateway.enqueue(Reply(text=text, chunk_delay=0.2))
    with claude_kernel(gateway.gateway) as kernel:
        run = kernel.execute("Describe the ages.")
    displays = run.of_type("display_data", "update_display_data")
    assert displays[0]["msg_type"] == "display_data"
    display_id = displays[0]["content"]["transient"]["display_id"]
    updates = [m for m in displays[1:] if m["content"]["transient"]["display_id"] == display_id]
    partial = [m["content"]["data"]["text/markdown"] for m in updates[:-1]]
    assert all(text.startswith(p) for p in partial)
    assert len({p for p in partial if len(p) < len(text)}) >= 3  # the fake sends 6 pieces, 0.2 s apart
    assert [len(p) for p in partial] == sorted(len(p) for p in partial)
    final = updates[-1]["content"]
    assert final["data"]["text/markdown"] == text
    assert final["metadata"] == {"orpheus_claude": {"role": "answer"}}
    assert not run.of_type("stream", "error")


def test_proposed_code_becomes_a_new_cell_and_is_never_run(gateway: FakeGateway, tmp_path: Path) -> None:
    side_effect = tmp_path / "ran.txt"
    code1 = f"open({str(side_effect)!r}, 'w').write('ran')"
    code2 = "print(sum(range(10)))"
    answer = f"Run this:\n\n```python\n{code1}\n```\n\nthen:\n\n```py\n{code2}\n```\n\n```bash\nls\n```\n"
    gateway.enqueue(Reply(text=answer))
    with claude_kernel(gateway.gateway, cwd=tmp_path) as kernel:
        run = kernel.execute("Write a file for me.")
        payload = run.reply["payload"]
        assert [p["source"] for p in payload] == ["set_next_input"]  # JupyterLab uses only the first
        assert payload[0]["replace"] is False
        cell = payload[0]["text"]
        assert cell.startswith(MARKER)
        assert code1 in cell
        assert code2 in cell
        assert "ls" not in cell
        assert cell.index(code1) < cell.index("# %%") < cell.index(code2)
        assert code1 in run.outputs()[0]["data"]["text/markdown"]  # shown in the output too
        # Running the new cell in the Claude kernel does not run it, nor send it to Claude.
        again = kernel.execute(cell)
    assert not side_effect.exists()
    assert again.reply["status"] == "ok"
    assert again.reply["payload"] == []
    assert "does not run code" in again.markdown()[0]
    assert len(gateway.message_requests()) == 1


def test_no_model_configured_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    with claude_kernel("", cwd=tmp_path) as kernel:
        run = kernel.execute("hello?")
    assert run.reply["status"] == "error"
    assert run.reply["traceback"] == []
    assert "No model is configured for this server" in run.markdown()[-1]
    assert run.outputs()[-1]["metadata"] == {"orpheus_claude": {"role": "error"}}
    assert not run.of_type("error", "stream")


def test_quota_exhausted_says_so(gateway: FakeGateway) -> None:
    gateway.fail(429, "Daily token quota reached: 0 of 100000 tokens left.", "rate_limit_error")
    with claude_kernel(gateway.gateway) as kernel:
        run = kernel.execute("hello?")
    message = run.markdown()[-1]
    assert "Your model quota is used up for now: Daily token quota reached" in message
    assert run.reply["status"] == "error"
    assert not run.of_type("error")


def test_gateway_gone_after_the_start_is_a_network_message(gateway: FakeGateway) -> None:
    with claude_kernel(gateway.gateway) as kernel:  # the token is minted, then the gateway goes away
        gateway.stop()
        run = kernel.execute("hello?")
    assert "could not be reached (network error)" in run.markdown()[-1]
    assert run.reply["status"] == "error"
    assert not run.of_type("error")


def test_gateway_unreachable_at_the_start_is_explained(tmp_path: Path) -> None:
    with claude_kernel(f"http://127.0.0.1:{free_port()}/services/llm", cwd=tmp_path) as kernel:
        run = kernel.execute("hello?")
    assert "could not get a model token: the llm service could not be reached" in run.markdown()[-1]
    assert "Restart the kernel" in run.markdown()[-1]


def test_kernel_gets_a_gateway_only_token_and_no_hub_credential(gateway: FakeGateway) -> None:
    gateway.enqueue(Reply(text="ok"))
    with claude_kernel(gateway.gateway) as kernel:
        env = kernel.environ()
        kernel.execute("hello")
    assert "JUPYTERHUB_API_TOKEN" not in env
    assert "JPY_API_TOKEN" not in env
    assert "JUPYTERHUB_EXTRA_SECRET" not in env
    assert HUB_TOKEN not in "\0".join(f"{k}={v}" for k, v in env.items())
    assert env["ORPHEUS_CLAUDE_TOKEN"] == GATEWAY_TOKEN
    [mint] = gateway.mint_requests()
    assert mint.headers["Authorization"] == f"token {HUB_TOKEN}"
    assert mint.json["expires_in"] == 12 * 3600
    [call] = gateway.message_requests()
    assert call.credential() == GATEWAY_TOKEN
    assert call.json["model"] == "claude-test"
    # Stopping the kernel revokes its token with the server's hub token.
    [revoke] = gateway.revoke_requests()
    assert revoke.path.endswith(f"/api/tokens/{TOKEN_ID}")
    assert revoke.headers["Authorization"] == f"token {HUB_TOKEN}"


def test_interrupt_stops_the_answer_and_keeps_what_arrived(gateway: FakeGateway) -> None:
    text = " ".join(f"word{i}" for i in range(60))  # 20 pieces, 0.5 s apart: 10 s unless interrupted
    gateway.enqueue(Reply(text=text, chunk_delay=0.5), Reply(text="next"))
    with claude_kernel(gateway.gateway) as kernel:
        msg = kernel.client.session.msg("execute_request", {"code": "Count slowly.", "silent": False})
        kernel.client.shell_channel.send(msg)
        while True:  # wait until the answer is streaming
            m = kernel.client.get_iopub_msg(timeout=30)
            if m["msg_type"] == "update_display_data" and m["content"]["data"]["text/markdown"].startswith("word0"):
                break
        kernel.km.interrupt_kernel()
        reply = kernel.client.get_shell_msg(timeout=30)
        while reply["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
            reply = kernel.client.get_shell_msg(timeout=30)
        after = kernel.execute("And then?")
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    sent = gateway.message_requests()[1].json["messages"]
    partial = sent[1]["content"]
    assert partial.startswith("word0")
    assert partial.endswith("*(Interrupted.)*")
    assert "word59" not in partial
    assert after.reply["status"] == "ok"
