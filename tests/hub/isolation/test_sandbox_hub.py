"""Issue 12: on the embedded default, a trial user's code is isolated from the hub, the
services and other users. Driven through a real hub, a real sign-up, a spawned server and
the user's Claude session terminal (the real ``claude`` CLI, its ``!`` shell mode)."""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from tests.fakes.anthropic import FakeAnthropic, Reply
from tests.harness.hub import Hub, running_hub
from tests.harness.ports import free_port
from tests.hub.accounts.helpers import CHEAP_HASHING, signup, wait_until

pytestmark = [pytest.mark.slow]

OPERATOR_KEY = "sk-ant-operator-" + "Q7" * 12
CLAUDE = Path(__file__).resolve().parents[3] / "node_modules" / ".bin" / "claude"
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]")
PROBE = """#!/bin/sh
out="$HOME/probe.out.tmp"
: > "$out"
echo "uid $(id -u)" >> "$out"
for f in {targets}; do
  if cat "$f" > /dev/null 2>&1; then echo "readable $f" >> "$out"; else echo "refused $f" >> "$out"; fi
done
hits=0
for e in /proc/[0-9]*/environ; do
  if grep -q "{key_prefix}" "$e" 2> /dev/null; then hits=$((hits+1)); fi
done
echo "environ-hits $hits" >> "$out"
echo mine > "$HOME/written-by-user.txt"
setsid nohup sleep 4321 > /dev/null 2>&1 < /dev/null &
mv "$out" "$HOME/probe.out"
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Hub, FakeAnthropic]]:
    data = Path(tmp_path_factory.mktemp("isolation"))
    with FakeAnthropic(api_key=OPERATOR_KEY) as fake:
        fake.default_reply = Reply(text="ok")
        env = {"ANTHROPIC_API_KEY": OPERATOR_KEY, "ANTHROPIC_BASE_URL": fake.url,
               "ORPHEUS_LLM_PORT": str(free_port())}
        extra = f"c.OrpheusAuthenticator.enforce_interval = 1\n{CHEAP_HASHING}"
        yield from ((hub, fake) for hub in running_hub(data, env=env, extra_config=extra))


def llm_service_pid(hub: Hub) -> int:
    """The pid of this hub's ``llm`` service (found from the host, as root)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if b"orpheus_hub.llm" in cmdline and str(hub.data_dir).encode() in environ:
            assert OPERATOR_KEY.encode() in environ  # the secret really is there to steal
            return int(entry.name)
    raise AssertionError("the llm service is not running")


def processes_of(uid: int) -> list[str]:
    """``comm`` of every host process whose real uid is ``uid``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        real = re.search(r"^Uid:\s+(\d+)", status, re.M)
        if entry.name.isdigit() and real and int(real.group(1)) == uid:
            found.append((entry / "comm").read_text().strip())
    return found


async def run_in_claude_terminal(ws_url: str, token: str, command: str) -> None:
    """Open the session terminal, wait for Claude's prompt, run ``!command`` (bash mode)."""
    ws = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}))
    seen = ""

    async def read_until(text: str) -> None:
        nonlocal seen
        while text not in ANSI.sub("", seen):
            msg = await ws.read_message()
            assert msg is not None, seen[-2000:]
            kind, *rest = json.loads(msg)
            if kind == "stdout":
                seen += rest[0]

    await ws.write_message(json.dumps(["set_size", 40, 120]))
    await asyncio.wait_for(read_until("shortcuts"), 90)
    await ws.write_message(json.dumps(["stdin", "!"]))
    await asyncio.sleep(0.5)  # Claude switches its input box to bash mode on "!"
    await ws.write_message(json.dumps(["stdin", command]))
    await asyncio.sleep(0.3)
    await ws.write_message(json.dumps(["stdin", "\r"]))
    await asyncio.sleep(1)
    await ws.write_message(json.dumps(["stdin", "\r"]))  # the first may accept a completion
    await asyncio.sleep(1)
    ws.close()


@pytest.mark.skipif(not CLAUDE.exists(), reason="the claude CLI is installed by `make test`")
def test_a_trial_users_claude_terminal_is_isolated(stack) -> None:  # type: ignore[no-untyped-def]
    hub, _ = stack
    # another user, with a file in their home
    other_token = hub.create_user("neighbour")
    other_base = hub.spawn("neighbour")
    r = requests.put(other_base + "api/contents/diary.txt", json={"type": "file", "format": "text",
                     "content": "private"}, headers={"Authorization": f"token {other_token}"}, timeout=30)
    assert r.status_code == 201, r.text
    other_file = hub.data_dir / "users" / "neighbour" / "diary.txt"
    assert other_file.exists()

    # a stranger signs up for a trial
    assert signup(hub, "stranger", "stranger@example.org").status_code == 302
    r = hub.api("POST", "/users/stranger/tokens", json={"note": "test"})
    assert r.status_code == 201, r.text
    token = hub.user_tokens["stranger"] = r.json()["token"]
    base = hub.spawn("stranger")
    auth = {"Authorization": f"token {token}"}
    llm_pid = llm_service_pid(hub)
    targets = [hub.data_dir / "jupyterhub_cookie_secret", hub.data_dir / "jupyterhub.sqlite",
               hub.data_dir / "orpheus.sqlite", other_file, f"/proc/{llm_pid}/environ"]
    assert all(Path(t).exists() for t in targets)
    probe = PROBE.format(targets=" ".join(f"'{t}'" for t in targets), key_prefix=OPERATOR_KEY[:24])
    r = requests.put(base + "api/contents/probe.sh", json={"type": "file", "format": "text",
                     "content": probe}, headers=auth, timeout=30)
    assert r.status_code == 201, r.text

    r = requests.post(base + "orpheus/api/sessions", json={"title": "Probe"}, headers=auth, timeout=60)
    assert r.status_code == 201, r.text
    ws_url = base.replace("http://", "ws://") + f"terminals/websocket/{r.json()['terminal']}"
    asyncio.run(run_in_claude_terminal(ws_url, token, 'sh "$HOME/probe.sh"'))

    home = hub.data_dir / "users" / "stranger"
    wait_until(lambda: (home / "probe.out").exists(), 60, "the probe's report")
    report = (home / "probe.out").read_text().splitlines()
    uid = int(report[0].split()[1])
    assert uid not in (0, os.getuid()), report
    for target in targets:
        assert f"refused {target}" in report, report
    assert "environ-hits 0" in report, report
    assert (home / "written-by-user.txt").stat().st_uid == uid
    assert home.stat().st_mode & 0o777 == 0o700
    assert home.stat().st_uid == uid
    assert other_file.stat().st_uid not in (uid, 0)  # the neighbour has a uid of their own
    assert "sleep" in processes_of(uid), "the detached child should be running before revocation"

    r = hub.api("POST", "/orpheus/users/stranger/revoke")
    assert r.status_code == 200, r.text
    wait_until(lambda: not processes_of(uid), 60, "every process of the revoked user's uid to end")
    assert hub.api("GET", "/users/stranger").json()["servers"] == {}
    r = requests.get(base + "api/status", headers=auth, timeout=10, allow_redirects=False)
    assert r.status_code != 200
