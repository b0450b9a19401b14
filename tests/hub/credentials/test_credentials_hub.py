"""Research credentials end to end: a real PostgreSQL server started here, the real hub, real
sandboxed user servers. A granted user's kernel and session terminal log in with the
delivered login and read a row; a trial user in the same group gets nothing; revoking the
grant removes it from the next server start; no value is ever stored or written in the clear.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from tests.harness.hub import Hub, running_hub
from tests.hub.accounts.helpers import ADMIN_PASSWORD, CHEAP_HASHING, login, signup, xsrf
from tests.hub.llm.kernel import run_in_kernel

from .helpers import KEY
from .pg import Server, available, postgres_server

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not available(), reason="needs Debian's PostgreSQL and root")]

TITLE = "NCT-ORPHEUS-0001 low-dose aspirin after stroke"
SET = "trials-db"
CHECK = r"""
import json, os, stat
out = {"env": "PGPASSWORD" in os.environ, "hub_key": "ORPHEUS_CREDENTIALS_KEY" in os.environ}
folder = os.path.expanduser("~/.credentials")
if os.path.isdir(folder):
    st = os.stat(folder)
    out["folder"] = [oct(stat.S_IMODE(st.st_mode)), st.st_uid == os.getuid()]
    path = os.path.join(folder, "trials-db.json")
    if os.path.exists(path):
        fs = os.stat(path)
        with open(path) as f:
            out["file"] = [oct(stat.S_IMODE(fs.st_mode)), fs.st_uid == os.getuid(), json.load(f)["database"]]
if out["env"]:
    import psycopg
    with psycopg.connect("") as conn:
        out["row"] = conn.execute("SELECT title FROM studies").fetchone()[0]
print(json.dumps(out))
"""


@dataclass
class Stack:
    hub: Hub
    pg: Server
    password: str


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    password = "pw-" + secrets.token_urlsafe(18)
    with postgres_server() as pg:
        pg.psql("postgres", "CREATE DATABASE trials")
        pg.psql("postgres", f"CREATE ROLE reader LOGIN PASSWORD '{password}'")
        pg.psql("trials", "CREATE TABLE studies (id int PRIMARY KEY, title text NOT NULL)")
        pg.psql("trials", f"INSERT INTO studies VALUES (1, '{TITLE}')")  # noqa: S608 - a constant
        pg.psql("trials", "GRANT SELECT ON studies TO reader")
        data = Path(tmp_path_factory.mktemp("credentials"))
        env = {"ORPHEUS_CREDENTIALS_KEY": KEY}
        for hub in running_hub(data, env=env, extra_config=CHEAP_HASHING):
            yield Stack(hub, pg, password)


def variables(stack: Stack) -> dict[str, str]:
    return {"PGHOST": "127.0.0.1", "PGPORT": str(stack.pg.port), "PGDATABASE": "trials",
            "PGUSER": "reader", "PGPASSWORD": stack.password}


def check(hub: Hub, name: str) -> dict[str, Any]:
    """Start ``name``'s server if needed, run CHECK in a fresh kernel, return its answer."""
    base = hub.spawn(name)
    out = run_in_kernel(base, hub.user_tokens[name], CHECK)
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


async def type_into(ws_url: str, token: str, line: str) -> None:
    """Open a session terminal, wait for its first output, type ``line``."""
    ws = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}))
    await ws.write_message(json.dumps(["set_size", 40, 120]))
    while True:
        msg = await asyncio.wait_for(ws.read_message(), 60)
        assert msg is not None
        if json.loads(msg)[0] == "stdout":
            break
    await ws.write_message(json.dumps(["stdin", line + "\r"]))
    await asyncio.sleep(1)
    ws.close()


