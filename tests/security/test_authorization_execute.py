"""Per-feature authorization: an Authorizer that denies ``execute`` stops every code path
that runs code (terminals, kernels, renders, git), while reading and writing still work.

Mirrors jupyter_server_terminals, where starting a terminal needs ``execute`` on the
``terminals`` resource: each Orpheus handler names an ``orpheus.<feature>`` resource.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.auth.authorizer import Authorizer

STANDIN = Path(__file__).resolve().parents[1] / "fakes" / "claude_standin.py"


class DenyExecute(Authorizer):  # type: ignore[misc]
    """Allows ``read`` and ``write`` on every resource, never ``execute``; records each check."""

    checks: list[tuple[str, str]] = []

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        """Every action but ``execute``."""
        DenyExecute.checks.append((action, resource))
        return action != "execute"


@pytest.fixture
def jp_server_config(tmp_path: Path) -> dict[str, Any]:
    """orpheus with the execute-denying authorizer; sessions would run the stand-in claude."""
    DenyExecute.checks.clear()
    (tmp_path / "home").mkdir()
    return {
        "ServerApp": {"jpserver_extensions": {"orpheus": True}, "authorizer_class": DenyExecute},
        "ClaudeSessionManager": {"claude_command": [sys.executable, str(STANDIN)],
                                 "home_dir": str(tmp_path / "home"), "reap_interval": 3600.0},
    }


def api(*parts: str) -> tuple[str, ...]:
    """A path under the Orpheus API."""
    return ("orpheus", "api", *parts)


def executing(session_id: str) -> list[tuple[str, tuple[str, ...], dict[str, Any]]]:
    """Requests that run code (a terminal, a kernel, a renderer, git, a fetch) when allowed."""
    session = api("sessions", session_id)
    return [
        ("sessions", api("sessions"), {"title": "t", "mode": "claude"}),
        ("sessions", (*session, "resume"), {}),
        ("sessions", (*session, "clone"), {"url": "https://github.com/jupyter/notebook.git"}),
        ("sessions", (*session, "fetch"), {"url": "https://jupyter.org/"}),
        ("video", api("projects", "film", "video", "render"), {"scene": "starter"}),
        ("video", api("projects", "film", "video", "session"), {"idea": "a film"}),
        ("datastudio", api("projects", "film", "chat"), {"message": "hello"}),
    ]


async def post(jp_fetch: Any, path: tuple[str, ...], body: dict[str, Any]) -> Any:
    """POST a JSON body; the response whatever its status."""
    return await jp_fetch(*path, method="POST", body=json.dumps(body), raise_error=False,
                          headers={"Content-Type": "application/json"})


async def test_denying_execute_stops_every_code_path(jp_fetch: Any, jp_serverapp: Any) -> None:
    (orpheus,) = jp_serverapp.extension_manager.extension_apps["orpheus"]
    terminals = jp_serverapp.web_app.settings["terminal_manager"].terminals
    # A stopped session, made before execute was denied: resume, clone and fetch have a target.
    stopped = await orpheus.sessions.create("earlier", None, "claude", [])
    await orpheus.sessions.delete(stopped["id"], False)
    assert not terminals
    workdir = (await orpheus.sessions.workdir_of(stopped["id"])).workdir
    before = sorted(p.name for p in workdir.iterdir())
    # Writing is allowed: the project and its video folder exist.
    r = await post(jp_fetch, api("projects", "film", "video"), {})
    assert r.code == 201, r.body
    for feature, path, body in executing(stopped["id"]):
        r = await post(jp_fetch, path, body)
        where = "/".join(path)
        assert r.code == 403, f"{where} answered {r.code}: {r.body!r}"
        message = json.loads(r.body)["message"]
        assert message == f"User is not authorized to execute on resource: orpheus.{feature}.", where
    assert not terminals
    assert not jp_serverapp.kernel_manager.list_kernel_ids()
    assert sorted(p.name for p in workdir.iterdir()) == before, "a clone or fetch wrote"
    assert not any((orpheus.projects.path("film") / "video" / "out").iterdir()), "a render ran"
    assert ("execute", "orpheus.sessions") in DenyExecute.checks


async def test_reading_and_writing_still_work(jp_fetch: Any) -> None:
    r = await post(jp_fetch, api("projects"), {"name": "plain"})
    assert r.code == 201, r.body
    r = await post(jp_fetch, api("projects", "plain", "notes"), {"title": "idea", "body": "x"})
    assert r.code == 201, r.body
    for path in (api("info"), api("projects"), api("sessions"), api("projects", "plain", "notes")):
        r = await jp_fetch(*path, method="GET")
        assert r.code == 200, path
    assert {("write", "orpheus.projects"), ("read", "orpheus.info"), ("read", "orpheus.sessions")} \
        <= set(DenyExecute.checks)
    assert not any(action == "execute" for action, _ in DenyExecute.checks)
