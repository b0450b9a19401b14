"""Sessions over the real HTTP API and real terminado terminals (stand-in claude)."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from .conftest import (
    AUTH_TOKEN,
    BASE_URL,
    STANDIN,
    create_session,
    open_terminal,
    standin_report,
)


@pytest.fixture(autouse=True)
def operator_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server process holds operator keys; no session terminal may see them."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-operator-secret")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-operator-openai")


async def test_claude_session_starts_standin_with_server_chosen_argv_cwd_env(  # type: ignore[no-untyped-def]
    jp_fetch, jp_ws_fetch, jp_root_dir, home
):
    (home / ".claude.json").write_text(json.dumps({"theme": "light", "userID": "u-1"}))
    model = await create_session(
        jp_fetch, {"title": "Churn study", "mode": "claude"}, [("notes.csv", b"a,b\n1,2\n")]
    )
    assert model["project"] == "churn-study"
    assert model["status"] == "created"
    assert model["terminal"] == f"orpheus_{model['id']}"
    workdir = Path(jp_root_dir) / model["path"]
    assert workdir == Path(jp_root_dir) / "projects" / "churn-study" / "sessions" / model["id"]
    assert (workdir / "notes.csv").read_bytes() == b"a,b\n1,2\n"
    assert "churn-study" in (workdir / "CLAUDE.md").read_text()
    settings = json.loads((workdir / ".claude" / "settings.local.json").read_text())
    assert "Read(//etc/shadow)" in settings["permissions"]["deny"]

    claude_json = json.loads((home / ".claude.json").read_text())
    assert claude_json["theme"] == "light"  # the user's own key survives
    assert claude_json["userID"] == "u-1"
    assert claude_json["hasCompletedOnboarding"] is True
    assert claude_json["projects"][str(workdir)]["hasTrustDialogAccepted"] is True

    term = await open_terminal(jp_ws_fetch, model["terminal"])
    output = await term.read_until(lambda out: "STANDIN " in out and "\n" in out.split("STANDIN ")[1])
    report = standin_report(output)
    assert report["argv"] == []
    assert Path(report["cwd"]).resolve() == workdir.resolve()
    env = report["env"]
    assert env["HOME"] == str(home)
    assert env["ANTHROPIC_BASE_URL"] == BASE_URL
    assert env["ANTHROPIC_AUTH_TOKEN"] == AUTH_TOKEN
    assert env["DISABLE_AUTOUPDATER"] == "1"
    assert env["ANTHROPIC_API_KEY"] is None
    assert env["OPENAI_API_KEY"] is None

    await term.send("hello there\r")
    await term.read_until(lambda out: "ECHO: hello there" in out)
    r = await jp_fetch("orpheus", "api", "sessions", model["id"])
    got = json.loads(r.body)
    assert got["status"] == "active"
    assert got["commands_executed"] == 1
    term.ws.close()


async def test_list_shows_status_title_project_and_counts(jp_fetch, jp_ws_fetch):  # type: ignore[no-untyped-def]
    first = await create_session(jp_fetch, {"title": "One", "project": "shared"})
    second = await create_session(jp_fetch, {"title": "Two", "project": "shared"})
    term = await open_terminal(jp_ws_fetch, second["terminal"])
    await term.read_until(lambda out: "STANDIN" in out)
    await term.send("a\rb\r")
    await term.read_until(lambda out: "ECHO: b" in out)
    term.ws.close()
    r = await jp_fetch("orpheus", "api", "sessions")
    listed = {s["id"]: s for s in json.loads(r.body)["sessions"]}
    assert listed[first["id"]]["status"] == "created"
    assert listed[first["id"]]["title"] == "One"
    assert listed[second["id"]]["project"] == "shared"
    assert listed[second["id"]]["commands_executed"] == 2
    assert listed[second["id"]]["last_activity"] >= listed[second["id"]]["created"]
    # the websocket closed: the terminal keeps running, nobody is watching
    for _ in range(100):  # the server notices the closed websocket on its own schedule
        r = await jp_fetch("orpheus", "api", "sessions", second["id"])
        if json.loads(r.body)["status"] == "disconnected":
            break
        await asyncio.sleep(0.05)
    assert json.loads(r.body)["status"] == "disconnected"


async def test_rename_changes_title_only_and_keeps_folder(jp_fetch, jp_root_dir):  # type: ignore[no-untyped-def]
    model = await create_session(jp_fetch, {"title": "Draft"})
    r = await jp_fetch(
        "orpheus", "api", "sessions", model["id"], method="PATCH",
        body=json.dumps({"title": "Final analysis"}),
    )
    renamed = json.loads(r.body)
    assert renamed["title"] == "Final analysis"
    assert renamed["path"] == model["path"]
    assert (Path(jp_root_dir) / model["path"]).is_dir()
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch(
            "orpheus", "api", "sessions", model["id"], method="PATCH",
            body=json.dumps({"title": "x", "project": "elsewhere"}),
        )
    assert e.value.code == 400
    assert b"only the title" in e.value.response.body


async def test_delete_stops_terminal_and_purge_removes_folder(jp_fetch, jp_root_dir, jp_serverapp):  # type: ignore[no-untyped-def]
    model = await create_session(jp_fetch, {"title": "Temp"})
    tm = jp_serverapp.web_app.settings["terminal_manager"]
    assert model["terminal"] in tm.terminals
    r = await jp_fetch("orpheus", "api", "sessions", model["id"], method="DELETE")
    stopped = json.loads(r.body)
    assert stopped["status"] == "terminated"
    assert stopped["ended"] == "deleted"
    assert model["terminal"] not in tm.terminals
    workdir = Path(jp_root_dir) / model["path"]
    assert workdir.is_dir()
    await jp_fetch("orpheus", "api", "sessions", model["id"], method="DELETE", params={"purge": "1"})
    assert not workdir.exists()
    assert not (Path(jp_root_dir) / model["recording"]).exists()
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("orpheus", "api", "sessions", model["id"])
    assert e.value.code == 404


async def test_resume_starts_claude_continue_in_same_folder(jp_fetch, jp_ws_fetch, jp_root_dir):  # type: ignore[no-untyped-def]
    model = await create_session(jp_fetch, {"title": "Resumable"})
    await jp_fetch("orpheus", "api", "sessions", model["id"], method="DELETE")
    r = await jp_fetch("orpheus", "api", "sessions", model["id"], "resume", method="POST", body="{}")
    resumed = json.loads(r.body)
    assert resumed["status"] == "created"
    assert resumed["terminal"] == model["terminal"]
    term = await open_terminal(jp_ws_fetch, resumed["terminal"])
    output = await term.read_until(lambda out: "STANDIN " in out and "\n" in out.split("STANDIN ")[1])
    report = standin_report(output)
    assert report["argv"] == ["--continue"]
    assert Path(report["cwd"]).resolve() == (Path(jp_root_dir) / model["path"]).resolve()
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("orpheus", "api", "sessions", model["id"], "resume", method="POST", body="{}")
    assert e.value.code == 409
    term.ws.close()


async def test_missing_command_is_an_error_status_not_a_500(jp_fetch, sessions):  # type: ignore[no-untyped-def]
    sessions.claude_command = ["/nonexistent/claude-cli"]
    model = await create_session(jp_fetch, {"title": "Broken"})
    assert model["status"] == "error"
    assert "could not start" in model["error"]
    assert "/nonexistent" not in json.dumps(model)
    assert model["terminal"] is None
    sessions.claude_command = [sys.executable, str(STANDIN)]


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"mode": "claude"}, 400, b"title"),
        ({"title": "x", "mode": "root"}, 400, b"mode must be one of"),
        ({"title": "x", "project": "../etc"}, 400, b"project"),
        ({"title": "x", "cols": "abc", "rows": "20"}, 400, b"cols"),
        ({"title": "t" * 101}, 400, b"longer than 100"),
        ({"title": "x", "mode": "shell"}, 403, b"shell sessions are only for members"),
    ],
)
async def test_bad_create_input_is_a_specific_4xx(jp_fetch, jp_root_dir, fields, status, message):  # type: ignore[no-untyped-def]
    from .conftest import multipart

    body, content_type = multipart(fields)
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch(
            "orpheus", "api", "sessions", method="POST", body=body,
            headers={"Content-Type": content_type},
        )
    assert e.value.code == status
    assert message in e.value.response.body
    assert not (Path(jp_root_dir) / "projects").exists() or not any(
        (Path(jp_root_dir) / "projects").iterdir()
    )


ROUTES = [
    ("GET", ()), ("POST", ()), ("GET", ("0123456789ab",)), ("PATCH", ("0123456789ab",)),
    ("DELETE", ("0123456789ab",)), ("POST", ("0123456789ab", "resume")),
    ("GET", ("0123456789ab", "recording")), ("GET", ("0123456789ab", "archive")),
    ("POST", ("0123456789ab", "clone")), ("POST", ("0123456789ab", "fetch")),
]


@pytest.mark.parametrize(("method", "parts"), ROUTES)
async def test_every_session_route_needs_authentication(jp_fetch, method, parts):  # type: ignore[no-untyped-def]
    body = "{}" if method in ("POST", "PATCH") else None
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("orpheus", "api", "sessions", *parts, method=method, body=body,
                       headers={"Authorization": ""})
    assert e.value.code == 403
