"""Spawn time of the embedded default vs bare JupyterHub: ``python -m benchmarks spawn``.

Two hubs in the same run, one after the other, each on its own temporary data folder:

- **baseline**: bare JupyterHub with its DummyAuthenticator and the same spawner
  (``SandboxSpawner``: one uid and one bubblewrap sandbox per user) running plain
  ``jupyterhub-singleuser`` (the Orpheus server extension disabled), no services;
- **orpheus**: the embedded default exactly as ``make run`` starts it (accounts,
  share and llm services, the Orpheus server extension and contents manager).

For each, N users (SPAWN_BENCH_USERS, 20) sign up (Orpheus) or exist (baseline), log
in through the login form, and spawn one after the other; a spawn is timed from
``POST /hub/api/users/{name}/server`` to the first 200 of ``/user/{name}/api/status``
through the proxy. Prints p50/p95 of both and the ratio orpheus/baseline.
"""

from __future__ import annotations

import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from orpheus_hub import paths
from tests.harness.hub import Hub, make_hub
from tests.harness.ports import free_ports

PASSWORD = "benchmark passphrase of some length"  # noqa: S105 - throwaway accounts on a temporary hub
BASELINE_CONFIG = """
c = get_config()
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.db_url = "sqlite:///{data}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{data}/cookie_secret"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "orpheus_hub.sandbox.SandboxSpawner"
c.SandboxSpawner.state_dir = "{data}/sandbox"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = ['--ServerApp.jpserver_extensions={{"orpheus": False}}']
c.Spawner.http_timeout = 60
c.JupyterHub.services = [{{"name": "bench", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "admin", "services": ["bench"]}}]
"""


def _wait(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise TimeoutError(url)


def _login(url: str, name: str) -> None:
    s = requests.Session()
    s.get(url + "/hub/login", timeout=30)
    data = {"_xsrf": s.cookies.get("_xsrf", path="/hub/"), "username": name, "password": PASSWORD}
    r = s.post(url + "/hub/login", data=data, allow_redirects=False, timeout=60)
    assert r.status_code == 302, f"login of {name}: {r.status_code}"


def _signup(url: str, name: str) -> None:
    s = requests.Session()
    s.get(url + "/hub/signup", timeout=30)
    data = {"_xsrf": s.cookies.get("_xsrf", path="/hub/"), "username": name,
            "email": f"{name}@example.org", "password": PASSWORD}
    r = s.post(url + "/hub/signup", data=data, allow_redirects=False, timeout=60)
    assert r.status_code == 302, f"sign-up of {name}: {r.status_code}"


def _spawn_seconds(url: str, admin: str, name: str) -> float:
    api = {"Authorization": f"token {admin}"}
    r = requests.post(f"{url}/hub/api/users/{name}/tokens", json={"note": "bench"}, headers=api, timeout=30)
    token = r.json()["token"]
    start = time.perf_counter()
    r = requests.post(f"{url}/hub/api/users/{name}/server", headers=api, timeout=120)
    assert r.status_code in (201, 202), r.text
    while True:
        s = requests.get(f"{url}/user/{name}/api/status", headers={"Authorization": f"token {token}"},
                         allow_redirects=False, timeout=30)
        if s.status_code == 200:
            return time.perf_counter() - start
        if time.perf_counter() - start > 180:
            raise TimeoutError(f"server of {name}")
        time.sleep(0.05)


def _run_users(url: str, admin: str, users: int, sign_up: bool) -> list[float]:
    times = []
    for i in range(users):
        name = f"bench{i:02d}"
        if sign_up:
            _signup(url, name)
        _login(url, name)
        times.append(_spawn_seconds(url, admin, name))
    for i in range(users):
        requests.delete(f"{url}/hub/api/users/bench{i:02d}/server",
                        headers={"Authorization": f"token {admin}"}, timeout=60)
    return times


def run_bare_hub(tmp: Path, config_text: str, env: dict[str, str], port: int, token: str, users: int) -> list[float]:
    """Start ``jupyterhub -f`` on ``config_text`` (a bare hub), time ``users`` spawns, stop it."""
    config = tmp / "baseline_config.py"
    config.write_text(config_text)
    env = {**os.environ, "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(16), **env}
    with (tmp / "hub.log").open("wb") as log:
        proc = subprocess.Popen([str(paths.venv_bin_dir() / "jupyterhub"), "-f", str(config)],
                                cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait(f"http://127.0.0.1:{port}/hub/health")
            return _run_users(f"http://127.0.0.1:{port}", token, users, sign_up=False)
        finally:
            proc.terminate()
            proc.wait(timeout=120)


def report(users: int, what: str, rows: tuple[tuple[str, list[float]], tuple[str, list[float]]]) -> None:
    """The side-by-side table and the ratio of the second row to the first."""
    (_, base), (_, ours) = rows
    print(f"{users} users, {what} spawn -> /user/<name>/api/status 200 through the proxy")
    print(f"{'hub':<48}{'p50 s':>8}{'p95 s':>8}{'max s':>8}")
    for label, times in rows:
        print(f"{label:<48}{statistics.median(times):>8.2f}{_p(times, 0.95):>8.2f}{max(times):>8.2f}")
    print(f"ratio orpheus/baseline: p50 {statistics.median(ours) / statistics.median(base):.2f}x, "
          f"p95 {_p(ours, 0.95) / _p(base, 0.95):.2f}x")


def baseline(tmp: Path, users: int) -> list[float]:
    """Bare JupyterHub + DummyAuthenticator + SandboxSpawner."""
    port, hub_port, api_port = free_ports(3)
    token = secrets.token_hex(16)
    text = BASELINE_CONFIG.format(
        port=port, hub_port=hub_port, api_port=api_port, data=tmp, token=token,
        proxy=paths.node_tool("configurable-http-proxy"),
        singleuser=str(paths.venv_bin_dir() / "jupyterhub-singleuser"))
    return run_bare_hub(tmp, text, {"ORPHEUS_DATA_DIR": str(tmp)}, port, token, users)


def orpheus(tmp: Path, users: int) -> list[float]:
    """The embedded default, as ``make run`` starts it."""
    hub: Hub = make_hub(tmp, extra_config="c.OrpheusAuthenticator.signup_rate_limit = 0\n"
                                          "c.OrpheusAuthenticator.login_rate_limit = 0")
    hub.start()
    try:
        return _run_users(hub.url, hub.admin_token, users, sign_up=True)
    finally:
        hub.stop()


def _p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    users = int(os.environ.get("SPAWN_BENCH_USERS", "20"))
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        base = baseline(Path(a), users)
        ours = orpheus(Path(b), users)
    report(users, "sandboxed", (("bare JupyterHub + Dummy + SandboxSpawner", base),
                                ("Orpheus embedded default", ours)))
    print("goal: ratio <= 1.2x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