def wait_for(path: Path, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return path.read_text()
        time.sleep(0.25)
    raise TimeoutError(f"{path} never appeared")


def files_containing(root: Path, needle: bytes) -> list[str]:
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink() and needle in path.read_bytes():
                found.append(str(path))
    return found


def test_rest_contract(stack: Stack) -> None:
    hub = stack.hub
    token = hub.create_user("carol")
    assert hub.api("POST", "/groups/research").status_code in (201, 409)
    url = "/orpheus/credentials"
    body = {"name": "probe-set", "variables": {"API_KEY": stack.password}, "groups": ["research"]}
    assert requests.get(f"{hub.url}/hub/api{url}", timeout=30).status_code == 403  # anonymous
    r = hub.api("POST", url, token=token, json=body)  # an ordinary user
    assert r.status_code == 403
    assert "admin:users" in r.json()["message"]
    bad = hub.api("POST", url, json={**body, "variables": {"JUPYTERHUB_API_TOKEN": stack.password}})
    assert bad.status_code == 400
    assert "JUPYTERHUB_API_TOKEN is reserved" in bad.json()["message"]
    assert stack.password not in bad.text
    assert hub.api("POST", url, json={**body, "groups": ["nobody-here"]}).status_code == 404
    r = hub.api("POST", url, json=body)
    assert r.status_code == 201, r.text
    made = r.json()
    assert stack.password not in r.text
    assert made["variables"] == ["API_KEY"]
    assert made["groups"] == ["research"]
    assert made["allow_trial"] is False
    assert hub.api("POST", url, json=body).status_code == 409
    listed = hub.api("GET", url)
    assert [s["name"] for s in listed.json()["sets"]] == ["probe-set"]
    assert stack.password not in listed.text
    rotated = hub.api("POST", f"{url}/probe-set/rotate", json={"variables": {"API_KEY": "new"}}).json()
    assert rotated["fingerprint"] != made["fingerprint"]
    assert rotated["rotated_at"] >= made["rotated_at"]
    assert hub.api("PATCH", f"{url}/probe-set", json={"allow_trial": True}).json()["allow_trial"] is True
    assert hub.api("PATCH", f"{url}/probe-set", json={"values": 1}).status_code == 400
    assert hub.api("PUT", f"{url}/probe-set/groups/absent").status_code == 404
    assert hub.api("POST", "/groups/analysts").status_code in (201, 409)
    assert hub.api("PUT", f"{url}/probe-set/groups/analysts").status_code == 201
    assert hub.api("PUT", f"{url}/probe-set/groups/analysts").status_code == 200
    assert hub.api("DELETE", f"{url}/probe-set/groups/analysts").json()["groups"] == ["research"]
    assert hub.api("DELETE", f"{url}/probe-set/groups/analysts").status_code == 404
    assert hub.api("DELETE", f"{url}/probe-set").status_code == 204
    assert hub.api("GET", f"{url}/probe-set").status_code == 404
    assert hub.api("GET", f"{url}/Not..A..Name").status_code == 404


def test_admin_page(stack: Stack) -> None:
    hub = stack.hub
    anonymous = requests.get(f"{hub.url}/hub/credentials", allow_redirects=False, timeout=30)
    assert anonymous.status_code == 302
    assert "/hub/login" in anonymous.headers["Location"]
    assert hub.api("POST", "/groups/research").status_code in (201, 409)
    assert signup(hub, "pat", "pat@example.org").status_code == 302
    user, r = login(hub, "pat")
    assert r.status_code == 302
    assert user.get(f"{hub.url}/hub/credentials", timeout=30).status_code == 403  # not an admin
    denied = user.post(f"{hub.url}/hub/credentials", data={"action": "delete", "name": "x", "_xsrf": xsrf(user)},
                       timeout=30)
    assert denied.status_code == 403
    s, r = login(hub, "admin", ADMIN_PASSWORD)
    assert r.status_code == 302
    form = {"action": "create", "name": "page-set", "variables": f"SEARCH_API_KEY={stack.password}\n",
            "groups": "research", "description": "made on the page"}
    refused = s.post(f"{hub.url}/hub/credentials", data=form, timeout=30)
    assert refused.status_code == 403  # no _xsrf
    r = s.post(f"{hub.url}/hub/credentials", data={**form, "_xsrf": xsrf(s)}, timeout=30)
    assert r.status_code == 200, r.text[r.text.find("orpheus-credentials"):][:1500]
    assert "Created page-set." in r.text
    assert "SEARCH_API_KEY" in r.text
    assert stack.password not in r.text
    fingerprint = hub.api("GET", "/orpheus/credentials/page-set").json()["fingerprint"]
    assert fingerprint in r.text
    bad = s.post(f"{hub.url}/hub/credentials", timeout=30,
                 data={"action": "rotate", "name": "page-set", "variables": "no equals sign", "_xsrf": xsrf(s)})
    assert bad.status_code == 400
    assert "line 1: expected NAME=value" in bad.text
    r = s.post(f"{hub.url}/hub/credentials", data={"action": "delete", "name": "page-set", "_xsrf": xsrf(s)},
               timeout=30)
    assert "Deleted page-set." in r.text
    assert hub.api("GET", "/orpheus/credentials/page-set").status_code == 404


def test_granted_users_sessions_log_in_trial_users_do_not_and_revocation_takes_it_away(stack: Stack) -> None:
    hub = stack.hub
    token = hub.create_user("alice")
    assert signup(hub, "tina", "tina@example.org").status_code == 302  # a trial account
    r = hub.api("POST", "/users/tina/tokens", json={"note": "test"})
    hub.user_tokens["tina"] = r.json()["token"]
    for group, users in (("research", ["alice", "tina"]), ("shell", ["alice"])):
        assert hub.api("POST", f"/groups/{group}").status_code in (201, 409)
        assert hub.api("POST", f"/groups/{group}/users", json={"users": users}).status_code == 200
    file = {"host": "127.0.0.1", "port": stack.pg.port, "database": "trials", "user": "reader",
            "password": stack.password}
    r = hub.api("POST", "/orpheus/credentials", json={
        "name": SET, "description": "The trials database (read-only)", "variables": variables(stack),
        "file": file, "groups": ["research"]})
    assert r.status_code == 201, r.text

    # the granted user's kernel: variables, the private file, and a real login
    seen = check(hub, "alice")
    assert seen == {"env": True, "hub_key": False, "folder": ["0o700", True],
                    "file": ["0o600", True, "trials"], "row": TITLE}
    # ... and a session terminal (the server's environment minus the hub's credentials)
    base = f"{hub.url}/user/alice/"
    r = requests.post(base + "orpheus/api/sessions", json={"title": "psql", "mode": "shell"},
                      headers={"Authorization": f"token {token}"}, timeout=60)
    assert r.status_code == 201, r.text
    session = r.json()
    ws_url = base.replace("http://", "ws://") + f"terminals/websocket/{session['terminal']}"
    line = "psql -Atc 'SELECT title FROM studies' > ~/t.tmp 2>&1; mv ~/t.tmp ~/terminal.out"
    asyncio.run(type_into(ws_url, token, line))
    home = hub.data_dir / "users" / "alice"
    assert wait_for(home / "terminal.out").strip() == TITLE
    recording = requests.get(base + f"orpheus/api/sessions/{session['id']}/recording",
                             headers={"Authorization": f"token {token}"}, timeout=30)
    assert recording.status_code == 200
    assert "psql" in recording.text  # the recording is real ...
    assert stack.password not in recording.text  # ... and its header and output hold no value

    # a trial user in the same group: nothing (the set does not allow trials)
    assert check(hub, "tina") == {"env": False, "hub_key": False}

    # revoking the grant: the next server start has neither the variables nor the file
    assert hub.api("DELETE", f"/orpheus/credentials/{SET}/groups/research").status_code == 200
    assert check(hub, "alice")["env"] is True  # as documented: a running server keeps it ...
    hub.stop_server("alice")  # ... until it stops
    assert check(hub, "alice") == {"env": False, "hub_key": False}

    # never in the clear: not in the hub's databases, its log, or anything in the homes
    for db in ("orpheus.sqlite", "jupyterhub.sqlite"):
        assert stack.password.encode() not in (hub.data_dir / db).read_bytes()
    assert stack.password not in hub.log_text()
    assert f"Credential sets for alice: {SET}" in hub.log_text()
    assert files_containing(hub.data_dir / "users", stack.password.encode()) == []


def test_without_a_key_the_feature_is_off_and_says_so(tmp_path: Path) -> None:
    for hub in running_hub(tmp_path, env={"ORPHEUS_CREDENTIALS_KEY": ""}, extra_config=CHEAP_HASHING):
        r = hub.api("POST", "/orpheus/credentials", json={"name": "x", "variables": {"A": "b"}})
        assert r.status_code == 409
        assert "ORPHEUS_CREDENTIALS_KEY is not set" in r.json()["message"]
        assert hub.api("GET", "/orpheus/credentials").status_code == 409
        s, _ = login(hub, "admin", ADMIN_PASSWORD)
        page = s.get(f"{hub.url}/hub/credentials", timeout=30)
        assert page.status_code == 409
        assert "Credential sets are off" in page.text
        assert not (tmp_path / "orpheus.sqlite").read_bytes().count(b"orpheus_credential_sets")
