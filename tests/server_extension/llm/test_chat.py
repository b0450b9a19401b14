"""Chat with data: scripted run_python calls execute in a real kernel of this server; the
conversation is stored and its exported notebook executes with nbclient."""

from __future__ import annotations

import json
import os
from typing import Any

import nbclient
import nbformat
import pytest
from tornado.httpclient import HTTPClientError

from tests.fakes.anthropic import FakeAnthropic
from tests.fakes.base import Reply, ToolCall
from tests.server_extension.datastudio import datasets

from .conftest import api, events

pytestmark = pytest.mark.slow

STEP1 = "import os\nprint(len(df), os.getpid())\ndf.groupby('treatment_arm').size().to_frame('n')"
STEP2 = "fig = px.histogram(df, x='age')\nfig.show()"


async def chat_project(jp_fetch: Any, root: Any) -> Any:
    await jp_fetch("orpheus", "api", "projects", method="POST", body=json.dumps({"name": "trial"}))
    folder = root / "projects" / "trial"
    frame = datasets.clinical_trial(folder / "data")
    return folder, frame


async def test_chat_runs_code_in_a_kernel_and_exports_a_runnable_notebook(
    jp_fetch, jp_root_dir, fake_llm: FakeAnthropic
):  # type: ignore[no-untyped-def]
    folder, frame = await chat_project(jp_fetch, jp_root_dir)
    fake_llm.enqueue(
        Reply(text="Let me count.", tool_calls=[ToolCall("run_python", {"code": STEP1})]),
        Reply(text="", tool_calls=[ToolCall("run_python", {"code": STEP2})]),
        Reply(text=f"There are {len(frame)} patients in three arms."),
    )
    stream = await api(
        jp_fetch,
        "trial",
        "chat",
        method="POST",
        body={"message": "How many patients?"},
        headers={"Accept": "text/event-stream"},
    )
    evs = events(stream)
    assert [d["code"] for e, d in evs if e == "tool"] == [STEP1, STEP2]
    first, second = [d["outputs"] for e, d in evs if e == "result"]
    printed = first[0]["text"].split()
    assert int(printed[0]) == len(frame)
    assert int(printed[1]) != os.getpid()  # the code ran in a kernel process, not in this server
    assert "text/html" in first[1]["data"]  # the grouped table
    assert any("application/vnd.plotly.v1+json" in o.get("data", {}) for o in second)
    complete = evs[-1][1]
    assert evs[-1][0] == "complete"
    assert complete["steps"] == 2
    assert complete["reply"].startswith(f"There are {len(frame)}")
    # the model saw the data's shape up front and the step's output afterwards
    calls = fake_llm.message_requests()
    assert "trial.csv" in calls[0].json["system"]
    assert str(len(frame)) in calls[1].json["messages"][-1]["content"][0]["content"]

    chat_id = complete["conversation_id"]
    listed = await api(jp_fetch, "trial", "chat")
    assert listed["conversations"][0]["id"] == chat_id
    conv = await api(jp_fetch, "trial", "chat", chat_id)
    assert [s["code"] for s in conv["steps"]] == [STEP1, STEP2]

    exported = await api(jp_fetch, "trial", "chat", chat_id, "export", method="POST")
    assert exported["path"] == f"projects/trial/chat-{chat_id}.ipynb"
    nb = nbformat.read(str(jp_root_dir / exported["path"]), as_version=4)
    nbformat.validate(nb)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[1:] == [STEP1, STEP2]  # one cell per executed step, after the preload
    await nbclient.NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(folder)}}).async_execute()
    step1 = next(c for c in nb.cells if c.cell_type == "code" and c.source == STEP1)
    assert step1.outputs[0]["text"].split()[0] == str(len(frame))  # fresh outputs of the re-run


async def test_follow_up_reuses_the_kernel_state_and_bad_input_is_4xx(jp_fetch, jp_root_dir, fake_llm: FakeAnthropic):  # type: ignore[no-untyped-def]
    await chat_project(jp_fetch, jp_root_dir)
    fake_llm.enqueue(
        Reply(text="", tool_calls=[ToolCall("run_python", {"code": "answer = 41 + 1"})]), Reply(text="Stored.")
    )
    first = await api(jp_fetch, "trial", "chat", method="POST", body={"message": "remember 42"})
    fake_llm.enqueue(
        Reply(text="", tool_calls=[ToolCall("run_python", {"code": "print(answer)"})]), Reply(text="It is 42.")
    )
    second = await api(
        jp_fetch,
        "trial",
        "chat",
        method="POST",
        body={"message": "what was it?", "conversation_id": first["conversation_id"]},
    )
    assert second["conversation_id"] == first["conversation_id"]
    conv = await api(jp_fetch, "trial", "chat", first["conversation_id"])
    assert conv["steps"][-1]["outputs"][0]["text"] == "42\n"
    assert [m["role"] for m in conv["messages"]] == ["user", "assistant", "user", "assistant"] * 2
    for body, code, word in [
        ({}, 400, "message"),
        ({"message": "x", "conversation_id": "zz"}, 400, "hexadecimal"),
        ({"message": "x", "conversation_id": "0" * 12}, 404, "no conversation"),
        ({"message": "x", "other": 1}, 400, "other"),
    ]:
        with pytest.raises(HTTPClientError) as e:
            await api(jp_fetch, "trial", "chat", method="POST", body=body)
        assert e.value.code == code
        assert word in json.loads(e.value.response.body)["message"]
    with pytest.raises(HTTPClientError) as e:
        await api(jp_fetch, "trial", "chat", "0" * 12, "export", method="POST")
    assert e.value.code == 404


async def test_failing_code_is_fed_back_and_steps_are_capped(
    jp_fetch, jp_root_dir, jp_serverapp, fake_llm: FakeAnthropic
):  # type: ignore[no-untyped-def]
    await chat_project(jp_fetch, jp_root_dir)
    next(iter(jp_serverapp.extension_manager.extension_apps["orpheus"])).chat_kernels.max_steps = 1
    fake_llm.enqueue(
        Reply(text="", tool_calls=[ToolCall("run_python", {"code": "1/0"})]),
        Reply(text="", tool_calls=[ToolCall("run_python", {"code": "print('again')"})]),
    )
    out = await api(jp_fetch, "trial", "chat", method="POST", body={"message": "divide"})
    assert out["reply"] == "(Stopped after 1 steps.)"
    assert out["steps"] == 1
    feedback = fake_llm.message_requests()[1].json["messages"][-1]["content"][0]
    assert feedback["is_error"] is True
    assert "ZeroDivisionError" in feedback["content"]
    conv = await api(jp_fetch, "trial", "chat", out["conversation_id"])
    assert conv["steps"][0]["outputs"][0]["ename"] == "ZeroDivisionError"
    assert conv["messages"][-1] == {"role": "assistant", "content": "(Stopped after 1 steps.)"}
    await jp_fetch("orpheus", "api", "projects", "trial", "chat", out["conversation_id"], method="DELETE")
    assert (await api(jp_fetch, "trial", "chat"))["conversations"] == []
