"""Natural-language dashboard edits and narrative insights with scripted fake-model replies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from tests.fakes.anthropic import FakeAnthropic
from tests.fakes.base import Reply, ToolCall
from tests.fakes.openai import FakeOpenAI

from .conftest import SERVER_TOKEN, analysed_project, api, events

SSE = {"Accept": "text/event-stream"}


async def expect_error(coro: Any, code: int, *words: str) -> None:
    with pytest.raises(HTTPClientError) as e:
        await coro
    assert e.value.code == code
    message = json.loads(e.value.response.body)["message"]
    for word in words:
        assert word in message, message


def widget(spec: dict[str, Any], wid: str) -> dict[str, Any]:
    return next(w for w in spec["widgets"] if w["id"] == wid)


async def test_valid_edit_is_saved_as_one_undoable_version(jp_fetch, jp_root_dir, fake_llm: FakeAnthropic):  # type: ignore[no-untyped-def]
    await analysed_project(jp_fetch, jp_root_dir)
    fake_llm.enqueue(
        Reply(
            text="Turning it into a pie.",
            tool_calls=[
                ToolCall("update_widget", {"widget_id": "by-arm", "changes": {"kind": "pie", "title": "Arms"}}),
                ToolCall("remove_widget", {"widget_id": "ages"}),
            ],
        )
    )
    out = await api(
        jp_fetch,
        "trial",
        "dashboards",
        "overview",
        "edit",
        method="POST",
        body={"request": "make the arm chart a pie and drop the ages", "widget_id": "by-arm"},
    )
    assert out["changed"] is True
    assert widget(out["spec"], "by-arm")["kind"] == "pie"
    assert "ages" not in [w["id"] for w in out["spec"]["widgets"]]
    assert out["spec"]["version"] == 2
    assert out["undo_available"] == 1
    sent = fake_llm.message_requests()[-1]
    assert sent.credential() == SERVER_TOKEN
    assert {t["name"] for t in sent.json["tools"]} == {
        "update_widget",
        "add_widget",
        "remove_widget",
        "set_layout",
        "set_filter",
    }
    assert "by-arm" in sent.json["messages"][0]["content"]
    undone = await api(jp_fetch, "trial", "dashboards", "overview", "undo", method="POST")
    assert widget(undone["spec"], "by-arm")["kind"] == "bar"
    assert "ages" in [w["id"] for w in undone["spec"]["widgets"]]


async def test_invalid_edit_is_retried_once_then_422_and_spec_unchanged(jp_fetch, jp_root_dir, fake_llm: FakeAnthropic):  # type: ignore[no-untyped-def]
    folder = await analysed_project(jp_fetch, jp_root_dir)
    before = (folder / "dashboards" / "overview.json").read_text()
    bad = ToolCall("update_widget", {"widget_id": "bp-trend", "changes": {"encoding": {"y": "no_such_column"}}})
    fake_llm.enqueue(
        Reply(text="", tool_calls=[bad]),
        Reply(
            text="",
            tool_calls=[
                ToolCall("add_widget", {"widget": {"type": "chart", "kind": "donut", "encoding": {"x": "age"}}})
            ],
        ),
    )
    await expect_error(
        api(jp_fetch, "trial", "dashboards", "overview", "edit", method="POST", body={"request": "plot something"}),
        422,
        "nothing was changed",
        "kind",
    )
    calls = fake_llm.message_requests()
    assert len(calls) == 2
    feedback = calls[1].json["messages"][-1]["content"][0]
    assert feedback["type"] == "tool_result"
    assert feedback["is_error"] is True
    assert "no_such_column" in feedback["content"]
    assert (folder / "dashboards" / "overview.json").read_text() == before
    current = await api(jp_fetch, "trial", "dashboards", "overview")
    assert current["undo_available"] == 0


async def test_edit_streams_progress_events_and_recovers_on_retry(jp_fetch, jp_root_dir, fake_llm: FakeAnthropic):  # type: ignore[no-untyped-def]
    await analysed_project(jp_fetch, jp_root_dir)
    fake_llm.enqueue(
        Reply(text="", tool_calls=[ToolCall("remove_widget", {"widget_id": "missing"})]),
        Reply(
            text="Adding a note at the bottom.",
            tool_calls=[
                ToolCall("add_widget", {"widget": {"id": "note", "type": "markdown", "text": "Data as of today."}})
            ],
        ),
    )
    stream = await api(
        jp_fetch, "trial", "dashboards", "overview", "edit", method="POST", body={"request": "add a note"}, headers=SSE
    )
    kinds = [e for e, _ in events(stream)]
    assert kinds[0] == "status"
    assert kinds[-1] == "complete"
    assert {"text", "tool", "result", "error"} <= set(kinds)
    error = next(d for e, d in events(stream) if e == "error")
    assert error["retrying"] is True
    assert "missing" in error["message"]
    complete = events(stream)[-1][1]
    assert complete["changed"] is True
    assert widget(complete["spec"], "note")["position"]["w"] == 6


async def test_edit_bad_input_and_no_tool_call(jp_fetch, jp_root_dir, fake_llm: FakeAnthropic):  # type: ignore[no-untyped-def]
    await analysed_project(jp_fetch, jp_root_dir)
    edit = ("trial", "dashboards", "overview", "edit")
    await expect_error(api(jp_fetch, *edit, method="POST", body={}), 400, "request")
    await expect_error(api(jp_fetch, *edit, method="POST", body={"request": "x", "extra": 1}), 400, "extra")
    await expect_error(api(jp_fetch, *edit, method="POST", body={"request": "x", "widget_id": "nope"}), 404, "nope")
    await expect_error(
        api(jp_fetch, "trial", "dashboards", "ghost", "edit", method="POST", body={"request": "x"}), 404, "ghost"
    )
    await expect_error(
        api(jp_fetch, "nothere", "dashboards", "overview", "edit", method="POST", body={"request": "x"}), 404
    )
    fake_llm.enqueue(Reply(text="I cannot do that: there is no revenue column."))
    out = await api(jp_fetch, *edit, method="POST", body={"request": "show revenue"})
    assert out["changed"] is False
    assert "no revenue column" in out["message"]
    fake_llm.fail(429, "Daily token quota reached", "rate_limit_error")
    await expect_error(api(jp_fetch, *edit, method="POST", body={"request": "x"}), 429, "quota")


async def test_insights_are_written_next_to_the_analysis(jp_fetch, jp_root_dir, fake_llm: FakeAnthropic):  # type: ignore[no-untyped-def]
    folder = await analysed_project(jp_fetch, jp_root_dir)
    await expect_error(api(jp_fetch, "trial", "analysis", "insights"), 404, "no insights")
    fake_llm.enqueue(Reply(text="## What the data is\nA clinical trial with three arms."))
    stream = await api(jp_fetch, "trial", "analysis", "insights", method="POST", headers=SSE)
    evs = events(stream)
    assert "".join(d["text"] for e, d in evs if e == "text") == "## What the data is\nA clinical trial with three arms."
    assert evs[-1][1]["model"] == "claude-test"
    stored = json.loads((folder / ".analysis" / "insights.json").read_text())
    assert stored["text"].startswith("## What the data is")
    assert (folder / ".analysis" / "insights.md").exists()
    assert "trial.csv" in fake_llm.message_requests()[-1].json["messages"][0]["content"]
    got = await api(jp_fetch, "trial", "analysis", "insights")
    assert got["text"] == stored["text"]


async def test_insights_need_an_analysis_and_an_llm(jp_fetch, jp_root_dir, jp_serverapp):  # type: ignore[no-untyped-def]
    await jp_fetch("orpheus", "api", "projects", method="POST", body=json.dumps({"name": "bare"}))
    await expect_error(api(jp_fetch, "bare", "analysis", "insights", method="POST"), 404, "analy")
    await analysed_project(jp_fetch, jp_root_dir)
    app = jp_serverapp.extension_manager.extension_apps["orpheus"]
    next(iter(app)).llm.gateway_url = ""
    await expect_error(api(jp_fetch, "trial", "analysis", "insights", method="POST"), 503, "No LLM is configured")
    await expect_error(
        api(jp_fetch, "trial", "dashboards", "overview", "edit", method="POST", body={"request": "x"}), 503, "No LLM"
    )
    await expect_error(api(jp_fetch, "trial", "analysis", "insights", method="POST", body={"x": 1}), 400)


async def test_openai_provider_edit_with_feedback_in_openai_shape(jp_fetch, jp_root_dir, jp_serverapp):  # type: ignore[no-untyped-def]
    await analysed_project(jp_fetch, jp_root_dir)
    with FakeOpenAI(api_key=SERVER_TOKEN, prefix="/services/llm/openai") as fake:
        llm = next(iter(jp_serverapp.extension_manager.extension_apps["orpheus"])).llm
        llm.provider, llm.model = "openai", "gpt-test"
        llm.gateway_url = f"http://127.0.0.1:{fake.port}/services/llm"
        fake.enqueue(
            Reply(
                text="", tool_calls=[ToolCall("set_filter", {"filters": [{"column": "nope", "op": "eq", "value": 1}]})]
            ),
            Reply(
                text="Filtered.",
                tool_calls=[
                    ToolCall("set_filter", {"filters": [{"column": "treatment_arm", "op": "eq", "value": "A"}]})
                ],
            ),
        )
        out = await api(
            jp_fetch, "trial", "dashboards", "overview", "edit", method="POST", body={"request": "only arm A"}
        )
        assert out["changed"] is True
        assert out["spec"]["data_source"]["filters"][0]["column"] == "treatment_arm"
        first, second = (r.json for r in fake.model_requests())
        assert first["model"] == "gpt-test"
        assert first["messages"][0]["role"] == "system"
        assert first["tools"][0]["type"] == "function"
        assert [m["role"] for m in second["messages"]] == ["system", "user", "assistant", "tool"]
        assert second["messages"][2]["tool_calls"][0]["function"]["name"] == "set_filter"
        assert "nope" in second["messages"][3]["content"]


async def test_llm_status_reports_provider_and_degrades(jp_fetch, jp_serverapp):  # type: ignore[no-untyped-def]
    r = await jp_fetch("orpheus", "api", "llm")
    doc = json.loads(r.body)
    assert (doc["enabled"], doc["provider"], doc["model"]) == (True, "anthropic", "claude-test")
    assert "error" in doc["usage"]  # the fake upstream has no usage API: reported, not a 500
    next(iter(jp_serverapp.extension_manager.extension_apps["orpheus"])).llm.gateway_url = ""
    doc = json.loads((await jp_fetch("orpheus", "api", "llm")).body)
    assert doc["enabled"] is False
    assert doc["usage"] is None


async def test_edit_refuses_to_overwrite_a_concurrent_save(jp_fetch, jp_root_dir, fake_llm: FakeAnthropic):  # type: ignore[no-untyped-def]
    folder = await analysed_project(jp_fetch, jp_root_dir)
    path = folder / "dashboards" / "overview.json"

    def someone_else_saves_meanwhile(_request: object) -> Reply:
        spec = json.loads(path.read_text())
        path.write_text(json.dumps({**spec, "version": spec["version"] + 1, "title": "Theirs"}))
        return Reply(text="", tool_calls=[ToolCall("remove_widget", {"widget_id": "ages"})])

    fake_llm.responder = someone_else_saves_meanwhile
    await expect_error(
        api(jp_fetch, "trial", "dashboards", "overview", "edit", method="POST", body={"request": "drop ages"}),
        409,
        "changed while the model",
    )
    assert json.loads(path.read_text())["title"] == "Theirs"
