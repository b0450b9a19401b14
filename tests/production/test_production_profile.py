"""The production profile for real: ORPHEUS_PROFILE=production on a private dockerd and a
private PostgreSQL, two users in their own containers, through the real proxy.

The first run on a machine builds the image (debootstrap, import, Dockerfile: minutes);
later runs reuse it by content hash (docs/deploy.md has the timings).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from .stack import (
    MEM_LIMIT,
    OPERATOR_KEY,
    REPLY,
    Production,
    build_image,
    claude_converse,
    production_stack,
    squash,
    terminal_run,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]

USERS = ("alice", "bob")
SECRET = "alice's private numbers: 4 8 15 16 23 42"


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Production]:
    with production_stack(Path(tmp_path_factory.mktemp("production"))) as stack:
        stack.hub.create_user("admin")
        for user in USERS:
            stack.hub.create_user(user)
            stack.servers[user] = stack.timed(f"spawn {user}", lambda u=user: stack.hub.spawn(u))
        yield stack


def test_each_user_reaches_their_own_container_through_the_proxy(prod: Production) -> None:
    for user in USERS:
        r = prod.get(user, prod.servers[user] + "orpheus/api/info")
        assert r.status_code == 200, r.text
        info = r.json()
        assert info["user"] == user
        # the server asked the hub (over the bridge gateway) for its owner's account
        assert info["account"]["state"] == "approved", info
        box = prod.container(user)
        assert box["Config"]["Image"] == prod.image
        assert box["Config"]["User"] == "1000:1000"
        assert box["State"]["Running"]
        assert box["HostConfig"]["CapDrop"] == ["ALL"]
        # another user's token does not open this server
        other = next(u for u in USERS if u != user)
        assert prod.get(user, prod.servers[user] + "api/status", token_of=other).status_code == 403


def test_no_root_and_no_other_users_files(prod: Production) -> None:
    alice, bob = prod.servers["alice"], prod.servers["bob"]
    auth = {"Authorization": f"token {prod.token('alice')}"}
    body = {"type": "file", "format": "text", "content": SECRET}
    r = requests.put(alice + "api/contents/alice-secret.txt", json=body, headers=auth, timeout=60)
    assert r.status_code == 201, r.text
    assert prod.get("alice", alice + "api/contents/alice-secret.txt").json()["content"] == SECRET
    # bob's server has no such file, and bob cannot use alice's server
    assert prod.get("bob", bob + "api/contents/alice-secret.txt").status_code == 404
    assert prod.get("alice", alice + "api/contents/alice-secret.txt", token_of="bob").status_code == 403
    # inside bob's container: not root, and alice's volume is not there at all
    mounts = {m.get("Name") for m in prod.container("bob")["Mounts"]}
    assert mounts == {"orpheus-home-bob"}, mounts
    screen = terminal_run(bob, prod.token("bob"),
                          "id -u; grep -c home /proc/mounts; "
                          "grep -rl 'private numbers' / --exclude-dir=proc --exclude-dir=sys "
                          "2>/dev/null | head -n 3; echo searched")
    lines = [ln.strip() for ln in screen.splitlines()]
    assert "1000" in lines, screen
    assert "0" not in lines[:lines.index("1000") + 1], screen
    assert "searched" in lines, screen
    assert not [ln for ln in lines if ln.startswith("/")], screen
    # the file is really in alice's volume, and alice's own shell sees it
    screen = terminal_run(alice, prod.token("alice"), "cat ~/alice-secret.txt; id -un")
    assert SECRET in screen, screen
    assert "jovyan" in screen, screen


def test_containers_cannot_reach_each_other(prod: Production) -> None:
    alice_ip = prod.container("alice")["NetworkSettings"]["IPAddress"]
    assert alice_ip
    # from the host (where the proxy runs) alice's server answers ...
    assert requests.get(f"http://{alice_ip}:8888/user/alice/api/status", timeout=30).status_code in (200, 403)
    # ... from bob's container it cannot even be connected to (the daemon runs with --icc=false)
    probe = (f"python3 -c 'import socket; socket.create_connection((\"{alice_ip}\", 8888), 5)' "
             "2>/dev/null; echo probe=$?")
    screen = terminal_run(prod.servers["bob"], prod.token("bob"), probe)
    assert "probe=1" in screen, screen


def test_memory_limit_is_enforced(prod: Production) -> None:
    limit = 768 * 2**20
    assert MEM_LIMIT == "768M"
    assert prod.container("alice")["HostConfig"]["Memory"] == limit
    alice = prod.servers["alice"]
    screen = terminal_run(
        alice, prod.token("alice"),
        "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null; "
        "python3 -c 'x = b\"\\1\" * (1200 * 2**20); print(\"allocated\", len(x))'; "
        "echo exit=$?", timeout=180)
    assert str(limit) in screen, screen
    assert "allocated" not in screen.replace("print(\"allocated\"", ""), screen
    assert "exit=137" in screen, screen  # SIGKILL from the cgroup's OOM killer
    # the user's server itself lives on
    assert prod.get("alice", alice + "api/status").status_code == 200


def test_claude_session_in_the_container_reaches_the_gateway(prod: Production) -> None:
    alice = prod.servers["alice"]
    auth = {"Authorization": f"token {prod.token('alice')}"}
    r = requests.post(alice + "orpheus/api/sessions", json={"title": "In a container"},
                      headers=auth, timeout=120)
    assert r.status_code == 201, r.text
    session = r.json()
    screen = claude_converse(alice, prod.token("alice"), session["terminal"], "Which volumes?")
    assert squash(REPLY.split(":", 1)[1]) in squash(screen)
    asked = [q for q in prod.fake.message_requests() if "Which volumes" in json.dumps(q.json)]
    assert asked, "the question never reached the upstream"
    # the gateway swapped the server's token for the operator key; the container never had it
    assert all(q.credential() == OPERATOR_KEY for q in asked)
    env = prod.container("alice")["Config"]["Env"]
    assert not [e for e in env if OPERATOR_KEY in e or e.startswith("ANTHROPIC_API_KEY=")]
    # the container was pointed at the gateway on the bridge's gateway address, not loopback
    gateway = prod.daemon.gateway
    assert f"ORPHEUS_LLM_URL=http://{gateway}:{prod.hub.env['ORPHEUS_LLM_PORT']}/services/llm" in env
    assert [e for e in env if e.startswith(f"ORPHEUS_SHARE_URL=http://{gateway}:")], env


def test_image_is_reused_by_content_hash(prod: Production) -> None:
    # Twice in a row: the first may rebuild if the work tree changed since the fixture's build.
    first, _ = build_image(prod.daemon, prune=False)  # the hub still spawns prod.image
    again, timings = build_image(prod.daemon, prune=False)
    assert again == first
    assert timings["build"].startswith("0 (cached"), timings
    assert timings["debootstrap"].startswith("0 (cached"), timings


def _share_and_usage(prod: Production) -> str:
    """alice shares a file and spends tokens through the gateway; returns the share URL."""
    alice = prod.servers["alice"]
    auth = {"Authorization": f"token {prod.token('alice')}"}
    body = {"type": "file", "format": "text", "content": SECRET}
    r = requests.put(alice + "api/contents/alice-secret.txt", json=body, headers=auth, timeout=60)
    assert r.status_code in (200, 201), r.text
    r = requests.post(alice + "orpheus/api/shares", json={"kind": "file", "target": "alice-secret.txt"},
                      headers=auth, timeout=120)
    assert r.status_code == 201, r.text
    url: str = r.json()["url"]
    assert requests.get(url, timeout=60).status_code == 200
    body = {"model": "claude-haiku-4-5", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
    r = requests.post(f"{prod.hub.url}/services/llm/anthropic/v1/messages", json=body,
                      headers={"Authorization": f"Bearer {prod.token('alice')}"}, timeout=60)
    assert r.status_code == 200, r.text
    return url


def _usage_of(prod: Production, user: str) -> list[str]:
    r = requests.get(f"{prod.hub.url}/services/llm/api/usage/users",
                     headers={"Authorization": f"Bearer {prod.token('admin')}"}, timeout=60)
    assert r.status_code == 200, r.text
    return [m["model"] for u in r.json()["users"] if u["user"] == user for m in u["models"]]


def test_hub_restart_keeps_accounts_shares_and_usage_in_postgres(prod: Production) -> None:
    url = _share_and_usage(prod)
    assert "claude-haiku-4-5" in _usage_of(prod, "alice")
    r = prod.hub.api("POST", "/orpheus/users/bob/revoke")
    assert r.status_code == 200, r.text
    # revocation ends bob's server: the container (and every process in it) is gone
    deadline = time.monotonic() + 60
    while "orpheus-bob" in prod.daemon.docker("ps", "-a", "--format", "{{.Names}}").split():
        assert time.monotonic() < deadline, "bob's container outlived his revocation"
        time.sleep(0.5)
    prod.timed("hub restart", prod.hub.restart)
    accounts = prod.hub.api("GET", "/orpheus/users").json()
    states = {a["name"]: a["state"] for a in accounts}
    assert states["alice"] == "approved", accounts
    assert states["bob"] == "revoked", accounts
    assert requests.get(url, timeout=60).status_code == 200  # the share link still works
    assert "claude-haiku-4-5" in _usage_of(prod, "alice")
    # all of it lives in PostgreSQL: each database has tables, the data folder no SQLite file
    for database in ("jupyterhub", "orpheus", "shares", "llm"):
        assert prod.pg.tables(database), f"no tables in {database}"
    assert "alice" in prod.pg.psql("jupyterhub", "SELECT name FROM users")
    assert not list(prod.hub.data_dir.rglob("*.sqlite")), list(prod.hub.data_dir.rglob("*.sqlite"))
    # and the users' homes outlive their containers: alice's file is back after a respawn
    server = prod.timed("respawn alice", lambda: prod.hub.spawn("alice"))
    assert prod.get("alice", server + "api/contents/alice-secret.txt").json()["content"] == SECRET
