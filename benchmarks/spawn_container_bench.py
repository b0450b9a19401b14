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
import sys
import tempfile
from pathlib import Path

from benchmarks.spawn_bench import _run_users, report, run_bare_hub
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
    text = BASELINE_CONFIG.format(
        port=port, hub_port=hub_port, api_port=api_port, data=tmp, token=token, image=image,
        gateway=daemon.gateway, mem=MEM_LIMIT, proxy=paths.node_tool("configurable-http-proxy"))
    return run_bare_hub(tmp, text, daemon.env, port, token, users)


def main() -> int:
    users = int(os.environ.get("SPAWN_BENCH_USERS", "20"))
    limits = "c.OrpheusAuthenticator.signup_rate_limit = 0\nc.OrpheusAuthenticator.login_rate_limit = 0"
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        with production_stack(Path(b), extra_config=limits) as prod:
            ours = _run_users(prod.hub.url, prod.hub.admin_token, users, sign_up=True)
            prod.hub.stop()
            base = baseline(Path(a), prod.daemon, prod.image, users)
    report(users, "container", (("bare JupyterHub + Dummy + DockerSpawner", base),
                                ("Orpheus production profile", ours)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
