"""Container spawn time of the production profile: ``python -m benchmarks spawn_container``.

Both hubs run on the same private dockerd (tests/production: the image built or reused by
content hash), with the same image and limits:

- **baseline**: bare JupyterHub + DummyAuthenticator + DockerSpawner, plain
  ``jupyterhub-singleuser`` (the Orpheus server extension disabled), SQLite, no services;
- **orpheus**: ``ORPHEUS_PROFILE=production`` with PostgreSQL, accounts, services and the
  Orpheus server extension.

N users (SPAWN_BENCH_USERS, 20) sign up (Orpheus) or exist (baseline), log in and spawn
one after the other; a spawn is timed from ``POST /hub/api/users/{name}/server`` to the
first 200 of ``/user/{name}/api/status`` through the proxy. Prints p50/p95 and the ratio.
"""

from __future__ import annotations

import os
import secrets
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.spawn_bench import _p, _run_users, _wait
from orpheus_hub import paths
from tests.harness.ports import free_ports
from tests.production.dockerd import Daemon
from tests.production.stack import MEM_LIMIT, production_stack

BASELINE_CONFIG = """
c = get_config()
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_port = {hub_port}
c.JupyterHub.hub_ip = {gateway!r}
c.JupyterHub.hub_connect_ip = {gateway!r}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.db_url = "sqlite:///{data}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{data}/cookie_secret"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "dockerspawner.DockerSpawner"
c.DockerSpawner.image = {image!r}
c.DockerSpawner.pull_policy = "never"
c.DockerSpawner.remove = True
c.DockerSpawner.use_internal_ip = True
c.DockerSpawner.prefix = "baseline"
c.DockerSpawner.volumes = {{"baseline-home-{{username}}": "/home/jovyan"}}
c.DockerSpawner.notebook_dir = "/home/jovyan"
c.DockerSpawner.cmd = ["jupyterhub-singleuser"]
c.DockerSpawner.args = ['--ServerApp.jpserver_extensions={{"orpheus": False}}']
c.DockerSpawner.mem_limit = {mem!r}
c.DockerSpawner.cpu_limit = 1.0
c.DockerSpawner.extra_create_kwargs = {{"user": "1000:1000"}}
c.Spawner.http_timeout = 60
c.JupyterHub.services = [{{"name": "bench", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "admin", "services": ["bench"]}}]
"""


def baseline(tmp: Path, daemon: Daemon, image: str, users: int) -> list[float]:
    """Bare JupyterHub + DummyAuthenticator + DockerSpawner on the same daemon and image."""
    port, hub_port, api_port = free_ports(3)
    token = secrets.token_hex(16)
    config = tmp / "baseline_config.py"
    config.write_text(BASELINE_CONFIG.format(
        port=port, hub_port=hub_port, api_port=api_port, data=tmp, token=token, image=image,
        gateway=daemon.gateway, mem=MEM_LIMIT, proxy=paths.node_tool("configurable-http-proxy")))
    env = {**os.environ, **daemon.env, "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(16)}
    with (tmp / "hub.log").open("wb") as log:
        proc = subprocess.Popen([str(paths.venv_bin_dir() / "jupyterhub"), "-f", str(config)],
                                cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait(f"http://127.0.0.1:{port}/hub/health")
            return _run_users(f"http://127.0.0.1:{port}", token, users, sign_up=False)
        finally:
            proc.terminate()
            proc.wait(timeout=120)


def main() -> int:
    users = int(os.environ.get("SPAWN_BENCH_USERS", "20"))
    limits = "c.OrpheusAuthenticator.signup_rate_limit = 0\nc.OrpheusAuthenticator.login_rate_limit = 0"
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        with production_stack(Path(b), extra_config=limits) as prod:
            ours = _run_users(prod.hub.url, prod.hub.admin_token, users, sign_up=True)
            prod.hub.stop()
            base = baseline(Path(a), prod.daemon, prod.image, users)
    print(f"{users} users, container spawn -> /user/<name>/api/status 200 through the proxy")
    print(f"{'hub':<48}{'p50 s':>8}{'p95 s':>8}{'max s':>8}")
    rows = (("bare JupyterHub + Dummy + DockerSpawner", base), ("Orpheus production profile", ours))
    for label, times in rows:
        print(f"{label:<48}{statistics.median(times):>8.2f}{_p(times, 0.95):>8.2f}{max(times):>8.2f}")
    print(f"ratio orpheus/baseline: p50 {statistics.median(ours) / statistics.median(base):.2f}x, "
          f"p95 {_p(ours, 0.95) / _p(base, 0.95):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
