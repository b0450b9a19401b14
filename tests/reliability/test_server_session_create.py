"""Session creation checks its folders first and writes after (issue 13, item 9).

A session used to write its uploads, CLAUDE.md, .claude/settings.local.json and
the trust entry in ~/.claude.json, and only then find the folder was a link out
of the project. Now a refused request (403 naming the link) leaves nothing on
disk: not in the link's target, not in the project, not in the home folder.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from .server_helpers import create_project, other_user, tree

STANDIN = Path(__file__).resolve().parents[1] / "fakes" / "claude_standin.py"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The home folder session terminals get (holds ~/.claude.json)."""
    folder = tmp_path / "home-for-sessions"
    folder.mkdir()
    return folder


@pytest.fixture
def jp_server_config(home: Path) -> dict[str, Any]:
    """orpheus with the stand-in claude, as the session tests run it."""
    return {"ServerApp": {"jpserver_extensions": {"orpheus": True}},
            "ClaudeSessionManager": {"claude_command": [sys.executable, str(STANDIN)],
                                     "home_dir": str(home), "reap_interval": 3600.0}}


def _multipart(fields: dict[str, str], files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    for name, body in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                     f'filename="{name}"\r\nContent-Type: text/plain\r\n\r\n'.encode() + body + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


async def _post_session(jp_fetch: Any, project: str) -> Any:
    body, content_type = _multipart({"title": "Linked", "project": project, "mode": "claude"},
                                    [("notes.txt", b"uploaded words\n")])
    return await jp_fetch("orpheus", "api", "sessions", method="POST", body=body,
                          headers={"Content-Type": content_type}, raise_error=False)


@pytest.mark.parametrize("link", ["sessions", ".orpheus", ".orpheus/sessions"])
async def test_refused_session_leaves_nothing_on_disk(jp_fetch: Any, jp_root_dir: Path,
                                                      home: Path, tmp_path: Path, link: str) -> None:
    await create_project(jp_fetch, "p")
    project = jp_root_dir / "projects" / "p"
    target = tmp_path / "elsewhere"
    target.mkdir()
    (project / link).parent.mkdir(parents=True, exist_ok=True)
    (project / link).symlink_to(target)
    before_project, before_target, before_home = tree(project), tree(target), tree(home)
    r = await _post_session(jp_fetch, "p")
    assert r.code == 403, r.body
    assert "is a link that leads outside the project" in json.loads(r.body)["message"]
    assert tree(target) == before_target
    assert tree(project) == before_project  # not even the project record was touched
    assert tree(home) == before_home  # no trust entry for a folder that was refused
    r = await jp_fetch("orpheus", "api", "sessions")
    assert json.loads(r.body)["sessions"] == []


async def test_video_session_in_a_linked_folder_writes_nothing(jp_fetch: Any, jp_root_dir: Path,
                                                               home: Path) -> None:
    await create_project(jp_fetch, "p")
    bob = other_user(jp_root_dir.parent)
    (jp_root_dir / "projects" / "p" / "video").symlink_to(bob / "projects" / "secret" / "video")
    before_bob, before_home = tree(bob), tree(home)
    r = await jp_fetch("orpheus", "api", "projects", "p", "video", "session", method="POST",
                       body=json.dumps({"idea": "a title card"}), raise_error=False)
    assert r.code == 403, r.body
    assert tree(bob) == before_bob
    assert tree(home) == before_home


async def test_a_session_in_a_plain_project_still_writes_everything(jp_fetch: Any, jp_root_dir: Path,
                                                                   home: Path) -> None:
    await create_project(jp_fetch, "p")
    r = await _post_session(jp_fetch, "p")
    assert r.code == 201, r.body
    model = json.loads(r.body)
    workdir = jp_root_dir / model["path"]
    assert (workdir / "notes.txt").read_bytes() == b"uploaded words\n"
    assert (workdir / "CLAUDE.md").is_file()
    assert str(workdir) in (home / ".claude.json").read_text()
    await jp_fetch("orpheus", "api", "sessions", model["id"], method="DELETE")
