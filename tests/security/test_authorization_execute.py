"""Per-feature authorization: an Authorizer that denies ``execute`` stops every code path
that runs code (terminals, kernels, renders, git), while reading and writing still work.

Mirrors jupyter_server_terminals, where starting a terminal needs ``execute`` on the
``terminals`` resource: each Orpheus handler names an ``orpheus.<feature>`` resource.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from jupyter_server.auth.authorizer import Authorizer

SESSION_ID = "0123456789ab"  # the form of a session id; no such session exists


class DenyExecute(Authorizer):  # type: ignore[misc]
    """Allows ``read`` and ``write`` on every resource, never ``execute``; records each check."""

    checks: list[tuple[str, str]] = []

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        """Every action but ``execute``."""
        DenyExecute.checks.append((action, resource))
        return action != "execute"


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    """orpheus with the execute-denying authorizer."""
    DenyExecute.checks.clear()
    return {
        "ServerApp": {"jpserver_extensions": {"orpheus": True}, "authorizer_class": DenyExecute},
    }


def api(*parts: str) -> tuple[str, ...]:
    """A path under the Orpheus API."""
    return ("orpheus", "api", *parts)


# Each request runs code (a terminal, a kernel, a renderer or git) when allowed.
EXECUTING = [
    ("sessions", api("sessions"), {"title": "t", "mode": "claude"}),
    ("sessions", api("sessions", SESSION_ID, "resume"), {}),
    ("sessions", api("sessions", SESSION_ID, "clone"), {"url": "https://example.invalid/r.git"}),
    ("sessions", api("sessions", SESSION_ID, "fetch"), {"url": "https://example.invalid/"}),
    ("video", api("projects", "film", "video", "render"), {"scene": "starter"}),
    ("video", api("projects", "film", "video", "session"), {"idea": "a film"}),
    ("datastudio", api("projects", "film", "chat"), {"message": "hello"}),
]


async def post(jp_fetch: Any, path: tuple[str, ...], body: dict[str, Any]) -> Any:
    """POST a JSON body; the response whatever its status."""
    return await jp_fetch(*path, method="POST", body=json.dumps(body), raise_error=False,
                          headers={"Content-Type": "application/json"})


async def test_denying_execute_stops_every_code_path(jp_fetch: Any, jp_serverapp: Any) -> None:
    # Writing is allowed: the project and its video folder exist.
    r = await post(jp_fetch, api("projects", "film", "video"), {})
    assert r.code == 201, r.body
    for feature, path, body in EXECUTING:
        r = await post(jp_fetch, path, body)
        where = "/".join(path)
        assert r.code == 403, f"{where} answered {r.code}: {r.body!r}"
        message = json.loads(r.body)["message"]
        assert message == f"User is not authorized to execute on resource: orpheus.{feature}.", where
    assert not jp_serverapp.web_app.settings["terminal_manager"].terminals
    assert not jp_serverapp.kernel_manager.list_kernel_ids()
    ext = jp_serverapp.extension_manager.extension_apps["orpheus"]
    (orpheus,) = ext
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
